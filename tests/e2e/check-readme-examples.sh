#!/usr/bin/env bash
# Runs every example of README.md and compares what it prints with what the README shows.
#
# Usage: check-readme-examples.sh README.md SIPKB_ANNOTATE BUILD_DIR
#   (SIPKB_PLUGIN_DIR set to BUILD_DIR/plugins, as for the other end-to-end tests)
#
# Examples. A line `<!-- example: NAME -->` marks the fenced block that follows it. In the
# block, a line `$ COMMAND` (continued by a trailing `\`) is a command, the lines up to the
# next command are what it prints (standard output and error). A line `...` (indentation
# aside) stands for any number of lines; every other line must match, trailing blanks and
# trailing empty lines aside. Each command must exit 0. Commands run in a scratch copy of the
# checkout (every top-level entry a symlink, `build` the build folder), through bash, with:
#   tshark          tests/e2e/tshark-sipkb: the fresh plugin only; a command line with the
#                   comment `# without sipkb` runs Wireshark's own plugins only
#   sipkb-annotate  the built SIPKB_ANNOTATE, through tests/e2e/run-as-user
#   tools/demo.sh   with SIPKB_DEMO_TSHARK=tests/e2e/tshark-sipkb
#   ctest           ctest on BUILD_DIR, listing (-N) only the tests of a default build from a
#                   fresh clone: without ../shared and without SIPKB_SANITIZE, SIPKB_MEMCHECK
#                   and SIPKB_FUZZ, whatever this build has
# A block with a `$ tshark` or `$ sipkb-annotate` line but no marker fails the check.
#
# Filters. A line `<!-- filters: NAME -->` marks the table that follows it: columns question,
# filter(s) (each in backquotes; several in one cell are alternatives), the capture (its name
# in captures/, after tshark options such as `-2`) and the frames they select ("frame 4",
# "frames 13, 15", "none"). Each filter must be accepted by tshark and select those frames.
#
# Outputs are compared on Wireshark 4.0 (the Debian 12 host) only; on other releases the
# commands must exit 0 and the filters select the same frames.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
readme=$(realpath "$1") annotate=$(realpath "$2") build=$(realpath "$3")
repo=$(cd "$(dirname "$readme")" && pwd)
: "${SIPKB_PLUGIN_DIR:?set SIPKB_PLUGIN_DIR to the plugins folder of the build}"
export SIPKB_PLUGIN_DIR

