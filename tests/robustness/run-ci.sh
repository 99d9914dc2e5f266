#!/usr/bin/env bash
# CI: the bounded robustness checks on a fresh clone of a Debian 12 machine (README "Robustness").
#
#   1. build-asan (clang, -DSIPKB_SANITIZE=ON -DSIPKB_FUZZ=ON): the whole ctest suite with ASan
#      and UBSan in the plugin, its core, the tools and the tests, and the sanitizer runtime
#      preloaded into every tshark; among the tests the hostile captures, the regression
#      captures, a capture-fuzzing campaign of SIPKB_FUZZ_CAPTURES_SECONDS and a libFuzzer run of
#      SIPKB_LIBFUZZER_SECONDS per target
#   2. build-memcheck (default compiler, no sanitizers, -DSIPKB_MEMCHECK=ON): valgrind over every
#      capture in one process with file reloads, the memory bound on 20,000 dialogs and on 20,000
#      transactions in one dialog, and the core's regression tests with glibc's allocator
#
# Usage: tests/robustness/run-ci.sh [asan|memcheck]...   (default: both)
# Environment: SIPKB_FUZZ_CAPTURES_SECONDS (default 240), SIPKB_LIBFUZZER_SECONDS (default 45),
# SIPKB_CI_JOBS (ctest -j, default nproc). Installs the Debian packages it needs (as root, or
# with sudo) like setup.sh does. Prints each stage's time and figures; exit status 1 when a
# test failed.
set -euo pipefail
cd "$(dirname "$0")/../.."

packages_prog=run-ci.sh
. tools/debian-packages.sh
install_packages "${sipkb_build_packages[@]}" util-linux clang libclang-rt-14-dev llvm valgrind \
    time

jobs=${SIPKB_CI_JOBS:-$(nproc)}
stages=("$@")
((${#stages[@]})) || stages=(asan memcheck)
summary_of() { # stage: the figures it writes
    case $1 in
    asan) echo build-asan/fuzz-captures/summary.txt ;;
    memcheck) echo build-memcheck/memory-ci/memory.txt ;;
    esac
}
status=0
times=()
for stage in "${stages[@]}"; do
    start=$SECONDS
    case $stage in
    asan)
        rm -f "$(summary_of asan)"
        CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIPKB_SANITIZE=ON \
            -DSIPKB_FUZZ=ON -DSIPKB_FUZZ_CAPTURES_SECONDS="${SIPKB_FUZZ_CAPTURES_SECONDS:-240}" \
            -DSIPKB_LIBFUZZER_SECONDS="${SIPKB_LIBFUZZER_SECONDS:-45}" > /dev/null
        cmake --build build-asan -j "$(nproc)"
        ctest --test-dir build-asan -j "$jobs" --output-on-failure || status=1
        ;;
    memcheck)
        rm -f "$(summary_of memcheck)"
        cmake -S . -B build-memcheck -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSIPKB_MEMCHECK=ON > /dev/null
        cmake --build build-memcheck -j "$(nproc)"
        # core-regressions here too: without ASan's allocator the heap figures of its leak
        # tests are glibc's.
        ctest --test-dir build-memcheck -j "$jobs" \
            -R '^robustness/(valgrind|memory|core-regressions)$' --output-on-failure || status=1
        ;;
    *)
        echo "usage: run-ci.sh [asan|memcheck]..." >&2
        exit 2
        ;;
    esac
    times+=("$stage took $((SECONDS - start)) s")
done
for stage in "${stages[@]}"; do
    summary=$(summary_of "$stage")
    if [[ -f $summary ]]; then
        echo "== $summary"
        cat "$summary"
    fi
done
printf 'run-ci.sh: %s\n' "${times[@]}"
if ((status == 0)); then
    echo "run-ci.sh: passed"
else
    echo "run-ci.sh: FAILED" >&2
fi
exit $status
