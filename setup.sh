#!/usr/bin/env bash
# sipkb's two set-up commands for a fresh Debian 12 machine (see README.md):
#   ./setup.sh demo [--remove-other-copies]
#         install the missing Debian packages, build, install the plugin where Wireshark
#         loads it, look for other sipkb.so copies this Wireshark would load (and remove them
#         with --remove-other-copies), then show what sipkb finds in the bundled captures
#         (tools/demo.sh)
#   ./setup.sh test   install the missing Debian packages, build, and run all tests (ctest)
# Works as root and as a normal user (who needs sudo for the packages). Never asks anything.
set -euo pipefail
cd "$(dirname "$0")"

build_dir=${SIPKB_BUILD_DIR:-build}
packages_prog=setup.sh
. tools/debian-packages.sh
packages=("${sipkb_build_packages[@]}")

usage() {
    echo "usage: ./setup.sh demo [--remove-other-copies] | ./setup.sh test" >&2
    exit 2
}

# Configures (showing only sipkb's own lines: which tests this build leaves out, and why)
# and builds.
build() {
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo > "$build_dir.configure.log" ||
        { cat "$build_dir.configure.log" >&2; exit 1; }
    grep '^-- sipkb:' "$build_dir.configure.log" || true
    rm -f "$build_dir.configure.log"
    cmake --build "$build_dir" -j "$(nproc)"
}

# A variable of the build's CMake cache.
cache_value() {
    sed -n "s/^$1:[A-Z]*=//p" "$build_dir/CMakeCache.txt"
}

# A folder of `tshark -G folders` ("Global Plugins", "Personal Plugins").
tshark_folder() {
    tshark -G folders 2> /dev/null | awk -F'\t' -v name="$1:" '$1 ~ "^" name {print $2; exit}'
}

# Other sipkb.so copies this Wireshark loads besides the one just installed: the global
# plugin folder always, the personal one unless running as root (Wireshark running as root
# loads plugins from its global folder only). Says which copy wins; removes the others only
# with --remove-other-copies.
check_other_copies() {
    local installed=$1 remove=$2
    local folders=() copies=() folder copy winner
    folders+=("$(tshark_folder 'Global Plugins')")
    [[ $(id -u) != 0 ]] && folders+=("$(tshark_folder 'Personal Plugins')")
    for folder in "${folders[@]}"; do
        [[ -n $folder && -d $folder ]] || continue
        while IFS= read -r copy; do
            [[ $(realpath "$copy") == $(realpath "$installed") ]] || copies+=("$copy")
        done < <(find "$folder" -name sipkb.so \( -type f -o -type l \) 2> /dev/null)
    done
    ((${#copies[@]} == 0)) && return 0

    winner=$(tshark -G plugins 2> /dev/null | awk -F'\t' '$1 ~ /^sipkb\.so/ {print $4; exit}')
    echo
    echo "setup.sh: this Wireshark also loads another sipkb.so:"
    for copy in "${copies[@]}"; do
        if cmp -s "$copy" "$installed"; then
            echo "  $copy (the same file as the one just installed)"
        else
            echo "  $copy (differs from the one just installed: an older or other build)"
        fi
    done
    echo "  Wireshark keeps the first sipkb.so it finds (global folder first, then personal) and"
    echo "  warns \"The plugin 'sipkb.so' was found in multiple directories\" on every start."
    if [[ $(realpath "${winner:-/nonexistent}") == $(realpath "$installed") ]]; then
        echo "  The one loaded is the one just installed: $winner"
    else
        echo "  The one loaded is NOT the one just installed: $winner"
        echo "  (just installed: $installed)"
    fi
    if ((remove)); then
        for copy in "${copies[@]}"; do
            echo "setup.sh: removing $copy (--remove-other-copies)"
            if [[ -w $(dirname "$copy") ]]; then
                rm -f -- "$copy"
            else
                as_root rm -f -- "$copy"
            fi
        done
    else
        echo "  To remove it: ./setup.sh demo --remove-other-copies, or by hand:"
        for copy in "${copies[@]}"; do
            if [[ -w $(dirname "$copy") ]]; then
                echo "    rm '$copy'"
            else
                echo "    sudo rm '$copy'     (as root: rm '$copy')"
            fi
        done
    fi
}

# Says so when the folder sipkb-annotate was installed to is not on PATH.
check_path() {
    local bindir=$1
    case ":$PATH:" in
    *":$bindir:"*) return 0 ;;
    esac
    echo
    echo "setup.sh: sipkb-annotate is in $bindir, which is not on your PATH."
    if [[ $bindir == "$HOME/.local/bin" ]] && grep -qs '\.local/bin' "$HOME/.profile"; then
        echo "  Your ~/.profile adds it when the folder exists: log in again, or for this shell:"
        echo "    export PATH=\"\$HOME/.local/bin:\$PATH\""
    else
        echo "  Add it, for this shell and for later logins:"
        echo "    export PATH=\"$bindir:\$PATH\""
        echo "    echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.profile"
    fi
}

demo() {
    local remove=0
    for arg in "$@"; do
        case $arg in
        --remove-other-copies) remove=1 ;;
        *) usage ;;
        esac
    done
    install_packages "${packages[@]}"
    build
    cmake --install "$build_dir"
    local plugin_dir prefix
    plugin_dir=$(cache_value SIPKB_PLUGIN_INSTALL_DIR)
    prefix=$(cache_value CMAKE_INSTALL_PREFIX)
    if [[ $(id -u) == 0 ]]; then
        echo "setup.sh: as root, the plugin went to Wireshark's global folder ($plugin_dir):"
        echo "  every user of this machine now loads it."
    fi
    check_other_copies "$plugin_dir/sipkb.so" "$remove"
    check_path "$prefix/bin"
    echo
    tools/demo.sh
}

run_tests() {
    (($# == 0)) || usage
    install_packages "${packages[@]}" util-linux
    build
    ctest --test-dir "$build_dir" --output-on-failure
}

command=${1:-}
(($# > 0)) && shift
case $command in
demo) demo "$@" ;;
test) run_tests "$@" ;;
*) usage ;;
esac
