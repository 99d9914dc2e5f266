#!/usr/bin/env bash
# Runs one libFuzzer target for a while over its corpus, or replays inputs once.
#
# Usage: run-fuzzer.sh FUZZER SECONDS SEED_DIR WORK_DIR
#   FUZZER    a built fuzz-* target (build/tests/fuzz/fuzz-analyzer, ...)
#   SECONDS   how long to fuzz; 0 replays the seeds, the work corpus and the committed
#             regression inputs (tests/fuzz/regressions/<target>/) once
#   SEED_DIR  seeds (make-corpus.sh); WORK_DIR keeps the corpus grown by earlier runs and
#             receives crash-*, timeout-*, leak-* artifacts
# Exit status 0 when no input crashed, broke a checked promise, leaked or timed out. A
# fuzzer built without libFuzzer (gcc) only replays.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fuzzer=${1:?usage: run-fuzzer.sh FUZZER SECONDS SEED_DIR WORK_DIR}
seconds=${2:?} seeds=${3:?} work=${4:?}
name=$(basename "$fuzzer")
target=${name#fuzz-}
regressions=$here/regressions/$target
mkdir -p "$work/corpus" "$work/artifacts"
inputs=("$work/corpus" "$seeds")
[[ -d $regressions ]] && inputs+=("$regressions")

# libFuzzer's own options, absent from a replay-only build.
if ! "$fuzzer" -help=1 2>&1 | grep -c max_total_time > /dev/null; then
    echo "$name: built without libFuzzer, replaying the inputs once"
    exec "$fuzzer" "${inputs[@]}"
fi
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
common=(-timeout=25 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
    "-artifact_prefix=$work/artifacts/")
if [[ $seconds == 0 ]]; then
    files=()
    for dir in "${inputs[@]}"; do
        while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f -print0)
    done
    echo "$name: replaying ${#files[@]} inputs"
    ((${#files[@]} == 0)) || "$fuzzer" "${common[@]}" -runs=1 "${files[@]}" > "$work/replay.log" 2>&1 || {
        tail -50 "$work/replay.log" >&2
        exit 1
    }
    exit 0
fi
status=0
"$fuzzer" "${common[@]}" -max_total_time="$seconds" "${inputs[@]}" > "$work/fuzz.log" 2>&1 ||
    status=$?
grep -E '^(#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|==[0-9]+==ERROR|SUMMARY)|broken promise' \
    "$work/fuzz.log" || true
if ((status != 0)); then
    echo "$name: FAILED (exit $status); the input is kept in $work/artifacts:" >&2
    ls -l "$work/artifacts" >&2
    tail -60 "$work/fuzz.log" >&2
    exit 1
fi
runs=$(grep -oE 'stat::number_of_executed_units: [0-9]+' "$work/fuzz.log" | grep -oE '[0-9]+$' || echo 0)
echo "$name: $runs inputs in ${seconds}s, no finding (corpus: $(ls "$work/corpus" | wc -l) inputs)"
