#!/usr/bin/env bash
# Writes each regressions/NAME.pcap from its hand-written source NAME.sip (sipgen messages).
# Usage: make-regressions.sh SIPGEN   (SIPGEN: <build>/tests/robustness/sipgen)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sipgen=${1:?usage: make-regressions.sh <build>/tests/robustness/sipgen}
for source in "$here"/*.sip; do
    "$sipgen" messages "${source%.sip}.pcap" < "$source"
done
