#!/usr/bin/env bash
# The user's layers of the KB through tshark's command line: an override row set with -o changes
# exactly the frames it matches and says so, in the tree, the sipkb item's title and the Info
# column; invalid rows are refused with a message naming the
# entry; the provider profile can be switched off; a team KB file is used, a broken one refused.
#
# Usage: check-overrides.sh CAPTURE_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
captures=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work" # tshark may run as nobody (see tshark-sipkb) and must read the KB files
failures=0
run() { "$here/tshark-sipkb" "$@" 2> "$work/stderr"; }
expect() { # description, expected, actual
    if [[ $2 == "$3" ]]; then
        echo "ok   $1"
    else
        printf 'FAIL %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3" >&2
        failures=$((failures + 1))
    fi
}
mismatch=$captures/register-callerid-mismatch.pcapng
row='"403","","REGISTER","On our PBX a 403 on REGISTER means the extension is disabled","The extension is disabled","Enable the extension"'

actual=$(run -o "uat:sipkb_overrides:$row" -r "$mismatch" -Y 'sipkb.explanation contains "our PBX"' \
    -T fields -e frame.number -e sipkb.code -e sipkb.source | tr '\n' ' ')
expect "override row changes the 403 and names its layer" \
    "4	403	Explanation: user override (SIP KB overrides row 1),Causes: user override (SIP KB overrides row 1) first, then generic KB (RFC meanings),Advice: user override (SIP KB overrides row 1) first, then generic KB (RFC meanings) " "$actual"
actual=$(run -o "uat:sipkb_overrides:$row" -r "$mismatch" -Y 'sipkb.code == 403' \
    -T fields -E aggregator='|' -e sipkb.cause | cut -d'|' -f1)
expect "override cause comes first" "The extension is disabled" "$actual"
# The sipkb item's title and the Info column as the packet list shows it: a column field
# (_ws.col.Info) is filled before post-dissectors run on 4.4 and later, so the Info column is
# read from the summary line.
title_and_info() { # tshark arguments
    paste <(run "$@" -T fields -e sipkb) <(run "$@" -o 'gui.column.format:"Info","%i"')
}
actual=$(title_and_info -o "uat:sipkb_overrides:$row" -o sipkb.info_column:TRUE -r "$mismatch" \
    -Y 'sipkb.code == 403')
expect "override meaning in the sipkb item's title and the Info column" \
    "SIP knowledge base: 403 Forbidden: On our PBX a 403 on REGISTER means the extension is disabled	Status: 403 Forbidden - Authentication ID does not match |  [sipkb: On our PBX a 403 on REGISTER means the extension is disabled]" "$actual"
actual=$(title_and_info -o 'uat:sipkb_overrides:"403","","","","Trunk not provisioned on the SBC",""' \
    -o sipkb.info_column:TRUE -r "$mismatch" -Y 'sipkb.code')
expect "override cause titles the item when the row has no meaning; other codes keep the KB's" \
    "SIP knowledge base: 401 Unauthorized: Digest challenge: resend with Authorization (normal first step)	Status: 401 Unauthorized |  [sipkb: Digest challenge: resend with Authorization (normal first step)]
SIP knowledge base: 403 Forbidden: Trunk not provisioned on the SBC	Status: 403 Forbidden - Authentication ID does not match |  [sipkb: Trunk not provisioned on the SBC]" "$actual"
actual=$(run -o "uat:sipkb_overrides:$row" -r "$mismatch" -Y 'sipkb.source contains "override"' \
    -T fields -e frame.number | paste -sd, -)
expect "override touches no other frame" "4" "$actual"
actual=$(run -o 'uat:sipkb_overrides:"403","","INVITE","m","",""' -r "$mismatch" \
    -Y 'sipkb.source contains "override"' -T fields -e frame.number | paste -sd, -)
expect "method condition excludes REGISTER" "" "$actual"
actual=$(run -o 'uat:sipkb_overrides:"4xx","authentication id","","ID mismatch here","",""' \
    -r "$mismatch" -Y 'sipkb.explanation == "ID mismatch here"' -T fields -e frame.number)
expect "reason regex matches the reason phrase" "4" "$actual"

for bad in '"40x","","","m","",""|entry for '\''40x'\'': code '\''40x'\'' is not a code (403), a class (4xx) or a range (480-489) within 100..699' \
    '"403","(unclosed","","m","",""|entry for '\''403'\'': reason pattern '\''(unclosed'\'' is not a valid regular expression' \
    '"403","","","","",""|entry for '\''403'\'': meaning, cause and advice are all empty'; do
    entry=${bad%%|*} message=${bad#*|}
    status=0
    run -o "uat:sipkb_overrides:$entry" -r "$mismatch" > /dev/null || status=$?
    grep -qF "SIP KB overrides: $message" "$work/stderr" &&
        expect "invalid row refused: $entry" "refused" "$([[ $status != 0 ]] && echo refused)" ||
        expect "invalid row message: $entry" "$message" "$(cat "$work/stderr")"
done

actual=$(run -o sipkb.provider_profile:generic -r "$mismatch" -Y sipkb.provider_note \
    -T fields -e frame.number | paste -sd, -)
expect "generic profile: no provider notes" "" "$actual"
actual=$(run -o sipkb.provider_profile:carrier -r "$mismatch" -Y sipkb.provider_note \
    -T fields -e frame.number | paste -sd, -)
expect "carrier profile: provider notes on 401 and 403" "2,4" "$actual"

printf '[sipkb]\nformat=1\nkb_version=team-1\nname=Team KB\n[response 403]\ncause.1=Team: the SBC refuses unknown trunks\n' > "$work/team.kb"
chmod 644 "$work/team.kb"
actual=$(run -o "sipkb.team_kb_file:$work/team.kb" -r "$mismatch" -Y 'sipkb.code == 403' \
    -T fields -E aggregator='|' -e sipkb.cause | cut -d'|' -f2)
expect "team KB file supplies the 403 causes" "Team: the SBC refuses unknown trunks" "$actual"
# A file's notes with domains: only on responses of traffic with those hosts or realms (the
# capture's domain and realm are sipkb.test; the carrier profile names no domains).
for domains in 'sipkb.test|2,4' '*.test|2,4' 'SIPKB.TEST,sip.example.net|2,4' 'sip.example.net|' \
    '*.sipkb.test|'; do
    list=${domains%|*} frames=${domains#*|}
    printf '[sipkb]\nformat=1\nkb_version=team-2\nname=Trunk notes\ndomains=%s\n[response 401]\nprovider_note=Trunk: 401 note\n[response 403]\nprovider_note=Trunk: 403 note\n' \
        "$list" > "$work/domains.kb"
    chmod 644 "$work/domains.kb"
    actual=$(run -o "sipkb.team_kb_file:$work/domains.kb" -r "$mismatch" -Y sipkb.provider_note \
        -T fields -e frame.number | paste -sd, -)
    expect "notes of a file with domains=$list" "$frames" "$actual"
done

printf '[sipkb]\nformat=1\n[response 403]\ncause.1=x\n' > "$work/broken.kb"
chmod 644 "$work/broken.kb"
actual=$(run -o "sipkb.team_kb_file:$work/broken.kb" -r "$mismatch" -Y 'sipkb.code == 403' \
    -T fields -e sipkb.explanation | head -c 40)
expect "broken team file leaves the KB working" "The server understood the request and re" "$actual"
expect "broken team file is reported" "1" "$(grep -c "the team KB file was not loaded: .*broken.kb: \[sipkb\]: 'kb_version' is missing" "$work/stderr")"
((failures == 0))
