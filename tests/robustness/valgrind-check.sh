#!/usr/bin/env bash
# Valgrind memcheck with the sipkb plugin: no invalid read or write, no use of uninitialised
# values and no leak in plugin code.
#
# Usage: valgrind-check.sh [--build DIR] [--quick | --tshark] [CAPTURE...]
#   default:  the replay harness in one process over every capture, one pass with full trees,
#             then two passes with full trees (with override rows and the Info column), each
#             capture read twice (file reloads in between); leaks are checked at exit
#             (about 15 minutes for the project's and the public captures)
#   --quick:  the same on one capture made of all of them (mergecap -a), read twice: one
#             Wireshark start-up and two file loads per run instead of two per capture (CI)
#   --tshark: the distribution's tshark under valgrind, once per capture and mode (-V -x, and
#             -2 -V -x); leaks are not checked (tshark keeps memory at exit); the longest
# CAPTURE defaults to captures/*.pcapng, tests/robustness/regressions/*.pcap and
# ../shared/captures/public/*. Needs a build without
# sanitizers and valgrind. Reports whose stack holds a frame of the plugin's sources fail the
# run and are printed; the others (Wireshark, GLib) are only counted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
use_tshark=0
quick=0
captures=()
while (($#)); do
    case $1 in
    --build) build=$2; shift 2 ;;
    --tshark) use_tshark=1; shift ;;
    --quick) quick=1; shift ;;
    -*) echo "usage: valgrind-check.sh [--build DIR] [--quick | --tshark] [CAPTURE...]" >&2; exit 2 ;;
    *) captures+=("$1"); shift ;;
    esac
done
build=$(cd "$build" && pwd)
if [[ -f $build/sanitizer-env.sh ]]; then
    echo "valgrind-check: $build is a sanitizer build; use a plain one (e.g. build)" >&2
    exit 2
fi
command -v valgrind > /dev/null || { echo "valgrind-check: needs valgrind" >&2; exit 2; }
if ((${#captures[@]} == 0)); then
    captures=("$root"/captures/*.pcapng "$here"/regressions/*.pcap)
    for f in "$root"/../shared/captures/public/*.pcap "$root"/../shared/captures/public/*.pcapng; do
        [[ -f $f ]] && captures+=("$f")
    done
fi
export SIPKB_PLUGIN_DIR=$build/plugins G_SLICE=always-malloc WIRESHARK_DEBUG_WMEM_OVERRIDE=simple
log=$(mktemp)
merged=$(mktemp --suffix=.pcapng)
trap 'rm -f "$log" "$merged"' EXIT
n_captures=${#captures[@]}
if ((quick)); then
    mergecap -a -F pcapng -w "$merged" "${captures[@]}"
    captures=("$merged")
fi

# Splits valgrind's output into reports and keeps those with a frame in the plugin's sources
# (file:line of plugin/ and plugin/core/, or the module itself when it has no debug info).
plugin_reports() {
    awk '
        /^==[0-9]+== / || /^==[0-9]+==$/ {
            line = $0; sub(/^==[0-9]+== ?/, "", line)
            if (line == "") { flush(); next }
            block = block line "\n"; next
        }
        END { flush() }
        function flush() {
            if (block ~ /(Invalid|uninitialised|Conditional jump|Syscall param|Mismatched|overlap|are (definitely|indirectly|possibly) lost)/) {
                reports++
                if (block ~ /\((packet-sipkb|sipkb-(fields|analysis|sdp|via|kb-sources|stats|version)|kb|overrides|diagnosis|media|response|plugin|kb-data-[a-z]+)\.c:[0-9]+\)|\/sipkb\.so\)/) {
                    ours++; printf "%s\n", block
                }
            }
            block = ""
        }
        END { printf "reports %d plugin %d\n", reports + 0, ours + 0 }
    ' "$1"
}

vg=(valgrind --error-limit=no --num-callers=40 --track-origins=yes)
total=0 ours=0 runs=0
check_log() { # label
    local result summary
    result=$(plugin_reports "$log")
    summary=$(tail -1 <<< "$result")
    read -r _ n _ k <<< "$summary"
    total=$((total + n)) ours=$((ours + k)) runs=$((runs + 1))
    if ((k > 0)); then
        echo "FAIL $1: $k valgrind reports in plugin code:"
        head -n -1 <<< "$result"
    else
        echo "ok   $1: $n valgrind reports, none in plugin code"
    fi
}

if ((use_tshark)); then
    for capture in "${captures[@]}"; do
        for pass in "" "-2"; do
            "$here/run-staged" "${vg[@]}" tshark -r "$capture" $pass -V -x > /dev/null 2> "$log" || true
            check_log "tshark $pass -V -x $(basename "$capture")"
        done
    done
else
    # The two-pass run also has override rows (one with a method, one with a pattern) and the
    # Info column: the plugin code that only preferences reach.
    prefs=(-o sipkb.info_column:TRUE
        -o 'uat:sipkb_overrides:"403","","REGISTER","Our meaning","Our cause","Our advice"'
        -o 'uat:sipkb_overrides:"4xx","pass|cred","","","Wrong password",""')
    for pass in "" "-2"; do
        opts=()
        [[ $pass == -2 ]] && opts=("${prefs[@]}")
        "$here/run-staged" "${vg[@]}" --leak-check=full --show-leak-kinds=definite,indirect,possible \
            "$build/tests/robustness/sipkb-replay" $pass -V -n 2 "${opts[@]}" "${captures[@]}" \
            > /dev/null 2> "$log" || {
            echo "FAIL: sipkb-replay $pass exited with an error:" >&2
            tail -20 "$log" >&2
            exit 1
        }
        check_log "sipkb-replay${pass:+ $pass} -V ${opts[*]:+(override rows, Info column) }on $n_captures captures$( ((quick)) && echo " in one file"), read twice, leak check"
    done
fi
echo "valgrind: $runs runs, $n_captures captures, $total reports, $ours in plugin code"
((ours == 0))
