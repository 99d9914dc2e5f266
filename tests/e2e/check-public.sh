#!/usr/bin/env bash
# Runs sipkb over captures nobody on this team made: no error output in one- and two-pass runs
# with full trees, a sipkb.code equal to sip.Status-Code on every response, none on a response
# quoted in an ICMP error (a copy, not a live response: RFC 3261 section 18.4), and nothing
# from sipkb on frames without SIP.
#
# Usage: check-public.sh CAPTURE...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
failures=0
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
fail() {
    echo "FAIL $1: $2" >&2
    failures=$((failures + 1))
}
for capture in "$@"; do
    name=$(basename "$capture")
    for pass in "" "-2"; do
        "$here/tshark-sipkb" -r "$capture" $pass -V -x > /dev/null 2> "$errors" ||
            fail "$name" "tshark $pass -V exited with $?"
        [[ -s $errors ]] && fail "$name" "tshark $pass printed: $(head -c 500 "$errors")"
    done
    responses=0
    while IFS=$'\t' read -r frame protocols status codes; do
        expected=$status
        [[ $protocols =~ (^|:)icmp(v6)?(:|$) ]] && expected=""
        [[ -n $expected ]] && responses=$((responses + 1))
        [[ $expected == "$codes" ]] || fail "$name" "frame $frame: sip.Status-Code $status, sipkb.code '$codes'"
    done < <("$here/tshark-sipkb" -r "$capture" -Y sip.Status-Code -T fields -e frame.number \
        -e frame.protocols -e sip.Status-Code -e sipkb.code 2> "$errors")
    stray=$("$here/tshark-sipkb" -r "$capture" -Y 'sipkb && !sip' -T fields -e frame.number |
        paste -sd, -)
    [[ -z $stray ]] || fail "$name" "sipkb items on frames without SIP: $stray"
    echo "ok   $name: $responses responses explained"
done
((failures == 0))
