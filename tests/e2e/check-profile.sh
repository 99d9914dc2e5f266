#!/usr/bin/env bash
# The sipkb configuration profile (sipkb-profile.zip, for Edit > Configuration Profiles >
# Import) used as imported:
#   - the zip holds one top folder, the profile "sipkb", with its colorfilters and preferences
#     and nothing else (the import takes each top folder as a profile);
#   - its colouring rules are sipkb's (plugin/sipkb.colorfilters) first, in order, then every
#     default rule of the Wireshark release it was built against, in order;
#   - every rule's filter compiles (tshark -Y) with the plugin loaded;
#   - no sipkb rule's background is near that of a default rule which colours SIP packets in
#     the captures (UDP, TCP): a flagged row stands out;
#   - the packet list has the column "sipkb" after Wireshark's default ones, and it shows each
#     message's verdict (sipkb.verdict) with no preference error (tshark's text output).
#
# Usage: SIPKB_PLUGIN_DIR=<build>/plugins check-profile.sh PROFILE.zip SIPKB_RULES DEFAULT_RULES
#            CAPTURE_DIR
set -euo pipefail
: "${SIPKB_PLUGIN_DIR:?set SIPKB_PLUGIN_DIR to the plugins folder of the build}"
zip=$1 sipkb_rules=$2 default_rules=$3 captures=$4
tshark_sipkb=$(dirname "$0")/tshark-sipkb
failures=0
fail() {
    printf 'FAIL %s\n' "$*" >&2
    failures=$((failures + 1))
}
ok() { printf 'ok   %s\n' "$*"; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-profile.XXXXXX")
trap 'rm -rf "$stage"' EXIT

# ---- the zip's content ----------------------------------------------------------------------
entries=$(unzip -Z1 "$zip" | paste -sd' ' -)
if [[ $entries == "sipkb/colorfilters sipkb/preferences" ]]; then
    ok "unzip -l: $entries"
else
    fail "the zip holds \"$entries\", not exactly sipkb/colorfilters and sipkb/preferences"
fi
unzip -q "$zip" -d "$stage"
rules_of() { grep '^@' "$1" || true; }

# ---- the rules' order -----------------------------------------------------------------------
rules_of "$stage/sipkb/colorfilters" > "$stage/profile.rules"
cat <(rules_of "$sipkb_rules") <(rules_of "$default_rules") > "$stage/expected.rules"
if diff -u "$stage/expected.rules" "$stage/profile.rules" > "$stage/order.diff"; then
    ok "colorfilters: $(rules_of "$sipkb_rules" | wc -l) sipkb rules, then the" \
        "$(rules_of "$default_rules" | wc -l) default rules of $default_rules"
else
    fail "colorfilters is not sipkb's rules followed by $default_rules:"
    cat "$stage/order.diff" >&2
fi

# ---- every filter compiles ------------------------------------------------------------------
sample=$captures/register-callerid-mismatch.pcapng
while IFS=@ read -r _ name filter _; do
    if ! error=$("$tshark_sipkb" -r "$sample" -c 1 -Y "$filter" 2>&1 > /dev/null); then
        fail "rule \"$name\": tshark -Y does not take its filter: $error"
    fi
done < "$stage/profile.rules"
ok "tshark -Y takes all $(wc -l < "$stage/profile.rules") filters"

# ---- colours --------------------------------------------------------------------------------
# Default rules that colour SIP packets, read from tshark --color with the profile.
for capture in "$captures"/*.pcapng; do
    "$tshark_sipkb" --profile "$zip" -2 --color -r "$capture" -Y sip \
        -T fields -e frame.coloring_rule.name
done | grep -v '^sipkb: ' | sort -u > "$stage/sip-defaults"
[[ -s $stage/sip-defaults ]] || fail "no default rule colours a SIP packet in $captures"
# A rule's background (the first of its two 16-bit colours) in 8 bits; distances are
# Euclidean in RGB.
background() { # rule line -> "r g b"
    sed -E 's/.*@\[([0-9]+),([0-9]+),([0-9]+)\]\[[0-9]+,[0-9]+,[0-9]+\]$/\1 \2 \3/' <<< "$1" |
        awk '{ printf "%d %d %d\n", $1 / 257, $2 / 257, $3 / 257 }'
}
min_distance=45
while IFS= read -r default_name; do
    default_line=$(grep -m1 -F "@$default_name@" "$stage/profile.rules")
    read -r dr dg db < <(background "$default_line")
    while IFS= read -r line; do
        read -r r g b < <(background "$line")
        distance=$(awk -v a="$r $g $b" -v b="$dr $dg $db" 'BEGIN {
            split(a, x, " "); split(b, y, " ")
            printf "%d", sqrt((x[1]-y[1])^2 + (x[2]-y[2])^2 + (x[3]-y[3])^2) }')
        name=$(cut -d@ -f2 <<< "$line")
        if ((distance < min_distance)); then
            fail "\"$name\" ($r,$g,$b) is $distance from \"$default_name\" ($dr,$dg,$db):" \
                "at least $min_distance apart"
        fi
    done < <(rules_of "$sipkb_rules")
done < "$stage/sip-defaults"
ok "sipkb's backgrounds stand apart from $(paste -sd, "$stage/sip-defaults") (>= $min_distance)"

# ---- the sipkb column -----------------------------------------------------------------------
# tshark's text output shows the columns of the profile's gui.column.format, separated by a
# space: with the profile, each line is the default one, then the message's verdict.
for capture in "$captures"/invite-cancel.pcapng "$captures"/register-callerid-mismatch.pcapng; do
    name=$(basename "$capture")
    if ! "$tshark_sipkb" --profile "$zip" -2 -r "$capture" > "$stage/with-profile" \
        2> "$stage/profile.err" || [[ -s $stage/profile.err ]]; then
        fail "$name: tshark with the profile says: $(cat "$stage/profile.err")"
        continue
    fi
    "$tshark_sipkb" -2 -r "$capture" -T fields -e sipkb.verdict > "$stage/verdicts"
    paste -d' ' <("$tshark_sipkb" -2 -r "$capture") "$stage/verdicts" > "$stage/expected-list"
    if ! grep -q . "$stage/verdicts"; then
        fail "$name: no verdicts to compare with"
    elif diff -u "$stage/expected-list" "$stage/with-profile" >&2; then
        ok "$name: Wireshark's default columns, then sipkb with the verdict of all" \
            "$(wc -l < "$stage/with-profile") messages"
    else
        fail "$name: the profile's columns are not the default ones and then the verdict"
    fi
done
((failures == 0))
