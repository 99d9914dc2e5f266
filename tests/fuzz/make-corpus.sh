#!/usr/bin/env bash
# Seeds the libFuzzer corpora from the real captures and the real KB files.
#
# Usage: make-corpus.sh OUT_DIR CAPTURE...
# Writes OUT_DIR/rules (the SIP messages of each capture, NUL-separated, with the packet's
# addresses as X-Src/X-Dst; one seed per capture and one per message), OUT_DIR/kb (the built-in
# KB files and test KB files, each behind the byte that picks its layer) and OUT_DIR/overrides
# (override rows, then the responses of the captures to match). Needs tshark and perl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:?usage: make-corpus.sh OUT_DIR CAPTURE...}
shift
rm -rf "$out"
mkdir -p "$out/rules" "$out/kb" "$out/overrides"

# tshark reads each capture once (no plugin needed): the SIP messages' addresses, payloads (hex)
# and status lines, into one table per capture.
fields=(-e ip.src -e ip.dst -e ipv6.src -e ipv6.dst -e udp.payload -e tcp.payload
    -e sip.Status-Code -e sip.Status-Line -e sip.CSeq.method)
tables=$(mktemp -d)
trap 'rm -rf "$tables"' EXIT
for capture in "$@"; do
    name=$(basename "$capture")
    tshark -r "$capture" -Y sip -T fields -E separator=/t -E occurrence=l "${fields[@]}" \
        > "$tables/${name%.*}.tsv" 2> /dev/null || true
done
for table in "$tables"/*.tsv; do
    name=$(basename "$table" .tsv)
    perl -e '
        my ($dir, $name) = @ARGV; my $n = 0; my @all;
        while (my $line = <STDIN>) {
            chomp $line;
            my ($s4, $d4, $s6, $d6, $udp, $tcp) = split /\t/, $line, -1;
            my $hex = $udp ne "" ? $udp : $tcp;
            next if $hex eq "";
            $hex =~ s/[^0-9a-fA-F]//g;
            my $msg = pack("H*", $hex);
            my ($src, $dst) = ($s4 ne "" ? ($s4, $d4) : ($s6, $d6));
            $msg =~ s/\r\n/\r\nX-Src: $src\r\nX-Dst: $dst\r\n/;
            push @all, $msg;
            open my $f, ">", sprintf("%s/%s-%04d", $dir, $name, ++$n) or die;
            binmode $f; print $f $msg; close $f;
        }
        if (@all) {
            open my $f, ">", "$dir/$name-all" or die; binmode $f;
            print $f join("\0", @all); close $f;
        }' "$out/rules" "$name" < "$table"
done
n_rules=$(find "$out/rules" -type f | wc -l)

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
probes=$(cat "$tables"/*.tsv | awk -F'\t' '$7 != "" {
        reason = $8; sub(/^[^ ]* [^ ]* ?/, "", reason); print $7 "\t" reason "\t" $9 }' | sort -u)
printf '%s--\n%s\n' "$rows" "$probes" > "$out/overrides/all"
i=0
while IFS= read -r probe; do
    i=$((i + 1))
    printf '%s--\n%s\n' "$rows" "$probe" > "$out/overrides/probe-$i"
done <<< "$probes"

echo "corpus: $n_rules rules seeds, $(ls "$out/kb" | wc -l) KB seeds," \
    "$(ls "$out/overrides" | wc -l) overrides seeds in $out"
