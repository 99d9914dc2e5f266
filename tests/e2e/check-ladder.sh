#!/usr/bin/env bash
# Checks sipkb's ladder with the real tshark: the text report `tshark -q -z sipkb,ladder` and,
# in a build that has it, the sequence analysis "SIP with sipkb verdicts" (Statistics > Flow
# Graph; `tshark -q -z flow,sipkb,standard`):
#   - on every capture given, in one pass and two (-2), tshark exits 0 and prints no error,
#     the report has one line per SIP request or response that is not quoted inside an ICMP
#     error, and the Flow Graph as many arrows with the same comments in the same order;
#   - on each reviewed capture the report equals CAPTURE.ladder-report.txt and the Flow Graph
#     CAPTURE.ladder.txt (the files beside the capture), exactly, in both passes.
#
# Usage: check-ladder.sh yes|no CAPTURE...   (yes: the build has the Flow Graph entry)
# SIPKB_UPDATE_EXPECTED=1 rewrites the existing expected files from the one-pass output (review
# the diff).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
flow_graph=${1:?usage: check-ladder.sh yes|no CAPTURE...}
shift
[[ $flow_graph == yes || $flow_graph == no ]] || { echo "first argument: yes or no" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Wireshark 4.0's text drawing of a sequence diagram (sequence_analysis_dump_to_file) pads a
# graph whose every message runs between the addresses of one host (loopback captures) with
# g_string_erase() past the end of its line; GLib then prints this warning, with Wireshark's
# own "flow,any" as well. Any other line on stderr fails the check.
wireshark_padding='g_string_erase: assertion .pos_unsigned \+ len_unsigned <= string->len. failed'

failures=0
fail() {
    echo "$*" >&2
    failures=$((failures + 1))
}

# The SIP messages of a capture that get an arrow: requests and responses outside ICMP errors.
sip_messages() {
    "$here/tshark-sipkb" -r "$1" -Y 'sip && !icmp && !icmpv6' -T fields -E occurrence=a \
        -E aggregator='\n' -e sip.Request-Line -e sip.Status-Line 2> /dev/null | grep -c . || true
}

# run NAME PASS OUTPUT -z ARG: tshark's output in OUTPUT; fails on a non-zero exit or errors.
run() {
    local name=$1 pass=$2 output=$3 status=0
    shift 3
    local options=(-q "$@" -r "$capture")
    [[ $pass == two ]] && options=(-2 "${options[@]}")
    "$here/tshark-sipkb" "${options[@]}" > "$output" 2> "$output.err" || status=$?
    ((status == 0)) || fail "$name ($pass pass, $*): tshark exited with $status"
    if grep -Ev "$wireshark_padding" "$output.err" | grep -q .; then
        fail "$name ($pass pass, $*): tshark printed errors:"
        cat "$output.err" >&2
    fi
}

# compare EXPECTED ACTUAL WHAT
compare() {
    diff -u "$1" "$2" || fail "$3 differs from $(basename "$1") (- expected, + actual)"
}

for capture in "$@"; do
    [[ -f $capture ]] || { fail "missing capture: $capture"; continue; }
    name=$(basename "$capture")
    messages=$(sip_messages "$capture")
    for pass in one two; do
        report=$work/$pass.report
        run "$name" $pass "$report" -z sipkb,ladder
        lines=$(grep -cE '^ *[0-9]+ ' "$report" || true)
        [[ $lines == "$messages" ]] || fail "$name ($pass pass): $lines lines for $messages SIP messages"
        [[ $flow_graph == yes ]] || continue
        flow=$work/$pass.flow
        run "$name" $pass "$flow" -z flow,sipkb,standard
        # Each arrow is two lines: its time, label and comment (the line's end: a long label
        # may cover the bar before it), then the arrow with its ports.
        grep '^|[0-9]' "$flow" > "$flow.arrows" || true
        grep -E '^ *[0-9]+ ' "$report" | sed 's/.*  |  //' > "$report.comments" || true
        awk -v name="$name ($pass pass)" '
            NR == FNR { comment[FNR] = $0; n = FNR; next }
            { arrows++; if (substr($0, length($0) - length(comment[FNR]) + 1) != comment[FNR]) {
                  printf "%s: Flow Graph arrow %d does not end with \"%s\": %s\n", name, FNR,
                      comment[FNR], $0; bad = 1 } }
            END { if (arrows != n) { printf "%s: %d Flow Graph arrows, %d report lines\n", name,
                      arrows, n; bad = 1 }
                  exit bad }' "$report.comments" "$flow.arrows" >&2 ||
            fail "$name ($pass pass): the Flow Graph and the report differ"
    done
    for kind in report flow; do
        expected=${capture%.*}.ladder.txt
        [[ $kind == report ]] && expected=${capture%.*}.ladder-report.txt
        [[ -f $expected && ($kind == report || $flow_graph == yes) ]] || continue
        if [[ ${SIPKB_UPDATE_EXPECTED:-0} == 1 ]]; then
            cp "$work/one.$kind" "$expected"
            echo "rewrote $expected"
        fi
        for pass in one two; do
            compare "$expected" "$work/$pass.$kind" "$name ($pass pass): the $kind"
        done
    done
done

((failures == 0)) && echo "ladder: $# captures checked (Flow Graph: $flow_graph)"
((failures == 0))
