#!/usr/bin/env bash
# Checks sipkb's entries in the expert list (`tshark -q -z expert`, one pass) of one capture
# against the expected file beside it: severity, frequency, group and text of every sipkb entry.
# The expert list is what the Expert Information dialog shows; tshark builds no visible tree
# for it, so this is where a dissection that only records severities would show.
#
# Usage: check-expert.sh CAPTURE EXPECTED.expert.txt
# SIPKB_UPDATE_EXPECTED=1 rewrites the expected file from the current output (review the diff).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
capture=$1 expected=$2
[[ -f $capture ]] || { echo "missing capture: $capture" >&2; exit 1; }

actual=$(mktemp) errors=$(mktemp)
trap 'rm -f "$actual" "$errors"' EXIT
# Sections start with "Errors (N)", "Warns (N)", ...; keep each sipkb row with its section.
"$here/tshark-sipkb" -q -z expert -r "$capture" 2> "$errors" |
    awk '/^[A-Z][a-z]+ \([0-9]+\)$/ { section = $1 }
         $3 == "sipkb" { $1 = $1; print section "\t" $0 }' > "$actual"
if [[ -s $errors ]]; then
    echo "tshark printed errors on $capture:" >&2
    cat "$errors" >&2
    exit 1
fi
if [[ ${SIPKB_UPDATE_EXPECTED:-} == 1 ]]; then
    cp "$actual" "$expected"
    exit 0
fi
[[ -f $expected ]] || { echo "missing expected file: $expected" >&2; exit 1; }
if ! diff -u "$expected" "$actual"; then
    echo "sipkb's expert entries on $capture differ from $expected" >&2
    exit 1
fi
[[ -s $expected ]] || exit 0
echo "$(wc -l < "$actual") sipkb expert rows as expected on $(basename "$capture")"
