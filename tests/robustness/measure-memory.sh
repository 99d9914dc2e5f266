#!/usr/bin/env bash
# Memory bound: peak memory of tshark with and without sipkb on generated captures of many
# dialogs and of one long dialog, and what sipkb keeps per transaction; then file reloads in
# one process, after which the plugin must have released each file's state.
#
# Usage: measure-memory.sh [--build DIR] [--dialogs N] [--transactions N] [--out DIR]
#                          [--max-bytes-per-transaction B] [--max-reload-growth BYTES]
#   --dialogs       distinct calls (INVITE+SDP / 200+SDP / ACK / BYE / 200: 3 transactions
#                   each; default 200000)
#   --transactions  transactions of the single-dialog capture (default 200000)
#   --max-bytes-per-transaction  fail when sipkb's state per transaction exceeds B
#   --max-reload-growth          fail when reading the captures again makes the heap grow by
#                   more than BYTES beyond what it grows without sipkb (default 1048576)
# Needs a build without sanitizers (the peak of an ASan process says nothing about sipkb) and
# /usr/bin/time. The captures are generated into OUT (default BUILD/memory) and removed after.
#
# bytes per transaction = (peak RSS with sipkb - peak RSS without) / transactions, for
# tshark -r FILE -Y frame -q (one pass) and the same with -2 (two passes). The display filter
# makes tshark build the protocol trees a post-dissector reads, as Wireshark does; without one
# tshark -q builds none, and sipkb would see nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build
dialogs=200000
transactions=200000
out=
max_per_txn=
max_growth=1048576
while (($#)); do
    case $1 in
    --build) build=$2; shift 2 ;;
    --dialogs) dialogs=$2; shift 2 ;;
    --transactions) transactions=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --max-bytes-per-transaction) max_per_txn=$2; shift 2 ;;
    --max-reload-growth) max_growth=$2; shift 2 ;;
    *) echo "usage: measure-memory.sh [--build DIR] [--dialogs N] [--transactions N] [--out DIR] [--max-bytes-per-transaction B] [--max-reload-growth B]" >&2
       exit 2 ;;
    esac
done
build=$(cd "$build" && pwd)
out=${out:-$build/memory}
if [[ -f $build/sanitizer-env.sh ]]; then
    echo "measure-memory: $build is a sanitizer build; use a plain one (e.g. build)" >&2
    exit 2
fi
[[ -x /usr/bin/time ]] || { echo "measure-memory: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
export SIPKB_PLUGIN_DIR=$build/plugins
mkdir -p "$out"
chmod 755 "$out"

"$build/tests/robustness/sipgen" dialogs "$dialogs" "$out/dialogs.pcap"
"$build/tests/robustness/sipgen" transactions "$transactions" "$out/one-dialog.pcap"

# Peak RSS in bytes and seconds of one tshark run (the wrapper's largest descendant).
peak() { # without|with capture [tshark options]
    local flag=() stats=$out/time.txt
    [[ $1 == without ]] && flag=(--without-sipkb)
    /usr/bin/time -o "$stats" -f 'peak %M %e' "$here/../e2e/tshark-sipkb" "${flag[@]}" -r "$2" \
        "${@:3}" -Y frame -q > /dev/null
    awk '$1 == "peak" {printf "%.0f %s\n", $2 * 1024, $3}' "$stats"
    rm -f "$stats"
}

report=$out/memory.txt
: > "$report"
line() { printf '%s\n' "$*" | tee -a "$report"; }
line "capture | mode | transactions | peak without sipkb | peak with sipkb | sipkb bytes/transaction | seconds with"
line "---|---|---:|---:|---:|---:|---:"
worst=0
for spec in "dialogs.pcap:$((dialogs * 3)):$dialogs distinct dialogs" \
    "one-dialog.pcap:$transactions:1 dialog"; do
    IFS=: read -r file txns label <<< "$spec"
    for mode in one-pass two-pass; do
        opts=()
        [[ $mode == two-pass ]] && opts=(-2)
        read -r without _ <<< "$(peak without "$out/$file" "${opts[@]}")"
        read -r with seconds <<< "$(peak with "$out/$file" "${opts[@]}")"
        [[ $without =~ ^[0-9]+$ && $with =~ ^[0-9]+$ ]] ||
            { echo "measure-memory: no peak memory read for $file ($mode)" >&2; exit 1; }
        per_txn=$(((with - without) / txns))
        ((per_txn > worst)) && worst=$per_txn
        line "$label ($file) | $mode | $txns | $((without / 1048576)) MiB | $((with / 1048576)) MiB | $per_txn | $seconds"
    done
done
line "worst: $worst bytes of sipkb state per transaction"

# File reloads in one process: heap in use after each file is closed, three rounds, with and
# without sipkb. Wireshark itself keeps some memory per file read (the same with and without
# sipkb); what sipkb adds to that growth is state that outlives its file.
reload_growth() { # [--without-sipkb]
    "$here/run-staged" "$@" "$build/tests/robustness/sipkb-replay" -w -2 -m -n 3 \
        "$out/one-dialog.pcap" "$out/dialogs.pcap" |
        awk '$1 == "heap-in-use" { last[$2] = $4 } END { printf "%.0f %.0f %.0f\n", last[1], last[3], last[3] - last[1] }'
}
read -r first last growth_with <<< "$(reload_growth)"
read -r _ _ growth_without <<< "$(reload_growth --without-sipkb)"
growth=$((growth_with - growth_without))
line "heap in use after closing both captures, with sipkb: round 1 $first bytes, round 3 $last" \
    "bytes; growth over two reloads $growth_with bytes with sipkb, $growth_without without" \
    "(sipkb's part: $growth)"
rm -f "$out/dialogs.pcap" "$out/one-dialog.pcap"

status=0
if [[ -n $max_per_txn ]] && ((worst > max_per_txn)); then
    echo "FAIL: $worst bytes per transaction, more than $max_per_txn" >&2
    status=1
fi
if ((growth > max_growth)); then
    echo "FAIL: with sipkb the heap grows by $growth bytes more over file reloads: state" \
        "outlives its file" >&2
    status=1
fi
exit $status
