#!/usr/bin/env bash
# The shipped colouring rules (plugin/sipkb.colorfilters): every line is a rule in Wireshark's
# colorfilters format, and with the file as the personal colouring rules tshark --color puts
# the expected rule on each flagged frame (frame.coloring_rule.name).
#
# Usage: SIPKB_PLUGIN_DIR=<build>/plugins check-colorfilters.sh COLORFILTERS EXPECTED.tsv CAPTURE_DIR
# EXPECTED.tsv: capture file name, then "frame:rule name" pairs separated by ';' ("none").
set -euo pipefail
: "${SIPKB_PLUGIN_DIR:?set SIPKB_PLUGIN_DIR to the plugins folder of the build}"
rules=$1 table=$2 captures=$3
failures=0

bad=$(grep -v '^#' "$rules" | grep -Ev '^@[^@]+@[^@]+@\[[0-9]+,[0-9]+,[0-9]+\]\[[0-9]+,[0-9]+,[0-9]+\]$' || true)
if [[ -n $bad ]]; then
    echo "FAIL not in colorfilters format: $bad" >&2
    failures=$((failures + 1))
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-colorfilters.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -p "$stage/home/.config/wireshark" "$stage/in"
cp "$rules" "$stage/home/.config/wireshark/colorfilters"
cp -R "$SIPKB_PLUGIN_DIR" "$stage/plugins"
chmod -R a+rX "$stage"
[[ $(id -u) == 0 ]] && chown -R nobody "$stage/home"

while IFS=$'\t' read -r capture expected; do
    [[ -z $capture || $capture == \#* ]] && continue
    cp "$captures/$capture" "$stage/in/$capture"
    chmod 644 "$stage/in/$capture"
    cmd=(env -i PATH="$PATH" HOME="$stage/home" XDG_CONFIG_HOME="$stage/home/.config"
        LANG=C.UTF-8 WIRESHARK_PLUGIN_DIR="$stage/plugins"
        tshark -2 --color -r "$stage/in/$capture" -Y 'frame.coloring_rule.name contains "sipkb"'
        -T fields -e frame.number -e frame.coloring_rule.name)
    if [[ $(id -u) == 0 ]]; then
        cmd=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "${cmd[@]}")
    fi
    actual=$("${cmd[@]}" | awk -F'\t' '{print $1 ":" $2}' | paste -sd';' -)
    [[ -z $actual ]] && actual=none
    if [[ $actual != "$expected" ]]; then
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$capture" "$expected" "$actual" >&2
        failures=$((failures + 1))
    else
        echo "ok   $capture: $actual"
    fi
done < "$table"
((failures == 0))
