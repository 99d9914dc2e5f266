#!/usr/bin/env bash
# derive-nat-capture.sh - make captures/invite-behind-nat.pcapng from invite-sdp-variety.
#
# The SIP traffic of invite-sdp-variety (real Kamailio and SIPp on 127.0.0.1, the caller
# announcing c=IN IP4 192.168.1.50 in its SDP) is rewritten so that every packet carries the
# public address 203.0.113.10 (TEST-NET-3, RFC 5737) instead of 127.0.0.1: what a capture on
# the carrier side of a NAT shows when a phone on a LAN announces its private address. Only the
# IP addresses and checksums change; the SIP text, timestamps and sizes stay as they were.
#
# Usage: captures/generate/derive-nat-capture.sh     (needs tcprewrite from Debian's tcpreplay)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
captures=$(dirname "$here")
command -v tcprewrite > /dev/null ||
    { echo "derive-nat-capture: tcprewrite missing (apt-get install tcpreplay)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tcprewrite --pnat=127.0.0.1/32:203.0.113.10/32 --fixcsum \
    -i "$captures/invite-sdp-variety.pcapng" -o "$work/nat.pcap"
editcap -F pcapng "$work/nat.pcap" "$work/invite-behind-nat.pcapng"
mv "$work/invite-behind-nat.pcapng" "$captures/invite-behind-nat.pcapng"
echo "invite-behind-nat: $(capinfos -c -M "$captures/invite-behind-nat.pcapng" | awk '/Number of packets/ {print $NF}') packets"
