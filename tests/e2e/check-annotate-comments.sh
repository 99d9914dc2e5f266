#!/usr/bin/env bash
# Comments already in a capture survive sipkb-annotate, a second annotation replaces the first
# instead of adding to it, a pcap (no comments possible) input gives the same annotations, and
# plain tshark (no sipkb loaded) finds the Caller-ID mismatch frames by comment alone.
#
# Usage: check-annotate-comments.sh SIPKB_ANNOTATE CAPTURE_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
annotate=$1 captures=$2
run=$here/run-as-user
sep=$'\x1f'

work=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-check-comments.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=0
expect() { # description expected actual
    if [[ $2 == "$3" ]]; then
        echo "ok   $1"
    else
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
        failures=$((failures + 1))
    fi
}
comments() { # file -> "frame<TAB>comment<US>comment..." per frame, read without sipkb
    "$run" --without-sipkb tshark -r "$1" -T fields -e frame.number -e frame.comment \
        -E occurrence=a -E aggregator="$sep"
}
frames() { # file filter -> frame numbers, comma-separated, read without sipkb
    "$run" --without-sipkb tshark -r "$1" -Y "$2" -T fields -e frame.number | paste -sd, -
}
capture_comments() {
    capinfos -k "$1" | sed -n 's/^Capture comment: *//p'
}

mismatch=$captures/register-callerid-mismatch.pcapng
editcap -a "3:checked by support" -a "4:customer says: forbidden" \
    --capture-comment "captured at the customer site" "$mismatch" "$work/commented.pcapng"
"$run" "$annotate" -q "$work/commented.pcapng" -w "$work/once.pcapng"
"$run" "$annotate" -q "$work/once.pcapng" -w "$work/twice.pcapng"

comments "$work/once.pcapng" > "$work/once.tsv"
expect "frame 3 keeps its comment, first" "checked by support" \
    "$(awk -F'\t' '$1 == 3 {split($2, c, "\x1f"); print c[1]}' "$work/once.tsv")"
expect "frame 4 keeps its comment, first" "customer says: forbidden" \
    "$(awk -F'\t' '$1 == 4 {split($2, c, "\x1f"); print c[1]}' "$work/once.tsv")"
expect "frame 3 has sipkb comments after it" "sipkb: REGISTER with credentials" \
    "$(awk -F'\t' '$1 == 3 {split($2, c, "\x1f"); print substr(c[2], 1, 32)}' "$work/once.tsv")"
expect "capture comments: the original one, then the annotation note" \
    "captured at the customer site|Annotated by sipkb" \
    "$(capture_comments "$work/once.pcapng" | sed 's/^\(Annotated by sipkb\) .*/\1/' | paste -sd'|' -)"

comments "$work/twice.pcapng" > "$work/twice.tsv"
expect "a second annotation replaces the first (same comments)" "$(cat "$work/once.tsv")" \
    "$(cat "$work/twice.tsv")"
expect "a second annotation keeps one annotation note" "1" \
    "$(capture_comments "$work/twice.pcapng" | grep -c '^Annotated by sipkb')"

# pcap input: no comments of its own; the output is pcapng with the same annotations.
editcap -F pcap "$mismatch" "$work/plain.pcap"
"$run" "$annotate" -q "$work/plain.pcap" -w "$work/from-pcap.pcapng"
"$run" "$annotate" -q "$mismatch" -w "$work/from-pcapng.pcapng"
expect "pcap input gives a pcapng output" "pcapng" \
    "$(capinfos -t -M "$work/from-pcap.pcapng" | sed -n 's/^File type: *//p')"
# pcap keeps time stamps in microseconds: durations agree to the microsecond (Wireshark 4.0
# prints them in seconds, 4.6 in the unit that fits).
to_microseconds() {
    sed -E -e 's/([0-9]+\.[0-9]{6})[0-9]* seconds/\1 seconds/g' \
        -e 's/([0-9]+\.[0-9]{3})[0-9]* milliseconds/\1 milliseconds/g' \
        -e 's/([0-9]+)(\.[0-9]+)? microseconds/\1 microseconds/g'
}
expect "pcap input gives the same packet comments" \
    "$(comments "$work/from-pcapng.pcapng" | to_microseconds)" \
    "$(comments "$work/from-pcap.pcapng" | to_microseconds)"

# The issue's acceptance check: plain tshark finds the mismatch frames by comment.
expect "frame.comment contains \"Caller-ID\" (no sipkb loaded)" "3,4" \
    "$(frames "$work/from-pcapng.pcapng" 'frame.comment contains "Caller-ID"')"
expect "frame.comment contains \"Caller-ID mismatch\" (no sipkb loaded)" "3" \
    "$(frames "$work/from-pcapng.pcapng" 'frame.comment contains "Caller-ID mismatch"')"
expect "the same frames as sipkb's own filter on the original" \
    "$("$run" tshark -2 -r "$mismatch" -Y 'sipkb.callerid.mismatch' -T fields -e frame.number)" \
    "$(frames "$work/from-pcapng.pcapng" 'frame.comment contains "Caller-ID mismatch"')"

((failures == 0))