work=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-readme.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/repo" "$work/blocks"
for entry in "$repo"/* "$repo"/.[!.]*; do
    [[ -e $entry ]] && ln -s "$entry" "$work/repo/$(basename "$entry")"
done
rm -f "$work/repo/build"
ln -s "$build" "$work/repo/build"

ws_version=$(tshark --version 2> /dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
compare_output=1
if [[ $ws_version != 4.0 ]]; then
    compare_output=0
    echo "Wireshark $ws_version: commands must exit 0; outputs are compared on 4.0 only"
fi
# A build without the Flow Graph ladder (a release that installs no epan/sequence_analysis.h
# and is not 4.0, see README) has no `-z flow,sipkb`: its example commands are skipped there.
flow_ladder=1
if ! "$here/tshark-sipkb" -q -z flow,sipkb,standard \
    -r "$repo/captures/register-callerid-mismatch.pcapng" > /dev/null 2>&1; then
    flow_ladder=0
    echo "this build has no Flow Graph ladder: commands with -z flow,sipkb are skipped"
fi

failures=0 examples=0 filters=0
fail() {
    echo "FAIL $*" >&2
    failures=$((failures + 1))
}

# --- split README into marked blocks; find unmarked command blocks --------------------------
awk -v dir="$work/blocks" '
    function flush() { close(file) }
    /^<!-- example: [A-Za-z0-9_.-]+ -->$/ { name = $3; pending = 1; next }
    /^```/ {
        if (!in_block) {
            in_block = 1; has_cmd = 0; start = NR
            if (pending) { file = dir "/" sprintf("%04d", ++n) "-" name; printf "" > file }
            else file = ""
            pending = 0
            next
        }
        in_block = 0
        if (file == "" && has_cmd) print "unmarked " start > (dir "/unmarked")
        if (file != "") flush()
        next
    }
    in_block {
        if ($0 ~ /^\$ (tshark|sipkb-annotate)( |$)/) has_cmd = 1
        if (file != "") print > file
        next
    }
    NF && pending && $0 !~ /^<!--/ { print "marker " NR " is not followed by a block" > (dir "/unmarked"); pending = 0 }
' "$readme"
if [[ -f $work/blocks/unmarked ]]; then
    while read -r what line; do
        fail "README.md line $line: a block of tshark or sipkb-annotate commands without an" \
            "<!-- example: NAME --> marker ($what)"
    done < "$work/blocks/unmarked"
    rm "$work/blocks/unmarked"
fi

# The functions the commands run with (see the top of this file).
cat > "$work/prelude.sh" << EOF
set -o pipefail
tshark() { "$here/tshark-sipkb" "\$@"; }
tshark_plain() { "$here/tshark-sipkb" --without-sipkb "\$@"; }
sipkb-annotate() { "$here/run-as-user" "$annotate" "\$@"; }
export SIPKB_DEMO_TSHARK="$here/tshark-sipkb"
ctest() {
    command ctest "\$@" | awk '
        /^  Test +#[0-9]+: / {
            name = \$NF
            if (name == "e2e/public-captures" || name ~ /^fuzz\// ||
                name == "robustness/fuzz-captures" || name == "robustness/valgrind" ||
                name == "robustness/memory") next
            printf "  Test #%d: %s\n", ++n, name; next
        }
        /^Total Tests: / { print "Total Tests: " n; next }
        { print }'
}
EOF

# Matches expected lines (with "..." wildcards) against actual lines: exit 0 when they match,
# else prints the first expected line that could not be matched.
match_lines() { # expected-file actual-file
    awk '
        function trim(s) { sub(/[ \t\r]+$/, "", s); return s }
        FNR == NR { e[++m] = trim($0); wild[m] = (e[m] ~ /^[ \t]*\.\.\.$/); next }
        { a[++n] = trim($0) }
        END {
            while (m > 0 && e[m] == "") m--
            while (n > 0 && a[n] == "") n--
            # ok[i,j]: the first i expected lines match the first j actual lines.
            ok[0, 0] = 1
            for (j = 1; j <= n; j++) ok[0, j] = 0
            best = 0
            for (i = 1; i <= m; i++) {
                any = 0
                for (j = 0; j <= n; j++) {
                    if (wild[i]) v = ok[i - 1, j] || (j > 0 && ok[i, j - 1])
                    else v = j > 0 && ok[i - 1, j - 1] && e[i] == a[j]
                    ok[i, j] = v
                    if (v) any = 1
                }
                if (any) best = i
            }
            if (ok[m, n]) exit 0
            printf "first expected line not matched (%d): %s\n", best + 1, e[best + 1]
            exit 1
        }' "$1" "$2"
}

# --- run the examples ------------------------------------------------------------------------
run_block() { # block-file
    local block=$1 name cmd="" expected="$work/expected" n=0 line continuing=0
    name=$(basename "$block" | sed 's/^[0-9]*-//')
    local -a cmds=() outs=()
    : > "$work/cur"
    while IFS= read -r line || [[ -n $line ]]; do
        if ((continuing)); then
            cmd+=$'\n'"$line"
            [[ $line == *\\ ]] || continuing=0
            continue
        fi
        if [[ $line == '$ '* ]]; then
            if [[ -n $cmd ]]; then
                cmds+=("$cmd")
                outs+=("$(cat "$work/cur")")
                : > "$work/cur"
            fi
            cmd=${line#\$ }
            [[ $line == *\\ ]] && continuing=1
            continue
        fi
        [[ -z $cmd ]] && { fail "example $name: its first line is not a \$ command"; return; }
        printf '%s\n' "$line" >> "$work/cur"
    done < "$block"
    [[ -n $cmd ]] || { fail "example $name: no \$ command"; return; }
    cmds+=("$cmd")
    outs+=("$(cat "$work/cur")")

    local i status
    for i in "${!cmds[@]}"; do
        cmd=${cmds[i]}
        n=$((n + 1))
        examples=$((examples + 1))
        if ((!flow_ladder)) && [[ $cmd == *'-z flow,sipkb'* ]]; then
            echo "skip example $name ($n): no Flow Graph ladder in this build"
            continue
        fi
        if [[ $cmd == *'# without sipkb'* ]]; then
            cmd=$(sed -E 's/(^|[;|&] *)tshark /\1tshark_plain /' <<< "$cmd")
        fi
        status=0
        (cd "$work/repo" && bash -c ". '$work/prelude.sh'; $cmd") > "$work/actual" 2>&1 ||
            status=$?
        if ((status != 0)); then
            fail "example $name ($n): exit status $status: ${cmds[i]}"
            sed 's/^/  | /' "$work/actual" | head -20 >&2
            continue
        fi
        ((compare_output)) || { echo "ok   example $name ($n): exit 0"; continue; }
        printf '%s\n' "${outs[i]}" > "$expected"
        if msg=$(match_lines "$expected" "$work/actual"); then
            echo "ok   example $name ($n)"
        else
            fail "example $name ($n): ${cmds[i]}"
            echo "  $msg" >&2
            echo "  printed:" >&2
            sed 's/^/  | /' "$work/actual" | head -60 >&2
        fi
    done
}

for block in "$work"/blocks/*; do
    [[ -f $block ]] && run_block "$block"
done

# --- the filter tables -----------------------------------------------------------------------
frames_in_words() { # comma-separated frames -> "none" / "frame 4" / "frames 13, 15"
    case $1 in
    "") echo none ;;
    *,*) echo "frames ${1//,/, }" ;;
    *) echo "frame $1" ;;
    esac
}
awk '
    /^<!-- filters: [A-Za-z0-9_.-]+ -->$/ { table = 1; next }
    table && /^\|/ {
        rows++
        if (rows <= 2) next        # the header and its rule
        line = $0
        gsub(/\\\|/, "\x1e", line)  # an escaped | inside a cell
        split(line, cell, "|")
        for (i = 2; i <= 5; i++) { gsub(/\x1e/, "|", cell[i]); gsub(/^ +| +$/, "", cell[i]) }
        print cell[3] "\t" cell[4] "\t" cell[5]
        next
    }
    table && !/^\|/ && rows > 0 { table = 0; rows = 0 }
' "$readme" > "$work/filters"
while IFS=$'\t' read -r filter_cell capture_cell selects; do
    capture_cell=${capture_cell//\`/}
    read -r -a words <<< "$capture_cell"
    capture=${words[-1]}
    options=("${words[@]:0:${#words[@]}-1}")
    [[ -f $repo/captures/$capture.pcapng ]] || { fail "filter table: no capture captures/$capture.pcapng"; continue; }
    mapfile -t list < <(grep -o '`[^`]*`' <<< "$filter_cell" | sed 's/^`//; s/`$//')
    ((${#list[@]} > 0)) || { fail "filter table: no filter in '$filter_cell'"; continue; }
    for filter in "${list[@]}"; do
        filters=$((filters + 1))
        status=0
        actual=$("$here/tshark-sipkb" "${options[@]}" -r "$repo/captures/$capture.pcapng" \
            -Y "$filter" -T fields -e frame.number 2> "$work/stderr" | paste -sd, -) || status=$?
        if ((status != 0)) || [[ -s $work/stderr ]]; then
            fail "filter '$filter' on $capture_cell: exit status $status: $(head -3 "$work/stderr")"
            continue
        fi
        actual=$(frames_in_words "$actual")
        if [[ $actual != "$selects" ]]; then
            fail "filter '$filter' on $capture_cell: README says $selects, tshark selects $actual"
        else
            echo "ok   filter '$filter' on $capture_cell: $actual"
        fi
    done
done < "$work/filters"

((examples > 0)) || fail "no marked example in $readme"
((filters > 0)) || fail "no filter table in $readme"
echo "$examples commands, $filters filters checked; $failures failed"
((failures == 0))
