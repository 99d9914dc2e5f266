#!/usr/bin/env bash
# Builds sipkb and runs its ctest suite against several Wireshark releases: Debian 13 (trixie,
# Wireshark 4.4), Debian testing (4.6 at the time of writing) and this host (Debian 12, 4.0).
#
# Each Debian suite gets a minimal root made with `debootstrap --variant=minbase` and cached
# outside the repository; the working tree (and ../shared/captures/public beside it, when
# present) is snapshotted once, mounted read-only into every root, built in a fresh build
# folder there and tested with the same `ctest` as on the host. Nothing is installed into any
# Wireshark plugin folder: the tests load the plugin from <build>/plugins.
#
# Usage: sudo tests/compat/run-compat.sh [options]
#   --suites "trixie testing"  Debian suites to test in chroots (default: "trixie testing");
#                              "host" in the list is the host column
#   --no-host                  skip the host column
#   --keep-going               go on with the next version after one fails
#   --offline                  use the cached roots as they are (no apt-get); a missing or
#                              broken root then fails instead of being rebuilt
#   --exclude REGEX            ctest -E: leave matching tests out (default: none)
#   --source DIR               the sipkb checkout to test (default: the one holding this script)
# Environment:
#   SIPKB_COMPAT_CACHE    where the roots live (default /var/cache/sipkb-compat); each suite's
#                         root is <cache>/<suite>, the last run's logs are in <cache>/logs
#   SIPKB_COMPAT_MIRROR   Debian mirror (default http://deb.debian.org/debian); the security
#                         archive is SIPKB_COMPAT_SECURITY_MIRROR (default <mirror>-security)
#   SIPKB_PUBLIC_CAPTURES public captures folder (default <source>/../shared/captures/public)
#
# Prints a table of version x build / unit / end-to-end (PASS/FAIL per cell) with timings,
# and exits non-zero if any cell fails, a root cannot be made, or the archive cannot be reached.
set -uo pipefail

prog=run-compat
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

suites="trixie testing"
run_host=1
keep_going=0
offline=0
exclude=
source_dir=$(cd "$script_dir/../.." && pwd)

usage() {
    sed -n '/^# Usage:/,/^# and exits/p' "$0" | sed 's/^# \{0,1\}//'
}

while (($#)); do
    case $1 in
    --suites) suites=${2?--suites needs a list}; shift 2 ;;
    --suites=*) suites=${1#*=}; shift ;;
    --no-host) run_host=0; shift ;;
    --keep-going) keep_going=1; shift ;;
    --offline) offline=1; shift ;;
    --exclude) exclude=${2:?--exclude needs a regex}; shift 2 ;;
    --exclude=*) exclude=${1#*=}; shift ;;
    --source) source_dir=$(cd "${2:?--source needs a folder}" && pwd) || exit 2; shift 2 ;;
    --source=*) source_dir=$(cd "${1#*=}" && pwd) || exit 2; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "$prog: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

