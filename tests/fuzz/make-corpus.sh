#!/usr/bin/env bash
# Seeds the libFuzzer corpora: dialogs for the analyzer, the real KB files, override rows and
# the responses of the real captures.
#
# Usage: make-corpus.sh OUT_DIR SEED_WRITER CAPTURE...
# Writes OUT_DIR/analyzer (the dialogs SEED_WRITER, the built fuzz-analyzer-seeds, encodes for
# fuzz-analyzer: a REGISTER challenged with 401 and retried, an INVITE challenged with 407, a
# CANCEL and its 487, offers and answers, ...), OUT_DIR/kb (the built-in KB files and test KB
# files, each behind the byte that picks its layer) and OUT_DIR/overrides (override rows, then
# the responses of the captures to match). Needs tshark.
set -euo pipefail
shopt -s nullglob
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: make-corpus.sh OUT_DIR SEED_WRITER CAPTURE...}
seed_writer=${2:?usage: make-corpus.sh OUT_DIR SEED_WRITER CAPTURE...}
shift 2
rm -rf "$out"
mkdir -p "$out/analyzer" "$out/kb" "$out/overrides"

"$seed_writer" "$out/analyzer" > /dev/null
n_analyzer=$(find "$out/analyzer" -type f | wc -l)

# tshark reads each capture once (no plugin needed): the responses' codes, status lines and
# CSeq methods, into one table per capture.
fields=(-e sip.Status-Code -e sip.Status-Line -e sip.CSeq.method)
tables=$(mktemp -d)
trap 'rm -rf "$tables"' EXIT
for capture in "$@"; do
    name=$(basename "$capture")
    tshark -r "$capture" -Y sip.Status-Code -T fields -E separator=/t -E occurrence=l \
        "${fields[@]}" > "$tables/${name%.*}.tsv" 2> /dev/null || true
done

# KB files: first byte 0 generic, 1 team file, 2 provider profile (see fuzz-kb.c).
printf '\0' | cat - "$root/plugin/kb/sip-responses.kb" > "$out/kb/generic"
printf '\2' | cat - "$root/plugin/kb/carrier-notes.kb" > "$out/kb/provider"
printf '\1' | cat - "$root/plugin/kb/carrier-notes.kb" > "$out/kb/provider-as-team"
for kb in "$root"/tests/data/*.kb; do
    printf '\1' | cat - "$kb" > "$out/kb/team-$(basename "$kb" .kb)"
done
printf '\1[sipkb]\nformat=1\nkb_version=team-1\nname=Team KB\n[response 403]\ncause.1=Team: the SBC refuses unknown trunks\nadvice.1=Ask the SBC team\n' > "$out/kb/team"
printf '\1[sipkb]\nformat=1\nkb_version=t\n[class 4xx]\nname=Client error here\nsummary=s\n[response 488]\nsummary=Codec refused\nmeaning=m\ncause.1=a\ncause.2=b\nreference=RFC 3261\n' > "$out/kb/team-class"

# Override rows (codes, reason, method, meaning, cause, advice), then responses to match.
rows=$'403\t\tREGISTER\tOn our PBX a 403 on REGISTER means the extension is disabled\tThe extension is disabled\tEnable the extension\n'
rows+=$'4xx\tauthentication id\t\tID mismatch here\t\t\n480-489\t\tINVITE\t\tCallee offline\tCheck the callee\n'
rows+=$'6xx\t^decline|busy\tinvite\tDeclined\t\t\n40x\t\t\tm\t\t\n403\t(unclosed\t\tm\t\t\n403\t\t\t\t\t\n'
probes=$(cat /dev/null "$tables"/*.tsv | awk -F'\t' '$1 != "" {
        reason = $2; sub(/^[^ ]* [^ ]* ?/, "", reason); print $1 "\t" reason "\t" $3 }' | sort -u)
printf '%s--\n%s\n' "$rows" "$probes" > "$out/overrides/all"
i=0
while IFS= read -r probe; do
    i=$((i + 1))
    printf '%s--\n%s\n' "$rows" "$probe" > "$out/overrides/probe-$i"
done <<< "$probes"

echo "corpus: $n_analyzer analyzer seeds, $(ls "$out/kb" | wc -l) KB seeds," \
    "$(ls "$out/overrides" | wc -l) overrides seeds in $out"
