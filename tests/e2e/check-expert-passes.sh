#!/usr/bin/env bash
# Every sipkb expert line of one-pass `tshark -z expert` is also in `tshark -2 -z expert`, at
# least as often and with the same text: a later pass (tshark -2, the GUI's Expert Information
# retap) may only add whole-capture findings.
#
# Usage: check-expert-passes.sh CAPTURE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
failures=0

# "count<TAB>severity group summary" per distinct sipkb line, severity taken from the section.
expert_lines() {
    "$here/tshark-sipkb" "$@" -q -z expert 2> /dev/null | awk '
        /^(Errors|Warns|Notes|Chats) \(/ { severity = $1 }
        $3 == "sipkb" { count = $1; $1 = ""; sub(/^ +/, ""); print severity "\t" $0 "\t" count }'
}

for capture in "$@"; do
    one=$(expert_lines -r "$capture")
    two=$(expert_lines -2 -r "$capture")
    missing=$(awk -F'\t' 'NR == FNR { seen[$1 "\t" $2] = $3; next }
        !(($1 "\t" $2) in seen) || seen[$1 "\t" $2] < $3 { print }' \
        <(printf '%s\n' "$two") <(printf '%s\n' "$one") | sed '/^$/d')
    if [[ -n $missing ]]; then
        echo "FAIL $(basename "$capture"): in one pass, not (as often) in two passes:"
        printf '%s\n' "$missing" | sed 's/^/    /'
        failures=$((failures + 1))
    else
        echo "ok   $(basename "$capture"): $(printf '%s\n' "$one" | sed '/^$/d' | wc -l) expert lines kept in two passes"
    fi
done
((failures == 0))