cache=${SIPKB_COMPAT_CACHE:-/var/cache/sipkb-compat}
mirror=${SIPKB_COMPAT_MIRROR:-http://deb.debian.org/debian}
security_mirror=${SIPKB_COMPAT_SECURITY_MIRROR:-${mirror%/debian}/debian-security}
public_captures=${SIPKB_PUBLIC_CAPTURES:-$source_dir/../shared/captures/public}

# What the build and the tests need in a root (and on the host).
packages=(tshark libwireshark-dev wireshark-dev libglib2.0-dev cmake gcc libc6-dev make
    pkg-config util-linux passwd bash coreutils diffutils findutils grep sed mawk unzip)
host_packages=(tshark libwireshark-dev wireshark-dev libglib2.0-dev cmake gcc make pkg-config
    util-linux unzip)
chroot_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
apt_opts=(-q -y -o Dpkg::Use-Pty=0 -o Acquire::Retries=2 -o Acquire::http::Timeout=60
    -o APT::Install-Recommends=false -o Dpkg::Options::=--force-confdef
    -o Dpkg::Options::=--force-confold)
# Lines of debootstrap or apt output that mean the archive was not reached.
network_errors='Temporary failure resolving|Could not resolve|Failed to fetch|Unable to connect|Could not connect|Connection failed|Connection refused|Connection timed out|timed out|Network is unreachable|No route to host|Failed getting release file|Couldn.t download|Cannot initiate the connection|Unable to fetch some archives|Some index files failed to download|Hash Sum mismatch|Bad header line|Undetermined Error'

if [[ $(id -u) != 0 ]]; then
    echo "$prog: needs root (debootstrap, chroot and mount); run it with sudo" >&2
    exit 2
fi
if [[ ! -f $source_dir/CMakeLists.txt || ! -d $source_dir/plugin ]]; then
    echo "$prog: $source_dir is not a sipkb checkout" >&2
    exit 2
fi
case $cache/ in
"$source_dir"/*)
    echo "$prog: the cache ($cache) must be outside the repository ($source_dir)" >&2
    exit 2
    ;;
esac

now() { date +%s; }
fmt_time() {
    local s=$1
    if ((s >= 60)); then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi
}
exec {err_fd}>&2 # messages go to the caller's stderr even from inside a redirected step
say() { printf '%s: %s\n' "$prog" "$*" >&"$err_fd"; }

# --- mounts, always undone ---------------------------------------------------------------------
mounts=()
work=
lock_fd=
child_pid=
active_root=

# Runs a command as a child the signal traps can interrupt (bash runs a trap only once its
# foreground command ends; `wait` returns at once).
run_child() {
    "$@" &
    child_pid=$!
    wait "$child_pid"
    local status=$?
    child_pid=
    return "$status"
}

root_pids() { # processes running inside a root (left behind by an interrupted step)
    local root=$1 p link
    for p in /proc/[0-9]*; do
        link=$(readlink "$p/root" 2> /dev/null) || continue
        [[ $link == "$root" ]] && echo "${p#/proc/}"
    done
}

unmount_path() {
    local m=$1
    umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || say "could not unmount $m"
}

unmount_all() {
    local i
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        if mountpoint -q "${mounts[i]}"; then unmount_path "${mounts[i]}"; fi
    done
    mounts=()
}

# Mounts left under a root by a run that was killed before its trap ran.
unmount_stale() {
    local root=$1 m pid pids
    pids=$(root_pids "$root")
    if [[ -n $pids ]]; then
        for pid in $pids; do kill -TERM "$pid" 2> /dev/null; done
        sleep 1
    fi
    while read -r m; do
        unmount_path "$m"
    done < <(awk -v r="$root/" 'index($5, r) == 1 {print $5}' /proc/self/mountinfo | sort -r)
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $child_pid ]]; then
        kill -TERM "$child_pid" 2> /dev/null
        wait "$child_pid" 2> /dev/null
    fi
    unmount_all
    # Whatever an interrupted step left mounted in the root (debootstrap mounts /proc itself).
    [[ -n $active_root ]] && unmount_stale "$active_root"
    [[ -n $work && -d $work ]] && rm -rf --one-file-system "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT
trap 'say "terminated"; exit 143' TERM

mount_root() {
    local root=$1 snapshot=${2:-}
    active_root=$root
    mkdir -p "$root/proc" "$root/dev" "$root/sipkb"
    mount -t proc proc "$root/proc" && mounts+=("$root/proc") || return 1
    mount --bind /dev "$root/dev" && mounts+=("$root/dev") || return 1
    if [[ -d /dev/pts ]]; then
        mkdir -p "$root/dev/pts"
        mount --bind /dev/pts "$root/dev/pts" && mounts+=("$root/dev/pts") || return 1
    fi
    if [[ -n $snapshot ]]; then
        mount --bind "$snapshot" "$root/sipkb" && mounts+=("$root/sipkb") || return 1
        mount -o remount,bind,ro "$root/sipkb" || return 1
    fi
}

in_root() { # run a command in a root with a clean environment (and a time limit)
    local root=$1
    shift
    run_child timeout 30m chroot "$root" /usr/bin/env -i PATH="$chroot_path" HOME=/root \
        LANG=C.UTF-8 TMPDIR=/tmp DEBIAN_FRONTEND=noninteractive "$@"
}

# --- roots -------------------------------------------------------------------------------------
notes=()
unreachable=
add_note() { # returns 1 when the note was there already
    local n
    for n in "${notes[@]}"; do [[ $n == "$1" ]] && return 1; done
    notes+=("$1")
}

network_failure() { # LOG WHAT: says so if LOG shows an unreachable archive
    local log=$1 what=$2 line
    line=$(grep -E -m1 "$network_errors" "$log" 2> /dev/null) || return 1
    unreachable="the Debian archive ($mirror) could not be reached while $what: $line"
    say "cannot reach the Debian archive ($mirror) while $what: $line"
    say "  (full output: $log)"
    return 0
}

# apt-get update in a root. An index that could not be fetched is an error here, not the
# warning apt makes of it, so a stale root never passes for an up-to-date one.
apt_update() {
    local root=$1 suite=$2 log=$3 out=$3.update status expired
    in_root "$root" apt-get "${apt_opts[@]}" update > "$out" 2>&1
    status=$?
    cat "$out" >> "$log"
    expired=$(grep -E -m1 "Release file for .* is expired" "$out" |
        sed -e 's/^[EW]: //' -e 's/ (invalid since [^)]*)//' -e 's/\. Updates for this repository will not be applied\.//')
    if [[ -n $expired ]]; then
        # The mirror serves an archive snapshot whose Release is past its Valid-Until date.
        add_note "$suite: $expired; accepted with Acquire::Check-Valid-Until=false" &&
            say "$suite: $expired; retrying with Acquire::Check-Valid-Until=false"
        echo "--- retry without the Valid-Until check" >> "$log"
        in_root "$root" apt-get "${apt_opts[@]}" -o Acquire::Check-Valid-Until=false update \
            > "$out" 2>&1
        status=$?
        cat "$out" >> "$log"
    fi
    grep -qE "^(W|E): (Failed to fetch|Some index files failed)" "$out" && status=100
    rm -f "$out"
    return "$status"
}

# The root's sources: its suite from the mirror; stable suites also get their -updates and
# -security archives, as a real install has. The archive's name for the suite (stable,
# testing...) is read once from the first update and kept in the root.
write_sources() {
    local root=$1 suite=$2 archive_suite
    archive_suite=$(cat "$root/.sipkb-compat-archive-suite" 2> /dev/null)
    {
        echo "deb $mirror $suite main"
        if [[ $archive_suite == stable || $archive_suite == oldstable ]]; then
            echo "deb $mirror $suite-updates main"
            echo "deb $security_mirror $suite-security main"
        fi
    } > "$root/etc/apt/sources.list"
}

root_sound() { # a root that was finished once and whose dpkg is consistent
    local root=$1
    [[ -f $root/.sipkb-compat-ready ]] || return 1
    chroot "$root" /bin/true 2> /dev/null || return 1
    [[ -z $(chroot "$root" dpkg --audit 2> /dev/null) ]] || return 1
}

root_complete() { # every package installed
    local root=$1 n
    n=$(chroot "$root" dpkg-query -W -f='${db:Status-Abbrev}\n' "${packages[@]}" 2> /dev/null |
        grep -c '^ii')
    [[ $n == "${#packages[@]}" ]]
}

# Brings a root's packages up to date with the archive and installs what is missing.
root_apt() {
    local root=$1 suite=$2 log=$3
    cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null || true
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    mount_root "$root" || { unmount_all; return 1; }
    local status=0
    write_sources "$root" "$suite"
    apt_update "$root" "$suite" "$log" || status=$?
    if ((status == 0)) && [[ ! -s $root/.sipkb-compat-archive-suite ]]; then
        sed -n 's/^Suite: //p' "$root"/var/lib/apt/lists/*_dists_"${suite}"_InRelease \
            2> /dev/null | head -n 1 > "$root/.sipkb-compat-archive-suite"
        write_sources "$root" "$suite"
        apt_update "$root" "$suite" "$log" || status=$?
    fi
    if ((status == 0)); then
        in_root "$root" apt-get "${apt_opts[@]}" full-upgrade >> "$log" 2>&1 || status=$?
    fi
    if ((status == 0)); then
        in_root "$root" apt-get "${apt_opts[@]}" install "${packages[@]}" >> "$log" 2>&1 ||
            status=$?
    fi
    if ((status == 0)); then
        in_root "$root" apt-get -q clean >> "$log" 2>&1
        if ! in_root "$root" getent passwd nobody > /dev/null; then
            # tshark-sipkb runs tshark as nobody (root only loads the global plugin folder).
            in_root "$root" getent group nogroup > /dev/null ||
                in_root "$root" groupadd --system --gid 65534 nogroup >> "$log" 2>&1
            in_root "$root" useradd --system --uid 65534 --gid nogroup --no-create-home \
                --home-dir /nonexistent --shell /usr/sbin/nologin nobody >> "$log" 2>&1 ||
                status=1
        fi
    fi
    unmount_all
    return "$status"
}

make_root() {
    local root=$1 suite=$2 logdir=$3
    if [[ -e $root ]]; then
        unmount_stale "$root"
        rm -rf --one-file-system "$root" || { say "cannot remove $root"; return 1; }
    fi
    mkdir -p "$(dirname "$root")"
    say "$suite: debootstrap --variant=minbase $suite $root"
    active_root=$root
    if ! run_child timeout 30m debootstrap --variant=minbase "$suite" "$root" "$mirror" \
        > "$logdir/debootstrap.log" 2>&1; then
        network_failure "$logdir/debootstrap.log" "creating the $suite root with debootstrap" ||
            say "$suite: debootstrap failed: $(tail -n 3 "$logdir/debootstrap.log" | tr '\n' ' ')"
        return 1
    fi
    say "$suite: installing ${#packages[@]} packages with apt"
    if ! root_apt "$root" "$suite" "$logdir/apt.log"; then
        network_failure "$logdir/apt.log" "installing packages in the $suite root" ||
            say "$suite: apt-get failed in the new root: $(grep -E '^E:' "$logdir/apt.log" | tail -n 2 | tr '\n' ' ') (see $logdir/apt.log)"
        return 1
    fi
    touch "$root/.sipkb-compat-ready"
}

# Makes <cache>/<suite> ready: reuse and update a sound root, rebuild a missing or broken one.
prepare_root() {
    local root=$1 suite=$2 logdir=$3
    unmount_stale "$root"
    if root_sound "$root"; then
        if ((offline)); then
            if ! root_complete "$root"; then
                say "$suite: the cached root lacks packages and --offline forbids installing them"
                return 1
            fi
            say "$suite: using the cached root as it is (--offline)"
            root_state=cached
            return 0
        fi
        say "$suite: updating the cached root $root"
        if root_apt "$root" "$suite" "$logdir/apt.log"; then
            root_state=warm
            return 0
        fi
        if network_failure "$logdir/apt.log" "updating the $suite root"; then
            return 1
        fi
        say "$suite: the cached root failed to update; rebuilding it"
    elif ((offline)); then
        say "$suite: no usable cached root at $root and --offline given"
        return 1
    elif [[ -e $root ]]; then
        say "$suite: the cached root $root is incomplete or broken; rebuilding it"
    fi
    root_state=cold
    make_root "$root" "$suite" "$logdir"
}

# --- build and test ----------------------------------------------------------------------------
# Runs one step with a clean environment, its output into a log; WHERE is "host" or a root.
run_step() {
    local where=$1 log=$2
    shift 2
    if [[ $where == host ]]; then
        run_child timeout 30m env -i PATH="$chroot_path" HOME="$work/home" LANG=C.UTF-8 \
            TMPDIR=/tmp "$@" > "$log" 2>&1
    else
        in_root "$where" "$@" > "$log" 2>&1
    fi
}

# Fills the result cells of one column: build, unit, e2e (PASS/FAIL/skip) and details.
# SRC and BUILD are paths as WHERE sees them; FRESH is BUILD seen from the host, emptied first.
build_and_test() {
    local col=$1 where=$2 src=$3 build=$4 logdir=$5 fresh=$6
    rm -rf --one-file-system "$fresh"
    if ! run_step "$where" "$logdir/configure.log" cmake -S "$src" -B "$build" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo; then
        cell_build[$col]=FAIL
        detail[$col]+="  configure failed:$(echo; grep -E -A3 'CMake Error' "$logdir/configure.log" | head -n 12 | sed 's/^/    /')"$'\n'
        return
    fi
    if ! run_step "$where" "$logdir/build.log" cmake --build "$build" -j "$(nproc)"; then
        cell_build[$col]=FAIL
        detail[$col]+="  build failed:$(echo; grep -E 'error|Error [0-9]' "$logdir/build.log" | head -n 12 | sed 's/^/    /')"$'\n'
        return
    fi
    local warnings
    warnings=$(grep -c 'warning:' "$logdir/build.log")
    cell_build[$col]="PASS"
    ((warnings > 0)) && cell_build[$col]="PASS ($warnings warn.)"
    # Tests outside unit/ and e2e/ (e.g. robustness/) are not this script's: say so.
    local others
    run_step "$where" "$logdir/tests.log" ctest --test-dir "$build" -N
    others=$(sed -n 's/^ *Test *#[0-9]*: *//p' "$logdir/tests.log" | grep -Ev '^(unit|e2e)/')
    if [[ -n $others ]]; then
        detail[$col]+="  not run here (neither unit/ nor e2e/): $(wc -l <<< "$others") tests:"
        detail[$col]+=" $(head -n 6 <<< "$others" | tr '\n' ' ')$( (($(wc -l <<< "$others") > 6)) && echo '...')"$'\n'
    fi
    local kind cell
    for kind in unit e2e; do
        local args=(ctest --test-dir "$build" -R "^$kind/" --no-tests=error --output-on-failure
            -j "$(nproc)")
        [[ -n $exclude ]] && args+=(-E "$exclude")
        run_step "$where" "$logdir/$kind.log" "${args[@]}"
        local status=$? total failed
        total=$(sed -n 's/.*tests passed, [0-9]* tests\{0,1\} failed out of \([0-9]*\).*/\1/p' \
            "$logdir/$kind.log" | tail -n 1)
        failed=$(sed -n 's/.*tests passed, \([0-9]*\) tests\{0,1\} failed out of.*/\1/p' \
            "$logdir/$kind.log" | tail -n 1)
        if ((status == 0)) && [[ -n $total ]]; then
            cell="PASS ($total/$total)"
        elif [[ -n $total ]]; then
            cell="FAIL ($((total - failed))/$total)"
            detail[$col]+="  $kind tests failed:"$'\n'
            detail[$col]+=$(sed -n '/The following tests FAILED:/,/Errors while running/p' \
                "$logdir/$kind.log" | grep -E '^\s+[0-9]+ - ' | sed 's/^\s*[0-9]* - /    /')$'\n'
        else
            cell=FAIL
            detail[$col]+="  $kind: ctest ran no test: $(grep -v '^\s*$' "$logdir/$kind.log" | tail -n 2 | tr '\n' ' ')"$'\n'
        fi
        if [[ $kind == unit ]]; then cell_unit[$col]=$cell; else cell_e2e[$col]=$cell; fi
    done
    # e2e/public-captures is registered only when the public captures were found.
    if ! grep -q 'e2e/public-captures' "$logdir/tests.log"; then
        detail[$col]+="  note: e2e/public-captures not registered (no captures in the public folder)"$'\n'
    fi
}

