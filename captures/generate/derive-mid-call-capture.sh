#!/usr/bin/env bash
# derive-mid-call-capture.sh - make captures/invite-hold-mid-call.pcapng from invite-sdp-variety.
#
# A capture started in the middle of a call: frames 13 to 30 of invite-sdp-variety (real
# Kamailio and SIPp on 127.0.0.1), from the re-INVITE that puts the call on hold (sendonly)
# to the end of the call. The call's first INVITE and its offer are not in it, as when tshark
# is started after a call was set up. The packets are kept as they were, only the earlier ones
# dropped (editcap -r).
#
# Usage: captures/generate/derive-mid-call-capture.sh    (after regenerating invite-sdp-variety)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
captures=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
editcap -F pcapng -r "$captures/invite-sdp-variety.pcapng" "$work/invite-hold-mid-call.pcapng" 13-30
mv "$work/invite-hold-mid-call.pcapng" "$captures/invite-hold-mid-call.pcapng"
echo "invite-hold-mid-call: $(capinfos -c -M "$captures/invite-hold-mid-call.pcapng" | awk '/Number of packets/ {print $NF}') packets"
