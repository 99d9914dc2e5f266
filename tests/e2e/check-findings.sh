#!/usr/bin/env bash
# Compares sipkb's per-frame findings on one capture with the expected table beside it.
#
# Usage: check-findings.sh CAPTURE EXPECTED.tsv [tshark options...]
# The table's header line names the fields (as `tshark -T fields -E header=y` prints them);
# each row is one frame that carries sipkb items. The run must print nothing on stderr.
# SIPKB_UPDATE_EXPECTED=1 rewrites the table from the current output instead (review the diff).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
capture=$1 expected=$2
shift 2

[[ -f $capture ]] || { echo "missing capture: $capture" >&2; exit 1; }
[[ -f $expected ]] || { echo "missing expected findings: $expected" >&2; exit 1; }
IFS=$'\t' read -r -a fields < "$expected"
field_args=()
for field in "${fields[@]}"; do field_args+=(-e "$field"); done

actual=$(mktemp) errors=$(mktemp)
trap 'rm -f "$actual" "$errors"' EXIT
"$here/tshark-sipkb" -r "$capture" "$@" -Y sipkb -T fields -E header=y -E separator=/t \
    -E aggregator='|' -E occurrence=a "${field_args[@]}" > "$actual" 2> "$errors"

if [[ -s $errors ]]; then
    echo "tshark printed errors on $capture:" >&2
    cat "$errors" >&2
    exit 1
fi
# Wireshark 4.0 prints FT_BOOLEAN values as 1/0, 4.4 and later as True/False: compare as 1/0.
bool_columns=$("$here/tshark-sipkb" -G fields | awk -F'\t' -v header="$(head -n 1 "$expected")" '
    BEGIN { n = split(header, name, "\t"); for (i = 1; i <= n; i++) column[name[i]] = i }
    $1 == "F" && $4 == "FT_BOOLEAN" && ($3 in column) { printf "%s%d", sep, column[$3]; sep = " " }')
if [[ -n $bool_columns ]]; then
    normalized=$(awk -F'\t' -v OFS='\t' -v columns="$bool_columns" '
        BEGIN { n = split(columns, c, " ") }
        NR > 1 { for (i = 1; i <= n; i++) { k = c[i]; gsub(/True/, "1", $k); gsub(/False/, "0", $k) } }
        { print }' "$actual")
    printf '%s\n' "$normalized" > "$actual"
fi
if [[ ${SIPKB_UPDATE_EXPECTED:-0} == 1 ]]; then
    cp "$actual" "$expected"
    echo "rewrote $expected"
    exit 0
fi
if ! diff -u "$expected" "$actual"; then
    echo "findings on $capture differ from $expected (- expected, + actual)" >&2
    exit 1
fi
echo "$(($(wc -l < "$expected") - 1)) annotated frames match $expected"
