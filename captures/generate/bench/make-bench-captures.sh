#!/usr/bin/env bash
# make-bench-captures.sh - generate the captures of the sipkb benchmark.
#
# Usage: captures/generate/bench/make-bench-captures.sh [-o DIR] [NAME...]
#        captures/generate/bench/make-bench-captures.sh --list
#
# NAME is small (~10k packets), medium (~100k), large (>= 1M) or mixed (~100k,
# RTP outnumbering SIP ten to one); without NAME all four are made.  DIR
# defaults to bench/captures (ignored by git: these files are generated, never
# committed).  Each capture is real traffic on 127.0.0.1: SIPp phones calling
# through a Kamailio proxy with digest authentication, recorded by dumpcap:
#
#   5170  Kamailio (kamailio-bench.cfg): 407/401 challenges, 403, 404, 503
#   5161  SIPp caller (uac-invite.xml + invite-mix.csv): per 10 calls 4
#         answered (200, BYE), 2 busy (486), 1 unregistered (404), 1 overload
#         (503 + Retry-After), 2 wrong passwords (403)
#   5162  SIPp caller (uac-cancel.xml): 1 call per 5 of the above, cancelled
#         while ringing (487 after CANCEL)
#   5163  SIPp phone (uac-register.xml + register-mix.csv): 1 registration
#         per 2 calls, 3 of 4 accepted (401 -> 200), 1 of 4 refused (403)
#   5190  SIPp callee (uas-callee.xml): 486, 180 + 487 after CANCEL, or
#         180 + 200 with SDP
# Every call has its own Call-ID (sipkb-bench-<n>-<name>-<role>@127.0.0.1) and
# every INVITE carries SDP, with a media port of its own ([auto_media_port]).
# In answered calls both phones replay the PCMA RTP of SIPp's g711a.pcap
# (play_pcap_audio) to the ports the SDP named; the SIP-only captures hang up
# after 50 ms and record the SIP ports only, `mixed` calls last 6 s and record
# the media ports too, which makes RTP about ten times the SIP.
#
# The inputs (scenarios, call mix, call counts and rates) are fixed, so every
# run makes the same calls in the same order; timestamps, nonces, tags and
# the odd retransmission differ from run to run.  After recording, the script
# checks with tshark that every outcome is present, that dumpcap dropped
# nothing and that fewer than 1 % of the calls failed, and writes
# <DIR>/<NAME>.pcapng with <DIR>/<NAME>.info (counts, parameters, versions).
# Needs kamailio, sipp and its g711a.pcap (sip-tester), dumpcap/tshark and root
# (capture on "lo").  Takes about 10 minutes for all four, most of it for `large`.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
OUTDIR="$ROOT/bench/captures"
KCFG="$HERE/kamailio-bench.cfg"

IP=127.0.0.1
PROXY_PORT=5170
INVITE_PORT=5161
CANCEL_PORT=5162
REGISTER_PORT=5163
UAS_PORT=5190
# Media ports: [auto_media_port] is -mp plus 4 per call, modulo 10000 (below the
# kernel's ephemeral ports, so nothing else on the host lands in the capture)
INVITE_MEDIA_PORT=10000
UAS_MEDIA_PORT=20000
CANCEL_MEDIA_PORT=30000
SIP_FILTER="udp and host $IP and (port $PROXY_PORT or port $INVITE_PORT or port $CANCEL_PORT or port $REGISTER_PORT or port $UAS_PORT)"
MEDIA_FILTER="$SIP_FILTER or (udp and host $IP and portrange $INVITE_MEDIA_PORT-$((UAS_MEDIA_PORT + 9999)))"
RTP_PCAP=${SIPKB_BENCH_RTP_PCAP:-/usr/share/sip-tester/g711a.pcap}

ALL=(small medium large mixed)

# name: invite calls, cancelled calls, registrations, invite call rate (calls/s),
# call length (ms, after the ACK), capture filter
params() {
	case $1 in
	small) echo 625 125 313 100 50 sip ;;
	medium) echo 6250 1250 3125 200 50 sip ;;
	large) echo 63000 12600 31500 250 50 sip ;;
	mixed) echo 570 114 285 40 6000 media ;;
	*) return 1 ;;
	esac
}

