#!/usr/bin/env bash
# Truncated SIP: every project capture cut at several snap lengths still gives no error output,
# no sipkb item on frames without SIP, and a sipkb.code equal to the SIP dissector's status code
# wherever one is read (the checks of check-public.sh, on the cut copies).
#
# Usage: check-truncated.sh CAPTURE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cut=()
for capture in "$@"; do
    for snaplen in 60 120 300; do
        out="$work/$(basename "$capture" .pcapng)-s$snaplen.pcapng"
        editcap -s "$snaplen" "$capture" "$out"
        cut+=("$out")
    done
done
"$here/check-public.sh" "${cut[@]}"
