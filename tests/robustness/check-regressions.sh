#!/usr/bin/env bash
# Regression captures of robustness findings (tests/robustness/regressions/, each written from
# its NAME.sip by make-regressions.sh). Each one must run through tshark with sipkb, one pass and
# two passes with full trees (sipkb's items printed: -O sipkb), without a crash, a sanitizer
# report, any error output or a NULL text in sipkb's items ("(null)": a NULL handed to a printf
# format; "[ Null ]": a NULL string value). NAME.args holds more tshark options (@HERE@ is the
# regressions folder). Where NAME.findings.tsv (and NAME.findings-2pass.tsv) is beside it,
# sipkb's findings must equal it (tests/e2e/check-findings.sh).
#
# Usage: SIPKB_PLUGIN_DIR=<build>/plugins check-regressions.sh CAPTURE...
# A sanitizer build's environment (BUILD/sanitizer-env.sh) is applied when SIPKB_BUILD_DIR names
# the build.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
e2e=$here/../e2e
if [[ -n ${SIPKB_BUILD_DIR:-} && -f $SIPKB_BUILD_DIR/sanitizer-env.sh ]]; then
    # shellcheck disable=SC1091
    source "$SIPKB_BUILD_DIR/sanitizer-env.sh"
fi
export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
errors=$(mktemp) output=$(mktemp)
trap 'rm -f "$errors" "$output"' EXIT
failures=0
for capture in "$@"; do
    name=$(basename "$capture")
    base=${capture%.*}
    # NAME.args: more tshark options (a team KB file, ...); @HERE@ is the regressions folder.
    args=()
    if [[ -f $base.args ]]; then
        read -r -a args < <(sed "s|@HERE@|$(dirname "$capture")|g" "$base.args")
    fi
    for pass in "" "-2"; do
        status=0
        "$e2e/tshark-sipkb" -r "$capture" $pass -O sipkb "${args[@]}" > "$output" 2> "$errors" ||
            status=$?
        if ((status != 0)) || [[ -s $errors ]]; then
            echo "FAIL $name (tshark $pass -O sipkb): exit $status: $(head -c 2000 "$errors")" >&2
            failures=$((failures + 1))
        fi
        if grep -qE '\(null\)|\[ Null \]' "$output"; then
            echo "FAIL $name (tshark $pass -O sipkb): NULL text in sipkb's items:" >&2
            grep -E '\(null\)|\[ Null \]' "$output" | sort | uniq -c | head -10 >&2
            failures=$((failures + 1))
        fi
    done
    if [[ -f $base.findings.tsv ]]; then
        "$e2e/check-findings.sh" "$capture" "$base.findings.tsv" || failures=$((failures + 1))
    fi
    if [[ -f $base.findings-2pass.tsv ]]; then
        "$e2e/check-findings.sh" "$capture" "$base.findings-2pass.tsv" -2 ||
            failures=$((failures + 1))
    fi
    echo "done $name"
done
((failures == 0))