# --- main --------------------------------------------------------------------------------------
mkdir -p "$cache" || exit 2
exec {lock_fd}> "$cache/.lock"
if ! flock -n "$lock_fd"; then
    say "another run is using $cache"
    exit 2
fi
logs=$cache/logs
rm -rf --one-file-system "$logs"
mkdir -p "$logs"
work=$(mktemp -d /var/tmp/sipkb-compat.XXXXXX) || exit 2
chmod 755 "$work"
mkdir -p "$work/home"

# debootstrap on the host.
if [[ ${suites//host/} =~ [^[:space:]] ]] && ! command -v debootstrap > /dev/null; then
    if ((offline)); then
        say "debootstrap is not installed and --offline given"
        exit 1
    fi
    say "installing debootstrap on the host"
    if ! { DEBIAN_FRONTEND=noninteractive apt-get -q update &&
        DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install debootstrap; } \
        > "$logs/host-debootstrap.log" 2>&1; then
        network_failure "$logs/host-debootstrap.log" "installing debootstrap on the host" ||
            say "could not install debootstrap (see $logs/host-debootstrap.log)"
        exit 1
    fi
fi

# One snapshot of the working tree for every column: tracked and untracked files that git does
# not ignore (no build folders), plus the public captures at ../shared/captures/public.
snapshot=$work/src
mkdir -p "$snapshot/main"
git_src() { git -c safe.directory="$source_dir" -C "$source_dir" "$@"; }
if git_src rev-parse --show-toplevel > /dev/null 2>&1; then
    (cd "$source_dir" && git_src ls-files -z -co --exclude-standard |
        while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
        tar --null -T - -cf -) | tar -xf - -C "$snapshot/main" || { say "cannot copy $source_dir"; exit 2; }
    source_label="$source_dir @ $(git_src rev-parse --short HEAD 2> /dev/null)"
    [[ -n $(git_src status --porcelain 2> /dev/null) ]] &&
        source_label+=" + uncommitted changes"
else
    tar -C "$source_dir" --exclude='./build*' --exclude=./.git -cf - . |
        tar -xf - -C "$snapshot/main" || { say "cannot copy $source_dir"; exit 2; }
    source_label=$source_dir
fi
public_label="none (no $public_captures)"
if [[ -d $public_captures ]]; then
    mkdir -p "$snapshot/shared/captures/public"
    cp -R "$public_captures/." "$snapshot/shared/captures/public/"
    public_label="$public_captures ($(find "$public_captures" -maxdepth 1 -name '*.pcap*' | wc -l) captures)"
fi
chmod -R a+rX "$snapshot"

columns=()
for s in $suites; do
    if [[ $s == host ]]; then run_host=1; else columns+=("$s"); fi
done
((run_host)) && columns+=(host)
if ((${#columns[@]} == 0)); then
    say "nothing to do"
    exit 2
fi

# shellcheck disable=SC2034 # read through vals (a nameref)
declare -A label=() version=() cell_build=() cell_unit=() cell_e2e=() detail=() t_root=() t_test=() t_total=()
stop=0
any_fail=0
for col in "${columns[@]}"; do
    cell_build[$col]=skip cell_unit[$col]=skip cell_e2e[$col]=skip
    label[$col]=$col version[$col]='?' t_root[$col]=- t_test[$col]=- t_total[$col]=-
done

for col in "${columns[@]}"; do
    ((stop)) && break
    mkdir -p "$logs/$col"
    start=$(now)
    if [[ $col == host ]]; then
        label[$col]="host: Debian $(cat /etc/debian_version 2> /dev/null)"
        missing=()
        for pkg in "${host_packages[@]}"; do
            dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q 'install ok installed' ||
                missing+=("$pkg")
        done
        if ((${#missing[@]})); then
            say "host: installing ${missing[*]}"
            if ((offline)) || ! { DEBIAN_FRONTEND=noninteractive apt-get -q update &&
                DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install "${missing[@]}"; } \
                > "$logs/host/apt.log" 2>&1; then
                network_failure "$logs/host/apt.log" "installing packages on the host" ||
                    say "host: cannot install ${missing[*]} (see $logs/host/apt.log)"
                cell_build[$col]=FAIL
                detail[$col]+="  packages missing on the host: ${missing[*]}"$'\n'
            fi
        fi
        t_root[$col]=-
        if [[ ${cell_build[$col]} != FAIL ]]; then
            version[$col]=$(dpkg-query -W -f='${Version}' libwireshark-dev 2> /dev/null)
            say "host: building and testing (Wireshark ${version[$col]})"
            tstart=$(now)
            build_and_test "$col" host "$snapshot/main" "$work/host-build" "$logs/$col" \
                "$work/host-build"
            t_test[$col]=$(fmt_time $(($(now) - tstart)))
        fi
    else
        root=$cache/$col
        root_state=
        unreachable=
        if ! prepare_root "$root" "$col" "$logs/$col"; then
            if [[ -n $unreachable ]]; then
                cell_build[$col]="FAIL (archive unreachable)"
                detail[$col]+="  no $col root: $unreachable"$'\n'
            else
                cell_build[$col]="FAIL (no root)"
                detail[$col]+="  no usable $col root (see the messages above and $logs/$col)"$'\n'
            fi
            t_root[$col]=$(fmt_time $(($(now) - start)))
        else
            t_root[$col]="$(fmt_time $(($(now) - start))) ($root_state)"
            version[$col]=$(chroot "$root" dpkg-query -W -f='${Version}' libwireshark-dev 2> /dev/null)
            label[$col]="$col: Debian $(cat "$root/etc/debian_version" 2> /dev/null)"
            say "$col: building and testing (Wireshark ${version[$col]})"
            tstart=$(now)
            if mount_root "$root" "$snapshot"; then
                build_and_test "$col" "$root" /sipkb/main /var/tmp/sipkb-build "$logs/$col" \
                    "$root/var/tmp/sipkb-build"
            else
                cell_build[$col]=FAIL
                detail[$col]+="  could not mount /proc, /dev or the sources in $root"$'\n'
            fi
            unmount_all
            t_test[$col]=$(fmt_time $(($(now) - tstart)))
        fi
    fi
    t_total[$col]=$(fmt_time $(($(now) - start)))
    col_fail=0
    for c in "${cell_build[$col]}" "${cell_unit[$col]}" "${cell_e2e[$col]}"; do
        [[ $c == PASS* ]] || col_fail=1
    done
    if ((col_fail)); then
        any_fail=1
        ((keep_going)) || stop=1
    fi
done

# --- report ------------------------------------------------------------------------------------
w=26
row() {
    local name=$1
    shift
    printf '%-12s' "$name"
    local v
    for v in "$@"; do printf ' %-*s' "$w" "$v"; done
    printf '\n'
}
vals() { # ARRAY-NAME: its value per column
    local -n arr=$1
    local c
    for c in "${columns[@]}"; do printf '%s\n' "${arr[$c]}"; done
}
mapfile -t v_label < <(vals label)
mapfile -t v_version < <(vals version)
mapfile -t v_build < <(vals cell_build)
mapfile -t v_unit < <(vals cell_unit)
mapfile -t v_e2e < <(vals cell_e2e)
mapfile -t v_root < <(vals t_root)
mapfile -t v_test < <(vals t_test)
mapfile -t v_total < <(vals t_total)

echo
echo "sipkb compatibility: $source_label"
echo "public captures: $public_label"
[[ -n $exclude ]] && echo "excluded tests (ctest -E): $exclude"
echo
row "" "${v_label[@]}"
row "Wireshark" "${v_version[@]}"
row "build" "${v_build[@]}"
row "unit" "${v_unit[@]}"
row "end-to-end" "${v_e2e[@]}"
row "time: root" "${v_root[@]}"
row "time: test" "${v_test[@]}"
row "time: total" "${v_total[@]}"
for col in "${columns[@]}"; do
    if [[ -n ${detail[$col]:-} ]]; then
        echo
        echo "${label[$col]}:"
        printf '%s' "${detail[$col]}"
    fi
done
for n in "${notes[@]}"; do
    echo
    echo "note: $n"
done
echo
echo "logs: $logs/<column>/"
if ((any_fail)); then
    ((stop)) && ((${#columns[@]} > 1)) && echo "stopped after the first failing version (--keep-going goes on)"
    echo "$prog: FAIL"
    exit 1
fi
echo "$prog: PASS"
exit 0
