#!/usr/bin/env bash
# Checks sipkb's findings on third-party field captures against the findings a reviewer
# expects, frame by frame, in one pass and in two passes (-2).
#
# Usage: check-field.sh EXPECTED_DIR CAPTURE_DIR
# Every capture CAPTURE_DIR/NAME that has EXPECTED_DIR/NAME.expected is read twice. When
# CAPTURE_DIR does not exist the check says "skipped:" and succeeds.
#
# NAME.expected: one finding per line, tab-separated; '#' starts a comment line.
#   FIELD[@PASS] <TAB> FRAMES <TAB> REASON
#   top-cause:CODE[@PASS] <TAB> FRAMES <TAB> PREFIX <TAB> REASON
# FIELD is a sipkb flag or link field (the "sipkb." may be left out). The frames of a FIELD
# line are exactly the frames that carry it: no frame missing, no frame extra. Every finding
# of Note, Warn or Error severity in plugin/kb/findings.kb and every link in LINK_FIELDS below
# is checked: one that no line names must appear on no frame ("FIELD <TAB> none" says so).
# A top-cause line says what the first sipkb.cause of the responses with that status code in
# FRAMES starts with (PREFIX, compared exactly); PREFIX "-" says the frame must carry no sipkb
# response explanation at all (an ICMP error quoting a response, for instance). Every response
# >= 300 outside an ICMP error, and every frame sipkb explains as one, needs a top-cause line.
# FRAMES: "none", or a sorted, comma-separated list of items:
#   N        frame N
#   A-B      frames A to B, every one of them
#   N=M      frame N, whose link field points to frame M (link fields only)
#   code:C   every response with status code C that is not inside an ICMP error
# PASS: @1 for the one-pass run only, @2 for the two-pass run only; without it, both. Only
# findings that need the whole capture may differ between the passes (WHOLE_CAPTURE below).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
expected_dir=${1:?usage: check-field.sh EXPECTED_DIR CAPTURE_DIR}
capture_dir=${2:?usage: check-field.sh EXPECTED_DIR CAPTURE_DIR}
findings_kb=${SIPKB_FINDINGS_KB:-$here/../../plugin/kb/findings.kb}

LINK_FIELDS="transaction.retransmission_of transaction.final_first auth.answered_in response.relayed_from
transport.quoted_frame transaction.proof_frame transaction.response_missing.frame
transaction.unacked_next via.no_branch.first_frame dns.failure_frame"
WHOLE_CAPTURE="auth.answered_in auth.unanswered transaction.no_final_response
transaction.capture_ended transaction.final_missing transaction.proof_frame
transaction.response_missing transaction.response_missing.frame transaction.final_unacked
transaction.unacked_next transaction.no_ack_seen"

if [[ ! -d $capture_dir ]]; then
    echo "skipped: no field captures in $capture_dir"
    exit 0
fi
[[ -d $expected_dir ]] || { echo "FAIL no expected findings folder $expected_dir" >&2; exit 1; }
[[ -f $findings_kb ]] || { echo "FAIL no findings table $findings_kb" >&2; exit 1; }

