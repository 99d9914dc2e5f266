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
