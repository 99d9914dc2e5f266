#!/usr/bin/env bash
# Capture fuzzing: tshark with the (sanitized) sipkb plugin over mutated copies of every capture.
#
# Usage: fuzz-captures.sh [--build DIR] [--budget SECONDS] [--seed N] [--out DIR] [--jobs N]
#                         [--batch N]
#   --build   build folder (default: build-asan if present, else build); a -DSIPKB_SANITIZE=ON
#             build runs tshark under ASan+UBSan (its sanitizer-env.sh is applied)
#   --budget  seconds of mutation rounds after round 0 (default 180; 0: round 0 only)
#   --seed    seed of the hostile captures and mutations (default: random, printed)
#   --out     where findings and the summary go (default: BUILD/fuzz-captures)
#   --jobs    tshark runs in parallel (default: nproc); --batch captures per tshark run (12)
#
# Inputs: captures/*.pcapng, ../shared/captures/public/*, and the hostile captures of
# `sipgen hostile` (huge headers, missing CSeq/Call-ID/From, odd status codes, duplicated and
# empty auth parameters, thousands of Via headers, garbage bodies, hundreds of SDP media lines,
# ...). Round 0 runs them as they are; every later round runs fresh hostile captures and one
# mutated copy of every input: random byte errors (editcap -E, several rates, in the whole frame
# or past the Ethernet/IP/UDP headers) or truncation (editcap -s). Copies are concatenated
# (mergecap -a) into batches; each batch is read by tshark, one pass and two passes, with full
# trees whose sipkb items are printed (-O sipkb), under one of three sets of sipkb preferences
# (none; Info column and override rows; generic profile, a team KB file and a catch-all
# override row).
#
# A run fails on: a crash or abort (a dissector bug aborts: WIRESHARK_ABORT_ON_DISSECTOR_BUG),
# a sanitizer report, a timeout, any output on stderr, or a NULL text in sipkb's items
# ("(null)": a NULL handed to a printf format; "[ Null ]": a NULL string value). A failing
# batch is re-run capture by capture, and each failing capture once more without sipkb:
# failures that remain without sipkb are Wireshark's (kept under OUT/findings/wireshark-*,
# reported, not fatal); the others are sipkb's (kept under OUT/findings/sipkb-*: the capture,
# the command and its stderr) and make the exit status 1. OUT/summary.txt has the figures.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

# ---- one batch (run by the workers) ----------------------------------------------------------

# sipkb preferences of a batch, by its number: none; the Info column and override rows (one
# with a regular expression on the reason phrase); the generic profile, a team KB file and a
# catch-all row.
prefs_of() { # batch number
    case $(($1 % 3)) in
    1) PREFS=(-o sipkb.info_column:TRUE -o 'uat:sipkb_overrides:"4xx","pass|cred|^$|.*","","Overridden meaning","Overridden cause","Overridden advice"'
        -o 'uat:sipkb_overrides:"401","","REGISTER","","","Check the phone"') ;;
    2) PREFS=(-o sipkb.provider_profile:generic -o "sipkb.team_kb_file:$OUT/work/team.kb"
        -o 'uat:sipkb_overrides:"100-699","","INVITE","m","c","a"') ;;
    *) PREFS=() ;;
    esac
}

