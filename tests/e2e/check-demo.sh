#!/usr/bin/env bash
# The demo of `./setup.sh demo` (tools/demo.sh) against the fresh build: its whole output for
# the captures given, exactly as in EXPECTED (on Wireshark 4.0, the Debian 12 host; on other
# releases it must only exit 0 and print no warning). SIPKB_UPDATE_EXPECTED=1 rewrites EXPECTED.
#
# Usage: check-demo.sh EXPECTED CAPTURE...   (SIPKB_PLUGIN_DIR set, as for the other e2e tests)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
expected=$1
shift
repo=$(cd "$here/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-demo-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The captures by their names in the checkout, as the demo prints them.
captures=()
for capture in "$@"; do
    captures+=("captures/$(basename "$capture")")
done
SIPKB_DEMO_TSHARK=$here/tshark-sipkb "$repo/tools/demo.sh" "${captures[@]}" \
    > "$work/out" 2> "$work/err"
if [[ -s $work/err ]]; then
    echo "FAIL the demo printed warnings:" >&2
    cat "$work/err" >&2
    exit 1
fi
if [[ ${SIPKB_UPDATE_EXPECTED:-} == 1 ]]; then
    cp "$work/out" "$expected"
    echo "updated $expected"
    exit 0
fi
version=$(tshark --version 2> /dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
if [[ $version != 4.0 ]]; then
    echo "ok   demo exits 0 without warnings (output compared on Wireshark 4.0 only, this is $version)"
    exit 0
fi
if diff -u "$expected" "$work/out"; then
    echo "ok   demo output equals $expected"
else
    echo "FAIL demo output differs from $expected (SIPKB_UPDATE_EXPECTED=1 to accept)" >&2
    exit 1
fi
