#!/usr/bin/env bash
# Checks sipkb's ladder, the sequence analysis "SIP with sipkb verdicts" (Statistics > Flow
# Graph; `tshark -q -z flow,sipkb,standard`), with the real tshark:
#   - on each reviewed capture (one with CAPTURE.ladder.txt beside it) the output of one pass
#     and of two passes (-2) equals that file, exactly;
#   - on every capture given, in both passes, tshark exits 0 and draws one arrow per SIP
#     request or response that is not quoted inside an ICMP error.
#
# Usage: check-ladder.sh CAPTURE...
# SIPKB_UPDATE_EXPECTED=1 rewrites the expected files from the one-pass output (review the diff).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
(($#)) || { echo "usage: check-ladder.sh CAPTURE..." >&2; exit 2; }

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

for capture in "$@"; do
    [[ -f $capture ]] || { fail "missing capture: $capture"; continue; }
    name=$(basename "$capture")
    messages=$(sip_messages "$capture")
    for pass in one two; do
        options=(-q -z flow,sipkb,standard -r "$capture")
        [[ $pass == two ]] && options=(-2 "${options[@]}")
        status=0
        "$here/tshark-sipkb" "${options[@]}" > "$work/$pass.txt" 2> "$work/$pass.err" || status=$?
        ((status == 0)) || { fail "$name ($pass pass): tshark exited with $status"; continue; }
        if grep -Ev "$wireshark_padding" "$work/$pass.err" | grep -q .; then
            fail "$name ($pass pass): tshark printed errors:"
            cat "$work/$pass.err" >&2
        fi
        # Each arrow is two lines: its time, label and comment, then the arrow with its ports.
        arrows=$(grep -c '^|[0-9]' "$work/$pass.txt" || true)
        [[ $arrows == "$messages" ]] ||
            fail "$name ($pass pass): $arrows arrows for $messages SIP messages"
    done
    expected=${capture%.*}.ladder.txt
    [[ -f $expected ]] || continue
    if [[ ${SIPKB_UPDATE_EXPECTED:-0} == 1 ]]; then
        cp "$work/one.txt" "$expected"
        echo "rewrote $expected"
    fi
    for pass in one two; do
        diff -u "$expected" "$work/$pass.txt" ||
            fail "$name ($pass pass): the ladder differs from $(basename "$expected") (- expected, + actual)"
    done
done

((failures == 0)) && echo "ladder: $# captures checked"
((failures == 0))
