#!/usr/bin/env bash
# sipkb's demo, run by `./setup.sh demo` once the plugin is installed (and by the test
# e2e/demo against the fresh build). For each capture it prints what sipkb found: the messages
# with findings (what went wrong, at which frame, the response's most likely cause and what to
# check, exactly the first `Likely cause` and `Check` of its tree), normal traffic as counts
# only; then the full sipkb tree of one response, and that response with the generic KB beside
# the carrier profile.
#
# Usage: tools/demo.sh [CAPTURE...]      (default: captures/*.pcapng, from the checkout)
# SIPKB_DEMO_TSHARK: the tshark to run (default: tshark; the tests use tests/e2e/tshark-sipkb).
# tshark's warnings (its standard error) are passed on, each different line once.
set -euo pipefail
cd "$(dirname "$0")/.."

tshark_cmd=${SIPKB_DEMO_TSHARK:-tshark}
if (($# == 0)); then
    set -- captures/*.pcapng
fi
tree_capture=captures/register-callerid-mismatch.pcapng
tree_filter='sipkb.code == 403'

work=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
: > "$work/warned"

# Runs tshark; its standard error goes on to ours, each line only the first time it is said
# (the pid and time stamp of Wireshark's log lines left out of the comparison).
run_tshark() {
    local status=0 line key
    "$tshark_cmd" "$@" 2> "$work/stderr" || status=$?
    while IFS= read -r line; do
        key=$(sed -E 's/\(tshark:[0-9]+\)//; s/[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+//' <<< "$line")
        grep -qxF -- "$key" "$work/warned" && continue
        printf '%s\n' "$key" >> "$work/warned"
        case $line in
        tshark:*) printf '%s\n' "$line" >&2 ;;
        *) printf 'tshark: %s\n' "$line" >&2 ;;
        esac
    done < "$work/stderr"
    return "$status"
}

# The findings of one capture. One tshark -2 run gives, per SIP frame, the fields below and,
# at the end, the expert list, whose Protocol column tells sipkb's expert items from others.
summarize() {
    local capture=$1
    run_tshark -2 -r "$capture" -Y sip -T fields -E occurrence=a -E aggregator=$'\x1f' \
        -e frame.number -e sip.CSeq.method -e sipkb.code -e _ws.expert.severity \
        -e _ws.expert.message -e sipkb.cause -e sipkb.advice -e sipkb.retry.after \
        -e sipkb.retry.at -z expert > "$work/out"
    awk -F'\t' -v capture="$capture" '
        # The expert list: rows "count group protocol summary"; keep sipkb'"'"'s summaries.
        /^ +[0-9]+ +[A-Za-z-]+ +sipkb  / {
            text = $0
            sub(/^ +[0-9]+ +[A-Za-z-]+ +sipkb  /, "", text)
            sipkb_text[text] = 1
            next
        }
        /^[0-9]+\t/ { rows[++n] = $0 }
        function first(list,    parts) { split(list, parts, "\x1f"); return parts[1] }
        function severity(value) {
            if (value >= 8388608) return "error"
            if (value >= 6291456) return "warning"
            if (value >= 4194304) return "note"
            return ""
        }
        END {
            messages = 0; responses = 0; normal = 0; groups = 0
            for (i = 1; i <= n; i++) {
                split(rows[i], f, "\t")
                frame = f[1]; method = first(f[2]); code = first(f[3])
                messages++
                if (code != "") responses++
                ns = split(f[4], sev, "\x1f"); split(f[5], msg, "\x1f")
                headline = ""; findings = ""
                for (j = 1; j <= ns; j++) {
                    if (!(msg[j] in sipkb_text)) continue
                    if (code != "" && headline == "" && index(msg[j], code " ") == 1) {
                        headline = msg[j]
                        if (severity(sev[j]) == "") continue
                        if (code >= 300) continue   # the failure is the headline itself
                    }
                    if (severity(sev[j]) == "") continue
                    findings = findings "\n           " severity(sev[j]) ": " msg[j]
                }
                failed = (code != "" && code >= 300 && headline != "" &&
                          index(f[4], "2097152") != 1)
                if (findings == "" && !failed) { normal++; continue }
                if (headline == "") headline = method (code != "" ? " " code : "")
                else headline = headline " (" method ")"
                detail = findings
                if (f[8] != "") {
                    until = f[9]; sub(/\.[0-9]+ /, " ", until)
                    detail = detail "\n           Retry-After: " f[8] " s, until " until
                }
                if (code != "" && code >= 300) {
                    if (f[6] != "") detail = detail "\n           likely cause: " first(f[6])
                    if (f[7] != "") detail = detail "\n           check: " first(f[7])
                }
                key = headline detail
                if (!(key in frames)) { order[++groups] = key; head[key] = headline; body[key] = detail }
                frames[key] = frames[key] (key in count ? ", " : "") frame
                count[key]++
            }
            printf "%s: %d SIP messages (%d %s): %d normal, %d with findings\n", capture,
                messages, responses, (responses == 1 ? "response" : "responses"), normal,
                messages - normal
            for (g = 1; g <= groups; g++) {
                key = order[g]
                printf "  %s %s\n      %s%s\n", (count[key] > 1 ? "frames" : "frame"),
                    frames[key], head[key], body[key]
            }
        }' "$work/out"
}

echo "== What sipkb finds in each capture (tshark -2: the whole capture read first)"
echo "   Each message with findings: its frames (both legs of a proxy when they say the same),"
echo "   the response or request, each finding, and for a response of 300 or more its most"
echo "   likely cause and what to check (the first of each in its tree). Normal messages (1xx,"
echo "   2xx and 401/407 challenges without findings, requests without findings) are counted."
for capture in "$@"; do
    echo
    summarize "$capture"
done

echo
echo "== One response in full: tshark -r $tree_capture -Y '$tree_filter' -O sipkb"
run_tshark -r "$tree_capture" -Y "$tree_filter" -O sipkb |
    sed -n '/^\[SIP knowledge base/,$p' | sed '${/^$/d}'

echo
echo "== The same 403 with the generic KB (the default) and with the carrier profile"
echo "   (-o sipkb.provider_profile:carrier: the notes of the carrier SIPcity)"
for profile in generic carrier; do
    run_tshark -r "$tree_capture" -Y "$tree_filter" -o "sipkb.provider_profile:$profile" \
        -T fields -E occurrence=a -E aggregator=$'\x1f' -e sipkb.cause -e sipkb.advice \
        -e sipkb.provider_note > "$work/profile"
    IFS=$'\t' read -r causes advice note < "$work/profile" || true
    printf '%-8s likely cause:  %s\n' "$profile" "${causes%%$'\x1f'*}"
    printf '%-8s check:         %s\n' "" "${advice%%$'\x1f'*}"
    printf '%-8s provider note: %s\n' "" "${note:-(none: the generic KB has no provider notes)}"
done
