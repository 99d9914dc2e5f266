#!/usr/bin/env bash
# Round trip of sipkb-annotate on one capture: annotate it, read the output back with plain
# tshark (no sipkb loaded) and compare
#   - the packet comments with what sipkb reports on the original in two passes: the frames
#     with sipkb items are exactly the frames with "sipkb: " comments, and every summary,
#     flag (by name), linked frame ("frame N") and finding string shows in that frame's
#     comments (fields are taken from `tshark -G fields`, so new sipkb fields are checked too);
#   - packet data, lengths and time stamps, byte for byte (both files as nanosecond pcap);
#   - the capture comment, which must name the sipkb and KB versions.
#
# Usage: check-annotate.sh SIPKB_ANNOTATE CAPTURE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
annotate=$1 capture=$2
run=$here/run-as-user
sep=$'\x1f'

work=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-check-annotate.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
    echo "FAIL $(basename "$capture"): $*" >&2
    exit 1
}

# The explanations sipkb-annotate leaves out on purpose (tools/annotate/annotate-comments.c).
explanations=" sipkb.verdict sipkb.code sipkb.class sipkb.explanation sipkb.cause sipkb.advice
    sipkb.provider_note sipkb.reference sipkb.source sipkb.sdp.line sipkb.sdp.payload sipkb.sdp.nat.advice
    sipkb.via.value sipkb.via.detail "

out=$work/annotated.pcapng
"$run" "$annotate" -q -r "$capture" -w "$out" 2> "$work/stderr" ||
    fail "sipkb-annotate failed: $(cat "$work/stderr")"
[[ -s $work/stderr ]] && fail "sipkb-annotate printed: $(cat "$work/stderr")"
[[ -f $out ]] || fail "no output written"

# The re-read must really be without sipkb.
if "$run" --without-sipkb tshark -r "$out" -Y sipkb > /dev/null 2>&1; then
    fail "tshark --without-sipkb still knows the sipkb protocol"
fi
"$run" --without-sipkb tshark -r "$out" -T fields -e frame.number -e frame.comment \
    -E occurrence=a -E aggregator="$sep" > "$work/comments.tsv"

# What sipkb reports on the original, with the fields' types and names.
"$run" tshark -G fields | awk -F'\t' -v skip="$explanations" '
    BEGIN { gsub(/[ \n]+/, " ", skip) }
    $1 == "F" && $5 == "sipkb" && index(skip, " " $3 " ") == 0 &&
    ($4 == "FT_BOOLEAN" || $4 == "FT_FRAMENUM" || $4 == "FT_STRING") {print $3 "\t" $4 "\t" $2}
' > "$work/fields.tsv"
[[ -s $work/fields.tsv ]] || fail "tshark -G fields lists no sipkb fields"
field_args=()
while IFS=$'\t' read -r abbrev _ _; do field_args+=(-e "$abbrev"); done < "$work/fields.tsv"
"$run" tshark -2 -r "$capture" -Y sipkb -T fields -e frame.number "${field_args[@]}" \
    -E occurrence=a -E aggregator="$sep" > "$work/findings.tsv"

awk -F'\t' -v sep="$sep" '
    FILENAME == ARGV[1] { abbrev[NR + 1] = $1; type[NR + 1] = $2; name[NR + 1] = $3; next }
    FILENAME == ARGV[2] {
        n = split($2, c, sep)
        text = ""
        for (i = 1; i <= n; i++) {
            if (substr(c[i], 1, 7) == "sipkb: ") { text = text "\n" c[i]; annotated[$1] = 1 }
        }
        comments[$1] = text
        next
    }
    {
        frame = $1
        flagged[frame] = 1
        if (!(frame in annotated)) { print "frame " frame ": sipkb items but no sipkb comment"; bad++ }
        for (col = 2; col <= NF; col++) {
            if ($col == "") continue
            n = split($col, v, sep)
            for (i = 1; i <= n; i++) {
                if (type[col] == "FT_FRAMENUM") want = "frame " v[i]
                else if (type[col] == "FT_BOOLEAN") { if (v[i] != "1" && v[i] != "True") continue; want = name[col] }
                else want = v[i]
                if (index(comments[frame], want) == 0) {
                    print "frame " frame ": " abbrev[col] " \"" want "\" missing from the comments"
                    bad++
                }
            }
        }
    }
    END {
        for (frame in annotated)
            if (!(frame in flagged)) { print "frame " frame ": sipkb comment but no sipkb items"; bad++ }
        exit bad > 0
    }
' "$work/fields.tsv" "$work/comments.tsv" "$work/findings.tsv" > "$work/mismatches" ||
    fail "comments differ from the findings:"$'\n'"$(cat "$work/mismatches")"

# Packets, lengths and time stamps: both files as nanosecond pcap must be the same bytes.
editcap -F nsecpcap "$capture" "$work/original.pcap"
editcap -F nsecpcap "$out" "$work/annotated.pcap"
cmp -s "$work/original.pcap" "$work/annotated.pcap" ||
    fail "packet data or time stamps differ from the original"

# The capture comment names the versions; the original's capture comments are kept.
capinfos -k "$out" | grep -q "Capture comment: *Annotated by sipkb [^ ]* (KB: .*) with sipkb-annotate" ||
    fail "no capture comment naming the sipkb and KB versions"
capinfos -k "$capture" | sed -n 's/^Capture comment: *//p' | while IFS= read -r comment; do
    capinfos -k "$out" | grep -qF -- "$comment" || fail "capture comment lost: $comment"
done

frames=$(wc -l < "$work/findings.tsv")
echo "$(basename "$capture"): $frames annotated frames match sipkb's findings; packets and time stamps unchanged"
