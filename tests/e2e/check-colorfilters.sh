#!/usr/bin/env bash
# sipkb's colouring rules, as the plain file (plugin/sipkb.colorfilters, merged by hand) or in
# the configuration profile (sipkb-profile.zip): every rule line is in Wireshark's colorfilters
# format, and with the rules in use tshark --color puts the expected sipkb rule on each
# flagged frame (frame.coloring_rule.name).
#
# Usage: SIPKB_PLUGIN_DIR=<build>/plugins check-colorfilters.sh RULES EXPECTED.tsv CAPTURE_DIR
# RULES: a colorfilters file, or a configuration profile zip (used as imported).
# EXPECTED.tsv: capture file name, then "frame:rule name" pairs separated by ';' ("none").
set -euo pipefail
: "${SIPKB_PLUGIN_DIR:?set SIPKB_PLUGIN_DIR to the plugins folder of the build}"
rules=$1 table=$2 captures=$3
tshark_sipkb=$(dirname "$0")/tshark-sipkb
failures=0

stage=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-colorfilters.XXXXXX")
trap 'rm -rf "$stage"' EXIT
if [[ $rules == *.zip ]]; then
    profile=$rules
    name=$(unzip -Z1 "$rules" | sed -n '1s,/.*,,p')
    unzip -q "$rules" "$name/colorfilters" -d "$stage"
    rules_file=$stage/$name/colorfilters
else
    # The plain file as the colouring rules of a profile of its own.
    profile=$stage/plain
    mkdir "$profile"
    cp "$rules" "$profile/colorfilters"
    rules_file=$rules
fi

bad=$(grep -v '^#' "$rules_file" | grep -Ev '^@[^@]+@[^@]+@\[[0-9]+,[0-9]+,[0-9]+\]\[[0-9]+,[0-9]+,[0-9]+\]$' || true)
if [[ -n $bad ]]; then
    echo "FAIL not in colorfilters format: $bad" >&2
    failures=$((failures + 1))
fi

while IFS=$'\t' read -r capture expected; do
    [[ -z $capture || $capture == \#* ]] && continue
    actual=$("$tshark_sipkb" --profile "$profile" -2 --color -r "$captures/$capture" \
        -Y 'frame.coloring_rule.name contains "sipkb"' \
        -T fields -e frame.number -e frame.coloring_rule.name |
        awk -F'\t' '{print $1 ":" $2}' | paste -sd';' -)
    [[ -z $actual ]] && actual=none
    if [[ $actual != "$expected" ]]; then
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$capture" "$expected" "$actual" >&2
        failures=$((failures + 1))
    else
        echo "ok   $capture: $actual"
    fi
done < "$table"
((failures == 0))
