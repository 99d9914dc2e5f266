#!/usr/bin/env bash
# Runs display filters on sipkb fields and checks which frames each one selects.
#
# Usage: check-filters.sh CAPTURE_DIR FILTERS.tsv
# Each line of FILTERS.tsv: capture file name, tshark options ("-" for none), display filter,
# and the expected frame numbers separated by commas ("none" for no frame). '#' starts a comment.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
capture_dir=$1 table=$2
failures=0 checked=0
while IFS=$'\t' read -r capture options filter expected; do
    [[ -z $capture || $capture == \#* ]] && continue
    opts=()
    [[ $options != - ]] && read -r -a opts <<< "$options"
    actual=$("$here/tshark-sipkb" -r "$capture_dir/$capture" "${opts[@]}" -Y "$filter" \
        -T fields -e frame.number | paste -sd, -)
    [[ -z $actual ]] && actual=none
    checked=$((checked + 1))
    if [[ $actual != "$expected" ]]; then
        echo "FAIL $capture [$options] -Y '$filter': expected frames $expected, got $actual" >&2
        failures=$((failures + 1))
    else
        echo "ok   $capture [$options] -Y '$filter' -> $actual"
    fi
done < "$table"
((checked > 0)) || { echo "no filter checks in $table" >&2; exit 1; }
((failures == 0))
