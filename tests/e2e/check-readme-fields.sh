#!/usr/bin/env bash
# Keeps the README's field reference in sync with the fields the built plugin registers.
#
# Usage: check-readme-fields.sh README.md
# The table between <!-- sipkb-fields:begin --> and <!-- sipkb-fields:end --> must equal the
# one made from `tshark -G fields`; on a difference this prints the table to paste.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
readme=$1

expected=$(
    echo '| Field | Type | Label | Description |'
    echo '|---|---|---|---|'
    "$here/tshark-sipkb" -G fields | awk -F'\t' '$1 == "F" && $5 == "sipkb" {
        printf "| `%s` | %s | %s | %s |\n", $3, $4, $2, $6 }'
)
documented=$(sed -n '/<!-- sipkb-fields:begin -->/,/<!-- sipkb-fields:end -->/p' "$readme" |
    sed '1d;$d')
if [[ $(grep -c 'sipkb\.' <<< "$expected") -lt 5 ]]; then
    echo "tshark lists too few sipkb fields: is the plugin loaded?" >&2
    exit 1
fi
if [[ $expected != "$documented" ]]; then
    diff -u <(echo "$documented") <(echo "$expected") >&2 || true
    echo "README field table is out of date; the table above (+) is the current one" >&2
    exit 1
fi
echo "README documents all $(($(wc -l <<< "$expected") - 2)) sipkb fields"
