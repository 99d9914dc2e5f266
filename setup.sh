#!/usr/bin/env bash
# sipkb's two set-up commands for a fresh Debian 12 machine (see README.md):
#   ./setup.sh demo   install the missing Debian packages, build, install the plugin where
#                     Wireshark loads it, and explain every SIP response of the bundled captures
#   ./setup.sh test   install the missing Debian packages, build, and run all tests (ctest)
# Works as root and as a normal user (who needs sudo for the packages).
set -euo pipefail
cd "$(dirname "$0")"

build_dir=${SIPKB_BUILD_DIR:-build}
packages_prog=setup.sh
. tools/debian-packages.sh
packages=("${sipkb_build_packages[@]}")

build() {
    cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
    cmake --build "$build_dir" -j "$(nproc)"
}

demo() {
    install_packages "${packages[@]}"
    build
    cmake --install "$build_dir"
    echo
    echo "== Every SIP response of the bundled captures, explained by the installed sipkb"
    echo "   (tshark -2 -r CAPTURE -Y sipkb.code: frame, code, explanation, most likely cause)"
    for capture in captures/*.pcapng; do
        echo
        echo "### $capture"
        tshark -2 -r "$capture" -Y sipkb.code -T fields -E occurrence=f -e frame.number \
            -e sipkb.code -e sipkb.summary -e sipkb.cause 2> /dev/null |
            awk -F'\t' '{ printf "%5s  %s  %s\n              likely: %s\n", $1, $2, $3, $4 }'
    done
    echo
    echo "== One response in full: the 403 of captures/register-callerid-mismatch.pcapng"
    tshark -r captures/register-callerid-mismatch.pcapng -Y 'sipkb.code == 403' -O sipkb \
        2> /dev/null
}

run_tests() {
    install_packages "${packages[@]}" util-linux
    build
    ctest --test-dir "$build_dir" --output-on-failure
}

case ${1:-} in
demo) demo ;;
test) run_tests ;;
*)
    echo "usage: ./setup.sh demo|test" >&2
    exit 2
    ;;
esac