# Runs tshark on one capture in one mode; prints "<status> <kind>" (kind: ok, crash, ...).
# The batch's preferences (PREFS, SIPKB_FUZZ_TSHARK_ARGS) apply to runs with sipkb only.
run_tshark() { # without-sipkb(0/1) capture mode errfile
    local flag=() extra=("${PREFS[@]}") status=0
    read -r -a user_args <<< "${SIPKB_FUZZ_TSHARK_ARGS:-}"
    extra+=("${user_args[@]}")
    (($1)) && flag=(--without-sipkb) extra=()
    timeout -k 10 "${SIPKB_FUZZ_RUN_TIMEOUT:-600}" "$here/../e2e/tshark-sipkb" "${flag[@]}" \
        -r "$2" $3 -O sipkb "${extra[@]}" > "$4.out" 2> "$4" || status=$?
    local kind=ok null_text
    null_text=$(grep -E '\(null\)|\[ Null \]' "$4.out" | sort | uniq -c | head -20 || true)
    rm -f "$4.out"
    if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer' "$4"; then
        kind=sanitizer
    elif grep -qiE 'dissector bug|DISSECTOR_ASSERT|assertion .*failed|ws_assert' "$4"; then
        kind=dissector-bug
    elif ((status == 124 || status == 137)); then
        kind=timeout
    elif ((status >= 128)); then
        kind=crash
    elif ((status != 0)); then
        kind=exit-$status
    elif [[ -s $4 ]]; then
        kind=stderr
    elif [[ -n $null_text ]]; then
        kind=null-text
        printf 'NULL text in sipkb items (tshark -O sipkb):\n%s\n' "$null_text" > "$4"
    fi
    echo "$status $kind"
}

# Keeps a failing input with what reproduces it.
keep_finding() { # owner kind capture mode errfile
    local dir
    dir=$(mktemp -d "$OUT/findings/$1-$2-XXXXXX")
    cp "$3" "$dir/"
    cp "$5" "$dir/stderr.txt"
    {
        [[ -n ${SIPKB_SANITIZER_BIN:-} ]] && echo ". $SIPKB_BUILD/sanitizer-env.sh"
        printf 'SIPKB_PLUGIN_DIR=%q %q -r %q %s -O sipkb' "$SIPKB_PLUGIN_DIR" \
            "$here/../e2e/tshark-sipkb" "$dir/$(basename "$3")" "$4"
        printf ' %q' "${PREFS[@]}" ${SIPKB_FUZZ_TSHARK_ARGS:-}
        printf ' > /dev/null\n'
    } > "$dir/command.txt"
    echo "finding $1 $2 $dir"
}

