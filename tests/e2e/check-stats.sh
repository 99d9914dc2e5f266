#!/usr/bin/env bash
# Checks sipkb's statistics tree (`tshark -q -z sipkb,tree`, one pass) on one capture:
#   - the output equals the expected file beside the capture, exactly;
#   - each findings row counts the frames that carry the matching sipkb fields with
#     `tshark -2` (the tree settles "never answered" and "no final response" in one pass);
#   - on a later pass (`tshark -2`, as the GUI's Statistics dialog retaps) the rows count the
#     same, and none shows 0 (a row appears with the first message it counts).
#
# Usage: check-stats.sh CAPTURE EXPECTED.stats.txt
# SIPKB_UPDATE_EXPECTED=1 rewrites the expected file from the current output (review the diff).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
capture=$1 expected=$2
[[ -f $capture ]] || { echo "missing capture: $capture" >&2; exit 1; }

actual=$(mktemp) settled=$(mktemp) errors=$(mktemp)
trap 'rm -f "$actual" "$settled" "$errors"' EXIT
"$here/tshark-sipkb" -q -z sipkb,tree -r "$capture" > "$actual" 2> "$errors"
"$here/tshark-sipkb" -2 -q -z sipkb,tree -r "$capture" > "$settled" 2>> "$errors"
if [[ -s $errors ]]; then
    echo "tshark printed errors on $capture:" >&2
    cat "$errors" >&2
    exit 1
fi
grep -q "^SIP knowledge base (sipkb):" "$actual" || { echo "no sipkb tree printed" >&2; exit 1; }

# Findings rows and the sipkb fields marking the same messages on a two-pass read (a frame
# counts when any of the row's fields is present).
rows=(
    "Caller-ID mismatch:|sipkb.callerid.mismatch"
    "Challenges never answered|sipkb.auth.unanswered"
    "Credentials rejected|sipkb.auth.rejected"
    "Re-challenged for a stale nonce|sipkb.auth.stale"
    "487 caused by a CANCEL|sipkb.cancel.frame"
    "487 without a CANCEL|sipkb.cancel.missing"
    "Requests without a final response|sipkb.transaction.no_final_response"
    "Request retransmissions|sipkb.transaction.retransmission_of"
    "Responses relayed by a proxy|sipkb.response.relayed_from"
    "Codec mismatch:|sipkb.sdp.not_offered sipkb.sdp.no_common_codec"
    "NAT hint:|sipkb.sdp.nat sipkb.via.nat"
)
fields=()
for row in "${rows[@]}"; do
    for field in ${row#*|}; do fields+=(-e "$field"); done
done
marked=$(mktemp)
trap 'rm -f "$actual" "$settled" "$errors" "$marked"' EXIT
"$here/tshark-sipkb" -2 -r "$capture" -Y sipkb -T fields -E occurrence=f "${fields[@]}" > "$marked"
failures=0
column=1
# The count of the row starting with $1 in the tree $2 (rows sit under their topic).
row_count() {
    awk -v label="$1" '{ line = $0; sub(/^ +/, "", line) } index(line, label) == 1 {
        for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) { print $i; exit } }' "$2"
}
for row in "${rows[@]}"; do
    label=${row%%|*}
    read -r -a row_fields <<< "${row#*|}"
    marked_count=$(awk -F'\t' -v first="$column" -v n="${#row_fields[@]}" '{
        for (i = first; i < first + n; i++) if ($i != "") { count++; break } }
        END { print count + 0 }' "$marked")
    for tree in "$actual" "$settled"; do
        tree_count=$(row_count "$label" "$tree")
        tree_count=${tree_count:-0} # rows appear with their first message
        if [[ $tree_count != "$marked_count" ]]; then
            pass=$([[ $tree == "$actual" ]] && echo "one pass" || echo "-2")
            echo "row '$label' ($pass): tree counts $tree_count, ${row_fields[*]} mark $marked_count frames" >&2
            failures=$((failures + 1))
        fi
    done
    column=$((column + ${#row_fields[@]}))
done
zero_rows=$(sed -n '/^SIP messages analysed, by finding/,/^$/p' "$settled" | awk '$0 ~ /^ / {
    for (i = 2; i <= NF; i++) if ($i ~ /^[0-9]+$/) { if ($i == 0) print; break } }')
if [[ -n $zero_rows ]]; then
    printf 'rows of 0 in the tree of a later pass (-2):\n%s\n' "$zero_rows" >&2
    failures=$((failures + 1))
fi

if [[ ${SIPKB_UPDATE_EXPECTED:-0} == 1 ]]; then
    cp "$actual" "$expected"
    echo "rewrote $expected"
elif ! diff -u "$expected" "$actual"; then
    echo "statistics of $capture differ from $expected (- expected, + actual)" >&2
    failures=$((failures + 1))
fi
((failures == 0)) && echo "$(basename "$capture"): statistics tree matches $(basename "$expected") and the filters"
((failures == 0))
