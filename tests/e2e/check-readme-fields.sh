#!/usr/bin/env bash
# Keeps the README's field reference in sync with the fields the built plugin registers.
#
# Usage: check-readme-fields.sh README.md
# The table between <!-- sipkb-fields:begin --> and <!-- sipkb-fields:end --> must equal the
# one made from `tshark -G fields` (less the per-code response expert items, which it
# describes in a sentence); on a difference this prints the table to paste.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
readme=$1

fields=$("$here/tshark-sipkb" -G fields | awk -F'\t' '$1 == "F" && $5 == "sipkb"')
# A response's expert item per status code ("sipkb.response.failure.403"), one for each code
# of the KB: the README describes them in a sentence; each is titled by its code.
per_code=$(awk -F'\t' '$3 ~ /^sipkb\.response\.[a-z]+\.[0-9]+$/' <<< "$fields")
mistitled=$(awk -F'\t' '{ code = $3; sub(/.*\./, "", code) } index($2, code " ") != 1' \
    <<< "$per_code")
if [[ -z $per_code || -n $mistitled ]]; then
    echo "per-code response expert items missing or not titled by their code:" >&2
    echo "${mistitled:-none registered}" >&2
    exit 1
fi
expected=$(
    echo '| Field | Type | Label | Description |'
    echo '|---|---|---|---|'
    awk -F'\t' '$3 !~ /^sipkb\.response\.[a-z]+\.[0-9]+$/ {
        printf "| `%s` | %s | %s | %s |\n", $3, $4, $2, $8 }' <<< "$fields"
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
echo "README documents all $(($(wc -l <<< "$expected") - 2)) sipkb fields" \
    "and the $(wc -l <<< "$per_code") per-code response expert items"
