#!/usr/bin/env bash
# run-bench.sh - the sipkb benchmark in one command (see bench/README.md).
#
# Usage: bench/run-bench.sh [--quick] [sipkb-bench.py options...]
#
#   1. builds the plugin (RelWithDebInfo, in build-bench/, target sipkb only),
#   2. makes the benchmark captures that are missing from bench/captures/
#      (captures/generate/bench/make-bench-captures.sh: Kamailio + SIPp on
#      127.0.0.1, needs root; ~10 minutes the first time, reused afterwards),
#   3. runs bench/sipkb-bench.py: callgrind instruction counts on `small`,
#      then wall/CPU time and peak memory on every capture, and prints the
#      table of targets (with sipkb against without: on/none) and the ratio
#      tables, which are also written to bench/results/last-run.md.
#
# --quick: every mode's instruction counts on `small` (the figures of record), but
# timed runs of summary lines only, 3 rounds, on `small` and `large` (per-packet cost
# and peak memory at a million packets).  Other options go to sipkb-bench.py (--full,
# --rounds N, --jobs N, --skip-instructions, --skip-time, --sizes a,b, --modes a,b,
# --time-modes a,b, --render last-run.json).
# Environment: SIPKB_BENCH_BUILD (build folder, default build-bench),
# SIPKB_BENCH_CAPTURES (capture folder, default bench/captures).
# Takes over an hour on 2 CPUs once the captures exist (every mode runs under callgrind
# three times: on, off and none).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
original_args="$*"
ROOT=$(dirname "$HERE")
BUILD=${SIPKB_BENCH_BUILD:-$ROOT/build-bench}
CAPTURES=${SIPKB_BENCH_CAPTURES:-$HERE/captures}

args=()
sizes=(small medium large mixed)
while (($#)); do
	case $1 in
	--quick)
		args+=(--rounds 3 --sizes small,large --time-modes summary)
		sizes=(small large)
		;;
	--sizes | --sizes=*)
		if [[ $1 == --sizes ]]; then
			list=${2:?--sizes needs a list}
			shift
		else
			list=${1#--sizes=}
		fi
		IFS=, read -r -a sizes <<<"$list"
		args+=(--sizes "$list")
		;;
	*) args+=("$1") ;;
	esac
	shift
done

missing=()
for t in cmake tshark capinfos valgrind python3; do
	command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
if ((${#missing[@]})); then
	echo "run-bench: missing tool(s): ${missing[*]}" >&2
	echo "  Debian: apt-get install cmake gcc make pkg-config libglib2.0-dev wireshark-dev libwireshark-dev tshark valgrind python3 kamailio sip-tester" >&2
	exit 1
fi

t0=$SECONDS
echo "run-bench: building sipkb (RelWithDebInfo) in $BUILD" >&2
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF >/dev/null
cmake --build "$BUILD" --target sipkb -j "$(nproc)" >/dev/null

need=()
for s in "${sizes[@]}"; do
	[[ -s $CAPTURES/$s.pcapng && -s $CAPTURES/$s.info ]] || need+=("$s")
done
if ((${#need[@]})); then
	echo "run-bench: making the missing captures: ${need[*]}" >&2
	"$ROOT/captures/generate/bench/make-bench-captures.sh" -o "$CAPTURES" "${need[@]}"
fi

python3 "$HERE/sipkb-bench.py" --plugin-dir "$BUILD/plugins" --captures "$CAPTURES" \
	--command "bench/run-bench.sh${original_args:+ $original_args}" "${args[@]}"
echo "run-bench: done in $(((SECONDS - t0) / 60)) min $(((SECONDS - t0) % 60)) s" >&2