log() { printf '%s\n' "$*" >&2; }
die() { log "make-bench-captures: error: $*"; exit 1; }

WORK=""
KAM_PID=""
DUMPCAP_PID=""
UAS_PID=""
UAC_PIDS=()
FAILED=1

port_busy() { [[ -n $(ss -Hlnu "sport = :$1" 2>/dev/null) ]]; }

stop_pid() { # pid signal
	[[ -n $1 ]] || return 0
	if kill -0 "$1" 2>/dev/null; then
		kill "-$2" "$1" 2>/dev/null || true
		local i
		for i in $(seq 50); do
			kill -0 "$1" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null || true
}

cleanup() {
	local rc=$?
	set +e
	local p
	for p in "${UAC_PIDS[@]}"; do stop_pid "$p" TERM; done
	stop_pid "$UAS_PID" TERM
	stop_pid "$DUMPCAP_PID" INT
	stop_pid "$KAM_PID" TERM
	if [[ -n $WORK && -d $WORK ]]; then
		if ((FAILED)) || ((rc)) || [[ ${KEEP_LOGS:-0} == 1 ]]; then
			log "make-bench-captures: logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

check_tools() {
	local missing=() t
	for t in kamailio sipp dumpcap tshark ss; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	((${#missing[@]} == 0)) || die "missing tool(s): ${missing[*]} (Debian: apt-get install kamailio sip-tester tshark iproute2)"
	[[ $(id -u) -eq 0 ]] || log "make-bench-captures: warning: not root; capturing on 'lo' may fail"
	local p
	for p in $PROXY_PORT $INVITE_PORT $CANCEL_PORT $REGISTER_PORT $UAS_PORT; do
		port_busy "$p" && die "UDP port $p is already in use"
	done
	return 0
}

start_kamailio() {
	kamailio -DD -E -f "$KCFG" -P "$WORK/kamailio.pid" -Y "$WORK" -w "$WORK" -m 256 -M 16 \
		>"$WORK/$CUR-kamailio.log" 2>&1 &
	KAM_PID=$!
	local i
	for i in $(seq 100); do
		kill -0 "$KAM_PID" 2>/dev/null || { tail -n 20 "$WORK/$CUR-kamailio.log" >&2; die "Kamailio exited"; }
		port_busy $PROXY_PORT && { sleep 0.3; return 0; }
		sleep 0.1
	done
	die "Kamailio did not start listening on $IP:$PROXY_PORT"
}

start_capture() { # filter
	dumpcap -i lo -f "$1" -B 256 -w "$WORK/$CUR.pcapng" >"$WORK/$CUR-dumpcap.log" 2>&1 &
	DUMPCAP_PID=$!
	local i
	for i in $(seq 100); do
		kill -0 "$DUMPCAP_PID" 2>/dev/null || { cat "$WORK/$CUR-dumpcap.log" >&2; die "dumpcap failed"; }
		grep -qs "Capturing on" "$WORK/$CUR-dumpcap.log" && { sleep 0.5; return 0; }
		sleep 0.1
	done
	die "dumpcap did not start"
}

sipp_common() { # role
	printf '%s\n' -i "$IP" -mi "$IP" -nostdin -l 5000 -timeout "$TIMEOUT" \
		-trace_err -error_file "$WORK/$CUR-$1-errors.log" \
		-trace_screen -screen_file "$WORK/$CUR-$1-screen.log"
}

uac() { # role port scenario calls rate [args...]
	local role=$1 port=$2 xml=$3 calls=$4 rate=$5
	shift 5
	local common
	mapfile -t common < <(sipp_common "$role")
	(cd "$WORK" && exec sipp -sf "$HERE/$xml" -p "$port" -m "$calls" -r "$rate" \
		-cid_str "sipkb-bench-%u-$CUR-$role@%s" -key capture "$CUR-$role" \
		"${common[@]}" "$@" "$IP:$PROXY_PORT" >"$WORK/$CUR-$role.out" 2>&1) &
	UAC_PIDS+=($!)
}

# Calls that failed according to a SIPp run's final screen ("Failed call").
failed_calls() { # role
	awk '/Failed call/ {n = $(NF)} END {print n + 0}' "$WORK/$CUR-$1-screen.log" 2>/dev/null || echo 0
}

make_capture() { # name
	CUR=$1
	local n_inv n_can n_reg rate hold filter_kind
	read -r n_inv n_can n_reg rate hold filter_kind < <(params "$CUR")
	local filter=$SIP_FILTER
	[[ $filter_kind == media ]] && filter=$MEDIA_FILTER
	local seconds=$(((n_inv + rate - 1) / rate))
	TIMEOUT="$((seconds * 3 + hold / 1000 + 120))s"
	log "make-bench-captures: $CUR: $n_inv calls + $n_can cancelled + $n_reg registrations at $rate calls/s (~$seconds s)"

	start_kamailio
	start_capture "$filter"
	local common
	mapfile -t common < <(sipp_common uas)
	(cd "$WORK" && exec sipp -sf "$HERE/uas-callee.xml" -p "$UAS_PORT" -mp "$UAS_MEDIA_PORT" \
		"${common[@]}" >"$WORK/$CUR-uas.out" 2>&1) &
	UAS_PID=$!
	local i
	for i in $(seq 50); do port_busy $UAS_PORT && break; sleep 0.1; done
	port_busy $UAS_PORT || die "SIPp callee did not start"

	local t0=$SECONDS
	UAC_PIDS=()
	uac invite "$INVITE_PORT" uac-invite.xml "$n_inv" "$rate" -mp "$INVITE_MEDIA_PORT" -d "$hold" \
		-inf "$HERE/invite-mix.csv"
	uac cancel "$CANCEL_PORT" uac-cancel.xml "$n_can" "$(awk -v r="$rate" 'BEGIN {print r / 5}')" \
		-mp "$CANCEL_MEDIA_PORT"
	uac register "$REGISTER_PORT" uac-register.xml "$n_reg" "$(awk -v r="$rate" 'BEGIN {print r / 2}')" \
		-inf "$HERE/register-mix.csv"
	local p rc
	for p in "${UAC_PIDS[@]}"; do
		rc=0
		wait "$p" || rc=$?
		# exit code 1: some calls failed (counted below); anything else is fatal
		((rc <= 1)) || { tail -n 20 "$WORK/$CUR"-*-errors.log >&2 || true; die "a SIPp caller of $CUR exited with $rc"; }
	done
	UAC_PIDS=()
	local elapsed=$((SECONDS - t0))
	sleep 1
	stop_pid "$UAS_PID" TERM
	UAS_PID=""
	sleep 0.5
	stop_pid "$DUMPCAP_PID" INT
	DUMPCAP_PID=""
	stop_pid "$KAM_PID" TERM
	KAM_PID=""

	local dropped
	dropped=$(sed -n 's/.*received\/dropped on interface.*: [0-9]*\/\([0-9]*\).*/\1/p' "$WORK/$CUR-dumpcap.log")
	[[ ${dropped:-1} == 0 ]] || die "$CUR: dumpcap dropped ${dropped:-an unknown number of} packets"
	local failed=0 role
	for role in invite cancel register; do
		failed=$((failed + $(failed_calls "$role")))
	done
	local calls=$((n_inv + n_can + n_reg))
	((failed * 100 < calls)) || die "$CUR: $failed of $calls calls failed (see $WORK/$CUR-*-errors.log)"

	verify "$WORK/$CUR.pcapng" "$filter_kind" >"$WORK/$CUR.counts"
	chmod 644 "$WORK/$CUR.pcapng"
	mkdir -p "$OUTDIR"
	mv -f "$WORK/$CUR.pcapng" "$OUTDIR/$CUR.pcapng"
	{
		echo "name: $CUR"
		cat "$WORK/$CUR.counts"
		echo "bytes: $(stat -c %s "$OUTDIR/$CUR.pcapng")"
		echo "calls: $n_inv invite, $n_can cancelled, $n_reg register"
		echo "failed_calls: $failed"
		echo "rate: $rate calls/s (+ $(awk -v r="$rate" 'BEGIN {print r / 5 " cancelled, " r / 2 " registrations"}') per s)"
		echo "call_length_ms: $hold"
		echo "filter: $filter"
		echo "recorded_s: $elapsed"
		echo "generated: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "kamailio: $(kamailio -v 2>/dev/null | sed -n "1s/^version: //p" | sed "s/ *$//")"
		echo "sipp: $(sipp -v 2>&1 | sed -n "s/^ *SIPp v\([0-9.]*\).*/\1/p" | head -n 1)"
	} >"$OUTDIR/$CUR.info"
	log "make-bench-captures: $OUTDIR/$CUR.pcapng: $(grep -E '^(packets|sip|rtp):' "$OUTDIR/$CUR.info" | tr '\n' ' ')"
}

# Counts the capture's packets, SIP messages by outcome, RTP and Call-IDs, and
# fails unless every outcome of the mix is there and nothing else was recorded.
verify() { # pcap kind
	tshark -r "$1" -T fields -E occurrence=f -e frame.protocols -e sip.Call-ID \
		-e sip.CSeq.method -e sip.Status-Code 2>/dev/null |
		awk -F'\t' -v kind="$2" '
			{ packets++ }
			$1 ~ /:sip/ { sip++; if (!($2 in ids)) { ids[$2] = 1; calls++ } }
			$1 ~ /:rtp/ { rtp++ }
			$1 !~ /:(sip|rtp)/ { other++ }
			$4 != "" { outcome[$3 " " $4]++ }
			END {
				printf "packets: %d\nsip: %d\nrtp: %d\nother: %d\ncall_ids: %d\n", packets, sip, rtp, other, calls
				n = split("REGISTER 401,REGISTER 200,REGISTER 403,INVITE 407,INVITE 200,INVITE 403,INVITE 404,INVITE 486,INVITE 487,INVITE 503,CANCEL 200,BYE 200", want, ",")
				line = ""
				for (i = 1; i <= n; i++) {
					line = line sprintf("%s%s=%d", i > 1 ? ", " : "", want[i], outcome[want[i]])
					if (!outcome[want[i]]) missing = missing " " want[i]
				}
				print "responses: " line
				if (kind == "media") printf "rtp_per_sip: %.1f\n", rtp / sip
				if (missing != "") { print "missing outcome(s):" missing > "/dev/stderr"; exit 1 }
				if (other) { print other " packet(s) neither SIP nor RTP" > "/dev/stderr"; exit 1 }
				if (kind == "sip" && rtp) { print "RTP in a SIP-only capture" > "/dev/stderr"; exit 1 }
				if (kind == "media" && (rtp < 8 * sip || rtp > 12 * sip)) {
					print "RTP is not about ten times the SIP" > "/dev/stderr"; exit 1
				}
			}' || die "$CUR: the capture does not hold the intended traffic"
}

main() {
	local names=() n
	while (($#)); do
		case $1 in
		-h | --help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
		--list) printf '%s\n' "${ALL[@]}"; exit 0 ;;
		-o) OUTDIR=$(realpath -m "$2"); shift ;;
		-*) die "unknown option $1" ;;
		*) params "$1" >/dev/null || die "unknown capture '$1' (try --list)"; names+=("$1") ;;
		esac
		shift
	done
	((${#names[@]})) || names=("${ALL[@]}")
	check_tools
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-bench-captures.XXXXXX")
	chmod 755 "$WORK"
	trap cleanup EXIT
	trap 'log "make-bench-captures: interrupted"; exit 130' INT
	trap 'log "make-bench-captures: terminated"; exit 143' TERM
	kamailio -c -f "$KCFG" >"$WORK/kamailio-check.log" 2>&1 ||
		{ cat "$WORK/kamailio-check.log" >&2; die "Kamailio rejected $KCFG"; }
	[[ -r $RTP_PCAP ]] || die "no RTP to replay: $RTP_PCAP (Debian package sip-tester; or set SIPKB_BENCH_RTP_PCAP)"
	cp "$RTP_PCAP" "$WORK/g711a.pcap"
	local t0=$SECONDS
	for n in "${names[@]}"; do
		make_capture "$n"
	done
	FAILED=0
	log "make-bench-captures: ${#names[@]} capture(s) in $OUTDIR in $((SECONDS - t0)) s"
}

main "$@"