# Whose failure is it? Re-runs without sipkb: a failure that remains is Wireshark's.
triage() { # capture mode kind errfile
    local without_err="$4.without" result
    result=$(run_tshark 1 "$1" "$2" "$without_err")
    if [[ ${result#* } != ok ]]; then
        keep_finding wireshark "$3" "$1" "$2" "$4"
    else
        keep_finding sipkb "$3" "$1" "$2" "$4"
    fi
}

worker() { # batch-list-file: first line the merged batch, then its member captures
    local list=$1 batch members=() err="$1.err" frames result mode
    mapfile -t members < "$list"
    batch=${members[0]}
    members=("${members[@]:1}")
    local number=${batch##*-b}
    prefs_of "${number%.pcapng}"
    frames=$(capinfos -c -M -T -r "$batch" 2> /dev/null | awk -F'\t' 'END {print $2 + 0}')
    {
        echo "inputs ${#members[@]}"
        echo "frames $frames"
        for mode in "" "-2"; do
            result=$(run_tshark 0 "$batch" "$mode" "$err")
            echo "runs 1"
            [[ ${result#* } == ok ]] && continue
            # Which capture of the batch? Each alone, in this mode.
            local found=0 member merr
            for member in "${members[@]}"; do
                merr="$member.err${mode}"
                result=$(run_tshark 0 "$member" "$mode" "$merr")
                echo "runs 1"
                [[ ${result#* } == ok ]] && continue
                found=1
                triage "$member" "$mode" "${result#* }" "$merr"
            done
            ((found)) || triage "$batch" "$mode" "${result#* }" "$err"
        done
    } > "$list.result"
    rm -f "$batch" "$err"*
}

PREFS=()
if [[ ${1:-} == --worker ]]; then
    OUT=$2 SIPKB_PLUGIN_DIR=$3 SIPKB_BUILD=${SIPKB_PLUGIN_DIR%/plugins}
    export OUT SIPKB_PLUGIN_DIR
    worker "$4"
    exit 0
fi

# ---- the campaign ----------------------------------------------------------------------------

build=
budget=180
seed=
OUT=
jobs=$(nproc)
batch_size=12
while (($#)); do
    case $1 in
    --build) build=$2; shift 2 ;;
    --budget) budget=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --batch) batch_size=$2; shift 2 ;;
    *) echo "usage: fuzz-captures.sh [--build DIR] [--budget S] [--seed N] [--out DIR] [--jobs N] [--batch N]" >&2
       exit 2 ;;
    esac
done
if [[ -z $build ]]; then
    build=$root/build-asan
    [[ -d $build ]] || build=$root/build
fi
build=$(cd "$build" && pwd)
sipgen=$build/tests/robustness/sipgen
[[ -x $sipgen ]] || { echo "fuzz-captures: no $sipgen: build first (cmake --build $build)" >&2; exit 2; }
[[ -n $(find "$build/plugins" -name sipkb.so 2> /dev/null) ]] ||
    { echo "fuzz-captures: no sipkb.so under $build/plugins" >&2; exit 2; }
if [[ -f $build/sanitizer-env.sh ]]; then
    # shellcheck disable=SC1091
    source "$build/sanitizer-env.sh"
    sanitized="ASan+UBSan (tshark runs as $(command -v tshark))"
    export SIPKB_SANITIZER_BIN=$build/sanitizer-bin
else
    sanitized="no sanitizer (not a -DSIPKB_SANITIZE=ON build): crashes and stderr only"
    export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1
fi
: "${seed:=$((RANDOM * 32768 + RANDOM))}"
OUT=${OUT:-$build/fuzz-captures}
export SIPKB_PLUGIN_DIR=$build/plugins
rm -rf "$OUT/work" "$OUT/findings" "$OUT/summary.txt"
mkdir -p "$OUT/work/seeds" "$OUT/findings"
chmod 755 "$OUT" "$OUT/work"
work=$OUT/work

# The team KB file of the third set of preferences: complete entries only.
cat > "$work/team.kb" << 'EOF'
[sipkb]
format=1
kb_version=fuzz-team-1
name=Team KB of the capture fuzzer
[class 4xx]
cause.1=Team: a request failure; the SBC log says which rule refused it.
[response 403]
meaning=Team: the SBC refuses unknown trunks and wrong passwords alike.
cause.1=Team: the trunk is not provisioned on the SBC.
advice.1=Team: ask the SBC team for the refusing rule.
[response 488]
cause.1=Team: the SBC transcodes G.711 and G.729 only.
EOF
chmod 644 "$work/team.kb"

seeds=("$root"/captures/*.pcapng)
public=$root/../shared/captures/public
for f in "$public"/*.pcap "$public"/*.pcapng; do
    [[ -f $f ]] && seeds+=("$f")
done
"$sipgen" hostile "$seed" "$work/seeds"
seeds+=("$work/seeds"/*.pcap)
echo "fuzz-captures: seed $seed, ${#seeds[@]} seed captures, budget ${budget}s, $jobs jobs, $sanitized"

# Mutation of round r for input i: byte errors at several rates (whole frame, or past the
# 42 bytes of Ethernet/IPv4/UDP headers), or truncation at a random snap length.
rates=(0.001 0.005 0.02 0.08 0.3)
mutate() { # round index input output
    local r=$1 i=$2 pick=$((($1 * 7 + $2) % 8)) s=$((seed + $1 * 1000 + $2))
    if ((pick < 5)); then
        local offset=0
        (((r + i) % 2)) && offset=42
        editcap -E "${rates[pick]}" -o "$offset" --seed "$s" "$3" "$4" > /dev/null 2>&1
    elif ((pick < 7)); then
        editcap -s $((20 + s % 580)) "$3" "$4" > /dev/null 2>&1
    else
        local cut="$4.cut.pcapng"
        editcap -s $((60 + s % 1400)) "$3" "$cut" > /dev/null 2>&1
        editcap -E 0.01 -o 42 --seed "$s" "$cut" "$4" > /dev/null 2>&1
        rm -f "$cut"
    fi
}

# Groups inputs into merged batches; prints the list files.
make_batches() { # round inputs...
    local r=$1 n=0 list=
    shift
    local shuffled
    mapfile -t shuffled < <(printf '%s\n' "$@" | shuf --random-source=<(yes "$seed$r"))
    for ((k = 0; k < ${#shuffled[@]}; k += batch_size)); do
        n=$((n + 1))
        list="$work/r$r-b$n.list"
        local members=("${shuffled[@]:k:batch_size}")
        mergecap -a -F pcapng -w "$work/r$r-b$n.pcapng" "${members[@]}" 2> /dev/null
        chmod 644 "$work/r$r-b$n.pcapng" "${members[@]}"
        printf '%s\n' "$work/r$r-b$n.pcapng" "${members[@]}" > "$list"
        echo "$list"
    done
}

start=$SECONDS
round=0
totals_inputs=0 totals_frames=0 totals_runs=0
while :; do
    rdir=$work/r$round
    mkdir -p "$rdir"
    inputs=()
    if ((round == 0)); then
        for f in "${seeds[@]}"; do
            cp "$f" "$rdir/"
            inputs+=("$rdir/$(basename "$f")")
        done
    else
        "$sipgen" hostile $((seed + round)) "$rdir"
        inputs+=("$rdir"/*.pcap)
        i=0
        for f in "${seeds[@]}"; do
            i=$((i + 1))
            out="$rdir/m$i-$(basename "${f%.*}").pcapng"
            mutate "$round" "$i" "$f" "$out" && inputs+=("$out")
        done
    fi
    make_batches "$round" "${inputs[@]}" |
        xargs -P "$jobs" -I{} bash "$0" --worker "$OUT" "$SIPKB_PLUGIN_DIR" {}
    for result in "$work"/r$round-b*.list.result; do
        while read -r key a b c; do
            case $key in
            inputs) totals_inputs=$((totals_inputs + a)) ;;
            frames) totals_frames=$((totals_frames + a)) ;;
            runs) totals_runs=$((totals_runs + a)) ;;
            finding) echo "  FINDING ($a, $b): $c" ;;
            esac
        done < "$result"
    done
    rm -rf "$rdir" "$work"/r$round-b*
    elapsed=$((SECONDS - start))
    echo "round $round done: $totals_inputs captures, $totals_frames frames, $totals_runs tshark runs, ${elapsed}s"
    round=$((round + 1))
    ((elapsed < budget)) || break
done

count() { find "$OUT/findings" -mindepth 1 -maxdepth 1 -name "$1" | wc -l; }
sipkb_findings=$(count 'sipkb-*')
sanitizer=$(count 'sipkb-sanitizer-*')
crashes=$(($(count 'sipkb-crash-*') + $(count 'sipkb-dissector-bug-*') + $(count 'sipkb-timeout-*')))
stderr_only=$(($(count 'sipkb-stderr-*') + $(count 'sipkb-exit-*')))
null_text=$(count 'sipkb-null-text-*')
wireshark=$(count 'wireshark-*')
cat > "$OUT/summary.txt" << EOF
seed: $seed
sanitizers: $sanitized
rounds: $round
mutated and hostile captures tried: $totals_inputs
frames tried: $totals_frames
frame dissections (one pass and two passes, full trees): $((totals_frames * 3))
tshark runs: $totals_runs
seconds: $((SECONDS - start))
sipkb crashes, aborts and timeouts: $crashes
sipkb sanitizer reports: $sanitizer
sipkb error output: $stderr_only
sipkb NULL texts ("(null)", "[ Null ]"): $null_text
Wireshark-only failures (also without sipkb): $wireshark
EOF
cat "$OUT/summary.txt"
if ((sipkb_findings > 0)); then
    echo "fuzz-captures: FAILED: inputs kept in $OUT/findings:" >&2
    ls "$OUT/findings" >&2
    exit 1
fi
rm -rf "$work"