# The checked fields: findings with a Note, Warn or Error expert item, then the links.
checked=$(awk '/^\[finding / { name = $2; sub(/\]$/, "", name) }
    /^severity=(note|warn|error)$/ { print name }' "$findings_kb")
checked=$(printf '%s\n%s\n' "$checked" "$LINK_FIELDS" | tr -s ' \n' '\n' | awk 'NF && !seen[$0]++')
registered=$("$here/tshark-sipkb" -G fields | awk -F'\t' '$1 == "F" && $3 ~ /^sipkb\./ { print $3 }')
for field in $checked; do
    grep -qxF "sipkb.$field" <<< "$registered" ||
        { echo "FAIL sipkb.$field (findings.kb) is not registered by the plugin" >&2; exit 1; }
done

# shellcheck disable=SC2016 # an awk program: nothing in it is for the shell to expand
compare='
# Compares the runs (files 1 and 2: one pass, two passes) with the expected findings (file 3).
function fail(msg) { print "FAIL " msg; failed++ }
function ok(msg) { print "ok   " msg }
# The first n items of a comma-separated list.
function shortlist(list, n,    a, k, s, i) {
    k = split(list, a, ",")
    if (k <= n) return list
    s = a[1]
    for (i = 2; i <= n; i++) s = s "," a[i]
    return s ",... (" k " frames)"
}
# The keys of set (frame numbers, maybe followed by "=target"), sorted, as a list.
function setlist(set,    keys, n, k, i, j, t, s) {
    n = 0
    for (k in set) keys[++n] = k
    for (i = 2; i <= n; i++) {
        t = keys[i]
        for (j = i - 1; j >= 1 && keys[j] + 0 > t + 0; j--) keys[j + 1] = keys[j]
        keys[j + 1] = t
    }
    s = ""
    for (i = 1; i <= n; i++) s = s (i > 1 ? "," : "") keys[i]
    return s == "" ? "none" : s
}
# Expands FRAMES into set (frame -> link target or ""), for pass p; 0 on a bad list.
function expand(frames, set, p,    items, n, i, it, a, f, prev, k) {
    if (frames == "none") return 1
    n = split(frames, items, ",")
    prev = 0
    for (i = 1; i <= n; i++) {
        it = items[i]
        if (it ~ /^code:[0-9]+$/) {
            sub(/^code:/, "", it)
            for (k = 1; k <= nframes[p]; k++) {
                f = frame[p, k]
                if (((p, f) in status) && status[p, f] == it && !icmp[p, f]) set[f] = ""
            }
            continue
        }
        if (it ~ /^[0-9]+-[0-9]+$/) {
            split(it, a, "-")
            if (a[1] + 0 <= prev || a[2] + 0 < a[1] + 0) return 0
            for (f = a[1] + 0; f <= a[2] + 0; f++) set[f] = ""
            prev = a[2] + 0
        } else if (it ~ /^[0-9]+(=[0-9]+)?$/) {
            k = split(it, a, "=")
            if (a[1] + 0 <= prev) return 0
            set[a[1] + 0] = (k == 2) ? a[2] : ""
            prev = a[1] + 0
        } else
            return 0
    }
    return 1
}
BEGIN {
    nchecked = split(checked, cf, "\n")
    for (i = 1; i <= nchecked; i++) is_checked[cf[i]] = 1
    n = split(whole, w, /[ \n]+/)
    for (i = 1; i <= n; i++) if (w[i] != "") is_whole[w[i]] = 1
    n = split(links, w, /[ \n]+/)
    for (i = 1; i <= n; i++) if (w[i] != "") is_link[w[i]] = 1
    n = split(registered, w, "\n")
    for (i = 1; i <= n; i++) is_registered[w[i]] = 1
}
FNR == 1 { file++ }
# Files 1 and 2, one line per frame: number, status codes, protocols, sipkb.code, causes, and
# the checked fields in the order of "checked".
file <= 2 {
    p = file
    f = $1 + 0
    frame[p, ++nframes[p]] = f
    if ($2 != "") { split($2, a, "\037"); status[p, f] = a[1] }
    icmp[p, f] = ($3 ~ /(^|:)icmp(v6)?(:|$)/)
    if ($4 != "") { split($4, a, "\037"); sipkb_code[p, f] = a[1] }
    if ($5 != "") { split($5, a, "\037"); first_cause[p, f] = a[1] }
    for (i = 1; i <= nchecked; i++) {
        v = $(5 + i)
        if (v == "" || v == "0" || v == "False") continue
        gsub(/\037/, "+", v)
        if (v == "True") v = "1"
        actual[p, cf[i], f] = v
    }
    next
}
/^#/ || /^[ \t]*$/ { next }
{
    line = FNR
    key = $1
    frames = $2
    passes = "12"
    if (key ~ /@[12]$/) {
        passes = substr(key, length(key))
        key = substr(key, 1, length(key) - 2)
    }
    if (key ~ /^top-cause:/) {
        code = key
        sub(/^top-cause:/, "", code)
        prefix = $3
        if (code !~ /^[3-6][0-9][0-9]$/ || frames == "" || prefix == "" || $4 == "") {
            fail(name " line " line ": a top-cause line needs CODE >= 300, FRAMES, PREFIX and REASON")
            next
        }
        if (passes != "12") {
            fail(name " line " line ": top causes may not differ between the passes")
            next
        }
        for (p = 1; p <= 2; p++) {
            split("", set)
            if (!expand(frames, set, p)) {
                fail(name " line " line ": bad or unsorted frame list")
                next
            }
            split("", bad)
            example = ""
            n = 0
            for (f in set) {
                n++
                if ((p, f) in covered) {
                    bad[f] = 1
                    why[f] = "on two top-cause lines"
                    continue
                }
                covered[p, f] = 1
                why[f] = ""
                if (prefix == "-") {
                    if (((p, f) in sipkb_code) || ((p, f) in first_cause))
                        why[f] = "explained as a " sipkb_code[p, f] ": \"" first_cause[p, f] "\""
                } else {
                    st = ((p, f) in status) && !icmp[p, f] ? status[p, f] : sipkb_code[p, f]
                    if (st != code)
                        why[f] = "status " (st == "" ? "none" : st)
                    else {
                        cause = ((p, f) in first_cause) ? first_cause[p, f] : ""
                        if (substr(cause, 1, length(prefix)) != prefix) why[f] = "\"" cause "\""
                    }
                }
                if (why[f] != "") bad[f] = 1
            }
            label = sprintf("%s pass %d top-cause:%s on %d frames: %s", name, p, code, n,
                prefix == "-" ? "no explanation" : "\"" substr(prefix, 1, 60) "\"")
            list = setlist(bad)
            if (list == "none") ok(label)
            else {
                split(list, a, ",")
                fail(label "; differs on " shortlist(list, 12) "; frame " a[1] ": " substr(why[a[1]], 1, 160))
            }
        }
        next
    }
    field = key
    sub(/^sipkb\./, "", field)
    if (!(("sipkb." field) in is_registered)) { fail(name " line " line ": sipkb." field " is no sipkb field"); next }
    if (!(field in is_checked)) {
        fail(name " line " line ": sipkb." field " is not a checked finding (Note, Warn, Error or link)")
        next
    }
    if (passes != "12" && !(field in is_whole)) {
        fail(name " line " line ": sipkb." field " does not need the whole capture: write one line for both passes")
        next
    }
    for (p = 1; p <= 2; p++) {
        if (index(passes, p) == 0) continue
        split("", set)
        if (!expand(frames, set, p)) {
            fail(name " line " line ": bad or unsorted frame list")
            next
        }
        for (f in set) {
            if ((p, field, f) in wanted) fail(name " line " line ": frame " f " listed twice for " field)
            wanted[p, field, f] = set[f]
        }
    }
    listed[field] = 1
}
END {
    # Wanted frames per pass and field, for the comparison below.
    for (k in wanted) {
        split(k, a, SUBSEP)
        want_list[a[1], a[2]] = want_list[a[1], a[2]] " " a[3]
    }
    for (p = 1; p <= 2; p++) {
        for (i = 1; i <= nchecked; i++) {
            field = cf[i]
            split("", missing); split("", extra)
            wrong = ""
            nwant = split(want_list[p, field], wl, " ")
            for (j = 1; j <= nwant; j++) {
                f = wl[j]
                if (!((p, field, f) in actual)) missing[f] = 1
                else if (wanted[p, field, f] != "" && wanted[p, field, f] != actual[p, field, f])
                    wrong = wrong " " f "=" actual[p, field, f] " (want " f "=" wanted[p, field, f] ")"
            }
            nextra = 0
            for (j = 1; j <= nframes[p]; j++) {
                f = frame[p, j]
                if (((p, field, f) in actual) && !((p, field, f) in wanted)) {
                    extra[f (field in is_link ? "=" actual[p, field, f] : "")] = 1
                    nextra++
                }
            }
            if (!(field in listed)) {
                if (nextra) fail(sprintf("%s pass %d sipkb.%s: on no line of the expected file, but set on %s",
                    name, p, field, shortlist(setlist(extra), 12)))
                continue
            }
            label = sprintf("%s pass %d sipkb.%s on %d frames", name, p, field, nwant)
            msg = ""
            if (setlist(missing) != "none") msg = msg "; missing " shortlist(setlist(missing), 12)
            if (nextra) msg = msg "; extra " shortlist(setlist(extra), 12)
            if (wrong != "") msg = msg "; wrong links" substr(wrong, 1, 300)
            if (msg == "") ok(label)
            else fail(label msg)
        }
        # Every response >= 300, and every frame sipkb explains as one, is on a top-cause line.
        split("", uncovered)
        for (j = 1; j <= nframes[p]; j++) {
            f = frame[p, j]
            live = ((p, f) in status) && !icmp[p, f] && status[p, f] + 0 >= 300
            explained = ((p, f) in sipkb_code) && sipkb_code[p, f] + 0 >= 300
            if ((live || explained) && !((p, f) in covered)) uncovered[f] = 1
        }
        if (setlist(uncovered) != "none")
            fail(sprintf("%s pass %d: responses >= 300 on no top-cause line: %s", name, p,
                shortlist(setlist(uncovered), 12)))
        else
            ok(sprintf("%s pass %d: every response >= 300 is on a top-cause line", name, p))
    }
    exit failed > 0
}
'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0 captures=0
field_args=()
for field in $checked; do field_args+=(-e "sipkb.$field"); done

for capture in "$capture_dir"/*; do
    name=$(basename "$capture")
    expected="$expected_dir/$name.expected"
    [[ -f $capture && -f $expected ]] || continue
    captures=$((captures + 1))
    rm -f "$work"/*
    ran=1
    for pass in 1 2; do
        opts=()
        ((pass == 2)) && opts=(-2)
        # One line per frame: number, status codes, protocols, sipkb.code, causes, fields.
        if ! "$here/tshark-sipkb" -r "$capture" "${opts[@]}" -T fields -E separator=/t \
            -E occurrence=a -E aggregator=$'\x1f' -e frame.number -e sip.Status-Code \
            -e frame.protocols -e sipkb.code -e sipkb.cause "${field_args[@]}" \
            > "$work/$pass.tsv" 2> "$work/$pass.err" || [[ -s $work/$pass.err ]]; then
            echo "FAIL $name pass $pass: tshark failed: $(head -c 300 "$work/$pass.err")" >&2
            ran=0
        fi
    done
    if ((!ran)) || [[ ! -s $work/1.tsv || ! -s $work/2.tsv ]]; then
        echo "FAIL $name: no tshark output to compare" >&2
        failures=$((failures + 1))
        continue
    fi
    out=$(awk -F'\t' -v name="$name" -v checked="$checked" -v whole="$WHOLE_CAPTURE" \
        -v links="$LINK_FIELDS" -v registered="$registered" "$compare" \
        "$work/1.tsv" "$work/2.tsv" "$expected") || true
    # A known disagreement, listed with its reason in <capture>.pending (a line "finding<TAB>
    # reason"), is reported as PENDING: the expected file keeps the right finding.
    pending=$expected_dir/$name.pending
    failed=0
    while IFS= read -r line; do
        if [[ $line != FAIL* ]]; then
            [[ -n $line ]] && echo "$line"
        elif [[ -f $pending ]] && grep -v '^#' "$pending" | cut -f1 | grep -qxF -- \
            "$(awk '{ print $5 }' <<< "$line" | sed 's/:$//')"; then
            echo "PENDING ${line#FAIL }"
        else
            echo "$line" >&2
            failed=1
        fi
    done <<< "$out"
    ((failed == 0)) || failures=$((failures + 1))
done

if ((captures == 0)); then
    echo "FAIL no capture in $capture_dir has an expected-findings file in $expected_dir" >&2
    exit 1
fi
for expected in "$expected_dir"/*.expected; do
    [[ -e $expected ]] || continue
    [[ -f $capture_dir/$(basename "$expected" .expected) ]] ||
        echo "note: $(basename "$expected") has no capture in $capture_dir: not checked"
done
echo "$captures field captures checked, $failures with differences"
((failures == 0))
