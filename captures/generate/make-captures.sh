#!/usr/bin/env bash
# make-captures.sh - regenerate the SIP reference captures of sipkb.
#
# Usage: captures/generate/make-captures.sh [NAME...]
#        captures/generate/make-captures.sh --list
#
# Without NAME every capture is regenerated.  For each capture the script
#   1. starts tshark on the loopback interface (capture filter on the SIP
#      ports used below, and ICMP errors for the captures in ICMP_CAPTURES),
#   2. starts a SIPp UAS or baresip playing the callee (if the scenario
#      needs one),
#   3. runs the SIPp UAC scenario against Kamailio,
#   4. stops tshark with SIGINT, checks with tshark that the capture holds
#      exactly the intended SIP flow (and nothing else) and only then writes
#      captures/<NAME>.pcapng.
# Kamailio (registrar + proxy, captures/generate/kamailio.cfg) is started in
# the foreground from this script for each capture (fresh location table) and
# stopped after it, and in any case by an EXIT trap; its pid file and logs
# live in a mktemp directory that is removed on success (kept and printed on
# failure).  All traffic stays on 127.0.0.1:
#   5070  Kamailio (UDP and TCP)
#   5061  SIPp UAC (the caller / registering phone)
#   5090  SIPp UAS or baresip (the callee phone)
#   5062  nothing: a Via port whose responses are refused (options-icmp-response)
#   5095  baresip's UDP console (the phones' key presses, outside the capture)
#     53  dnsmasq, the DNS server of the captures with DNS (DNS_CAPTURES):
#         Kamailio runs in a mount namespace of its own whose /etc/resolv.conf
#         names it; the machine's resolver is left alone
# Must run as root (capture rights on "lo", the namespace, port 53).  Missing
# Debian packages are installed (tools/debian-packages.sh).
# Set KEEP_LOGS=1 to keep the Kamailio/SIPp/tshark logs of a successful run.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUTDIR=$(dirname "$HERE")
SCEN="$HERE/scenarios"
KCFG="$HERE/kamailio.cfg"

IP=127.0.0.1
PROXY_PORT=5070
UAC_PORT=5061
UAS_PORT=5090
DNS_PORT=53
SIP_FILTER="host $IP and (port $PROXY_PORT or port $UAC_PORT or port $UAS_PORT)"
DNS_FILTER="host $IP and (port $PROXY_PORT or port $UAC_PORT or port $UAS_PORT or port $DNS_PORT)"
SIPP_TIMEOUT=40s

packages_prog=make-captures.sh
# shellcheck source=SCRIPTDIR/../../tools/debian-packages.sh
. "$HERE/../../tools/debian-packages.sh"

# The captures whose Kamailio resolves Request-URI hosts with DNS (kamailio.cfg's
# WITH_DNS) against the dnsmasq of start_dnsmasq; they capture port 53 too.
DNS_CAPTURES=(invite-dns-failure)

ALL_CAPTURES=(
	register-auth
	register-callerid-mismatch
	register-wrong-password
	register-unanswered-challenge
	stale-nonce
	register-expired-nonce
	register-one-time-nonce
	register-slow-retry
	tcp-register-auth
	invite-answered
	invite-cancel
	invite-404
	invite-busy
	invite-unavailable
	invite-503-retry-after
	invite-603
	invite-408
	interleaved-calls
	register-rejected-rechallenge
	invite-sdp-variety
	invite-488-codec
	invite-606-srtp
	invite-no-dtmf-answer
	invite-tcp-cancel
	invite-404-registered
	invite-no-ack
	invite-cancel-408
	invite-sdp-mismatch
	invite-callerid-accepted
	invite-403-no-ack
	subscribe-event-404
	register-no-branch
	options-icmp-response
	options-challenged-by-callee
	invite-dns-failure
	subscribe-accepted
	refer-accepted
	invite-hold-inactive
	invite-hold-baresip
	indialog-cseq-out-of-order
)

# The kamailio.cfg defines (-A) of the captures that need a variant of it.
kamailio_defines() { # name
	case $1 in
	invite-dns-failure) echo "-A WITH_DNS" ;;
	register-expired-nonce) echo "-A WITH_PLAIN_CHALLENGE" ;;
	register-one-time-nonce) echo "-A WITH_PLAIN_CHALLENGE -A WITH_ONE_TIME_NONCE" ;;
	register-slow-retry) echo "-A WITH_PLAIN_CHALLENGE" ;;
	esac
}

# Captures that also record ICMP errors (on 127.0.0.1), beside the SIP ports.
ICMP_CAPTURES=(options-icmp-response)
# A port on which nothing listens: a Via that names it gets its responses refused.
DEAD_PORT=5062
# baresip's console: a key sent there in a UDP packet is a key pressed on the phone.
BARESIP_CONSOLE_PORT=5095

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

log() { printf '%s\n' "$*" >&2; }
die() { log "make-captures: error: $*"; exit 1; }

usage() {
	sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
	echo "Captures: ${ALL_CAPTURES[*]}"
}

check_tools() {
	install_packages "${sipkb_capture_packages[@]}"
	local missing=() t
	for t in kamailio sipp tshark ss dnsmasq unshare mount baresip; do
		command -v "$t" >/dev/null 2>&1 || missing+=("$t")
	done
	if ((${#missing[@]})); then
		log "make-captures: missing tool(s): ${missing[*]}"
		log "  Debian packages: ${sipkb_capture_packages[*]}"
		exit 1
	fi
	[[ -r $KCFG ]] || die "missing Kamailio config $KCFG"
	[[ -d $SCEN ]] || die "missing scenario directory $SCEN"
	if [[ $(id -u) -ne 0 ]]; then
		log "make-captures: warning: not running as root; capturing on 'lo' may fail"
	fi
}

port_busy() { # proto port
	local opt=-Hlnu
	[[ $1 == tcp ]] && opt=-Hlnt
	[[ -n $(ss "$opt" "sport = :$2" 2>/dev/null) ]]
}

check_ports() { # names of the captures to make
	local p
	for p in $PROXY_PORT $UAC_PORT $UAS_PORT; do
		port_busy udp "$p" && die "UDP port $p on this host is already in use"
	done
	port_busy tcp $PROXY_PORT && die "TCP port $PROXY_PORT on this host is already in use"
	local name
	for name in "$@"; do
		uses_dns "$name" || continue
		port_busy udp $DNS_PORT && die "UDP port $DNS_PORT on this host is already in use"
		break
	done
	return 0
}

uses_dns() { # name
	local c
	for c in "${DNS_CAPTURES[@]}"; do [[ $c == "$1" ]] && return 0; done
	return 1
}

WORK=""
KAM_PID=""
TSHARK_PID=""
UAS_PID=""
BARESIP_PID=""
DNS_PID=""
FAILED=1

cleanup() {
	local rc=$?
	set +e
	if [[ -n $UAS_PID ]] && kill -0 "$UAS_PID" 2>/dev/null; then
		kill "$UAS_PID" 2>/dev/null; wait "$UAS_PID" 2>/dev/null
	fi
	stop_baresip
	if [[ -n $TSHARK_PID ]] && kill -0 "$TSHARK_PID" 2>/dev/null; then
		kill -INT "$TSHARK_PID" 2>/dev/null; wait "$TSHARK_PID" 2>/dev/null
	fi
	stop_kamailio
	stop_dnsmasq
	if [[ -n $WORK && -d $WORK ]]; then
		if ((FAILED)) || ((rc)) || [[ ${KEEP_LOGS:-0} == 1 ]]; then
			log "make-captures: logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$rc"
}

check_kamailio_cfg() {
	local defines
	for defines in "" "-A WITH_DNS" "-A WITH_PLAIN_CHALLENGE" \
		"-A WITH_PLAIN_CHALLENGE -A WITH_ONE_TIME_NONCE"; do
		# shellcheck disable=SC2086 # $defines is empty or options and their values
		kamailio -c $defines -f "$KCFG" >"$WORK/kamailio-check.log" 2>&1 ||
			{ cat "$WORK/kamailio-check.log" >&2; die "Kamailio rejected $KCFG ($defines)"; }
	done
}

# Kamailio is restarted for every capture so that each capture starts from an
# empty location table and is independent of the other captures.  For a DNS
# capture it runs with WITH_DNS in a mount namespace of its own, whose
# /etc/resolv.conf (bind-mounted) names only the dnsmasq on $IP: its resolver
# (res_init) reads that file, the rest of the machine keeps its own.
start_kamailio() { # log name
	local klog="$WORK/$1-kamailio.log"
	local kam=(kamailio -DD -E -f "$KCFG" -P "$WORK/kamailio.pid" -Y "$WORK" -w "$WORK")
	local defines
	read -r -a defines <<<"$(kamailio_defines "$1")"
	kam+=("${defines[@]}")
	if uses_dns "$1"; then
		printf 'nameserver %s\noptions attempts:1 timeout:2\n' "$IP" >"$WORK/resolv.conf"
		# shellcheck disable=SC2016 # the inner shell expands its own arguments
		unshare --mount --propagation private sh -c \
			'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
			sh "$WORK/resolv.conf" "${kam[@]}" >"$klog" 2>&1 &
	else
		"${kam[@]}" >"$klog" 2>&1 &
	fi
	KAM_PID=$!
	local i
	for i in $(seq 100); do
		kill -0 "$KAM_PID" 2>/dev/null ||
			{ tail -n 20 "$klog" >&2; KAM_PID=""; die "Kamailio exited at startup"; }
		if port_busy udp $PROXY_PORT && port_busy tcp $PROXY_PORT; then
			sleep 0.3
			return 0
		fi
		sleep 0.1
	done
	die "Kamailio did not start listening on $IP:$PROXY_PORT"
}

# terminate <pid>: SIGTERM, up to 5 s to exit, then SIGKILL; reaped either way.
terminate() {
	if kill -0 "$1" 2>/dev/null; then
		kill -TERM "$1" 2>/dev/null || true
		local i
		for i in $(seq 50); do
			kill -0 "$1" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$1" 2>/dev/null && kill -KILL "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null || true
}

stop_kamailio() {
	[[ -n $KAM_PID ]] || return 0
	terminate "$KAM_PID"
	KAM_PID=""
	# wait until the ports are released
	local j
	for j in $(seq 50); do
		port_busy udp $PROXY_PORT || port_busy tcp $PROXY_PORT || return 0
		sleep 0.1
	done
}

# The DNS server of the DNS captures, on $IP:53 only: sipkb.test is its own
# zone (pbx.sipkb.test has the SRV record _sip._udp of the callee phone,
# uas.sipkb.test:5090; uas.sipkb.test is $IP), every name under .invalid gets
# NXDOMAIN (RFC 6761 section 6.4), and nothing is forwarded: no upstream
# server, no /etc/hosts, no /etc/resolv.conf.
start_dnsmasq() {
	dnsmasq --keep-in-foreground --conf-file=/dev/null --user=nobody --pid-file= \
		--port=$DNS_PORT --listen-address=$IP --bind-interfaces \
		--no-resolv --no-hosts --no-poll --log-queries --log-facility=- \
		--local=/sipkb.test/ --host-record=uas.sipkb.test,$IP \
		--srv-host=_sip._udp.pbx.sipkb.test,uas.sipkb.test,$UAS_PORT \
		--address=/invalid/ >"$WORK/$CUR_NAME-dnsmasq.log" 2>&1 &
	DNS_PID=$!
	local i
	for i in $(seq 50); do
		kill -0 "$DNS_PID" 2>/dev/null ||
			{ tail -n 20 "$WORK/$CUR_NAME-dnsmasq.log" >&2; DNS_PID=""; die "dnsmasq exited at startup"; }
		port_busy udp $DNS_PORT && return 0
		sleep 0.1
	done
	die "dnsmasq did not start listening on $IP:$DNS_PORT"
}

stop_dnsmasq() {
	[[ -n $DNS_PID ]] || return 0
	kill -TERM "$DNS_PID" 2>/dev/null || true
	wait "$DNS_PID" 2>/dev/null || true
	DNS_PID=""
}

# The capture is written to the work directory first and only moved to
# captures/<name>.pcapng once it has passed verify(), so a failed run never
# leaves a broken capture behind (the old one stays in place).
start_capture() { # name
	local name=$1 i filter=$SIP_FILTER
	CUR_PCAP="$WORK/$name.pcapng"
	rm -f "$CUR_PCAP"
	: >"$WORK/$name-tshark.log"
	uses_dns "$name" && filter=$DNS_FILTER
	for i in "${ICMP_CAPTURES[@]}"; do
		[[ $i == "$name" ]] && filter="($filter) or (host $IP and icmp)"
	done
	tshark -i lo -f "$filter" -w "$CUR_PCAP" -q \
		>"$WORK/$name-tshark.log" 2>&1 &
	TSHARK_PID=$!
	for i in $(seq 100); do
		kill -0 "$TSHARK_PID" 2>/dev/null ||
			{ cat "$WORK/$name-tshark.log" >&2; TSHARK_PID=""; die "tshark failed to start"; }
		if grep -qs "Capturing on" "$WORK/$name-tshark.log"; then
			sleep 0.5   # let dumpcap settle before the first packet
			return 0
		fi
		sleep 0.1
	done
	die "tshark did not start capturing"
}

stop_capture() {
	sleep 0.5
	kill -INT "$TSHARK_PID"
	wait "$TSHARK_PID" || true
	TSHARK_PID=""
	[[ -s $CUR_PCAP ]] || die "no capture file written: $CUR_PCAP"
}

# sipp_common <name> <role>
sipp_common() {
	printf '%s\n' -i "$IP" -nostdin -nd -timeout "$SIPP_TIMEOUT" -timeout_error \
		-trace_err -error_file "$WORK/$1-$2-errors.log" \
		-trace_msg -message_file "$WORK/$1-$2-messages.log"
}

# uas <scenario.xml> <calls> [sipp args...]: start the callee phone
uas() {
	local xml=$1 calls=$2
	shift 2
	local common
	mapfile -t common < <(sipp_common "$CUR_NAME" uas)
	(cd "$WORK" && exec sipp -sf "$SCEN/$xml" -p "$UAS_PORT" -m "$calls" \
		"${common[@]}" "$@" >"$WORK/$CUR_NAME-uas.out" 2>&1) &
	UAS_PID=$!
	local i
	for i in $(seq 50); do
		port_busy udp $UAS_PORT && { sleep 0.2; return 0; }
		kill -0 "$UAS_PID" 2>/dev/null || break
		sleep 0.1
	done
	tail -n 20 "$WORK/$CUR_NAME-uas.out" >&2 || true
	die "SIPp UAS ($xml) did not start"
}

# uac <scenario.xml> <calls> [sipp args...]: run the caller / registering phone
uac() {
	local xml=$1 calls=$2
	shift 2
	local common rc=0
	mapfile -t common < <(sipp_common "$CUR_NAME" uac)
	(cd "$WORK" && exec sipp -sf "$SCEN/$xml" -p "$UAC_PORT" -m "$calls" \
		-cid_str "sipkb-%u-$CUR_NAME@%s" -key capture "$CUR_NAME" \
		"${common[@]}" "$@" "$IP:$PROXY_PORT" >"$WORK/$CUR_NAME-uac.out" 2>&1) || rc=$?
	if ((rc)); then
		log "SIPp UAC ($xml) failed with exit code $rc; errors:"
		tail -n 30 "$WORK/$CUR_NAME-uac-errors.log" >&2 2>/dev/null || true
		die "capture $CUR_NAME failed"
	fi
}

# baresip_callee <user>: start baresip as the callee phone on $IP:$UAS_PORT, a
# real user agent that answers the call and every re-INVITE itself.  Its
# account <sip:<user>@sipkb.test> does not register (regint=0) and answers
# automatically (answermode=auto); the configuration lives in the work
# directory.  No sound device: the aubridge module plays the received audio
# into its own source.  Its console (cons module) takes key presses in UDP
# packets on $IP:$BARESIP_CONSOLE_PORT ("x" holds the call, "X" resumes it).  Its RTP (ports 10000-10020 to the caller's SDP port,
# where nothing listens) stays outside the capture filter.
baresip_callee() {
	local dir="$WORK/$CUR_NAME-baresip"
	port_busy udp "$BARESIP_CONSOLE_PORT" &&
		die "UDP port $BARESIP_CONSOLE_PORT (baresip's console) is already in use"
	mkdir -p "$dir"
	cat >"$dir/config" <<-EOF
		poll_method		epoll
		net_interface		$IP
		sip_listen		$IP:$UAS_PORT
		sip_trans_def		udp
		audio_player		aubridge,loop
		audio_source		aubridge,loop
		audio_alert		aubridge,loop
		rtp_ports		10000-10020
		module_path		/usr/lib/baresip/modules
		module			g711.so
		module			aubridge.so
		module_app		account.so
		module_app		menu.so
		module			cons.so
		cons_listen		$IP:$BARESIP_CONSOLE_PORT
	EOF
	printf '<sip:%s@sipkb.test;transport=udp>;regint=0;answermode=auto;audio_codecs=PCMU,PCMA\n' \
		"$1" >"$dir/accounts"
	baresip -f "$dir" >"$WORK/$CUR_NAME-baresip.log" 2>&1 </dev/null &
	BARESIP_PID=$!
	local i
	for i in $(seq 50); do
		kill -0 "$BARESIP_PID" 2>/dev/null || break
		grep -qs "baresip is ready" "$WORK/$CUR_NAME-baresip.log" &&
			port_busy udp $UAS_PORT && { sleep 0.2; return 0; }
		sleep 0.1
	done
	tail -n 20 "$WORK/$CUR_NAME-baresip.log" >&2 || true
	die "baresip did not start"
}

stop_baresip() {
	[[ -n $BARESIP_PID ]] || return 0
	terminate "$BARESIP_PID"
	BARESIP_PID=""
}

wait_uas() {
	[[ -n $UAS_PID ]] || return 0
	local i rc=0
	for i in $(seq 150); do
		kill -0 "$UAS_PID" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$UAS_PID" 2>/dev/null; then
		kill "$UAS_PID" 2>/dev/null || true
		wait "$UAS_PID" 2>/dev/null || true
		UAS_PID=""
		die "SIPp UAS of $CUR_NAME did not finish"
	fi
	wait "$UAS_PID" || rc=$?
	UAS_PID=""
	if ((rc)); then
		log "SIPp UAS failed with exit code $rc; errors:"
		tail -n 30 "$WORK/$CUR_NAME-uas-errors.log" >&2 2>/dev/null || true
		die "capture $CUR_NAME failed"
	fi
}

# Print the SIP flow of a capture, one line per Call-ID (in order of first
# appearance): "A>P:INVITE P>A:407 ..." where A = caller/phone (port 5061 or
# the TCP client port), P = Kamailio (5070), B = callee phone (5090).
flow_of() {
	tshark -r "$1" -Y sip -T fields -E separator='|' \
		-e udp.srcport -e udp.dstport -e tcp.srcport -e tcp.dstport \
		-e sip.Call-ID -e sip.Method -e sip.Status-Code 2>/dev/null |
		awk -F'|' -v P="$PROXY_PORT" -v B="$UAS_PORT" '
			function who(p) { return p == P ? "P" : (p == B ? "B" : "A") }
			{
				s = ($1 != "") ? $1 : $3; d = ($2 != "") ? $2 : $4
				tok = who(s) ">" who(d) ":" (($6 != "") ? $6 : $7)
				if (!($5 in flow)) { order[++n] = $5; flow[$5] = tok }
				else flow[$5] = flow[$5] " " tok
			}
			END { for (i = 1; i <= n; i++) print flow[order[i]] }'
}

# per_leg: rewrite flow lines so that the caller<->proxy and proxy<->callee
# legs are compared separately ("A-P tokens | P-B tokens"): the order inside
# a leg is fixed by the protocol, the interleaving of the two legs is timing.
per_leg() {
	awk '{
		ap = ""; pb = ""
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^(P>B|B>P):/) pb = pb " " $i; else ap = ap " " $i
		}
		print substr(ap, 2) " |" pb
	}'
}

# verify <expected flow line>...: compare (as sorted sets of per-call lines)
verify() {
	local got want
	got=$(flow_of "$CUR_PCAP" | per_leg | sort)
	want=$(printf '%s\n' "$@" | per_leg | sort)
	if [[ $got != "$want" ]]; then
		log "capture $CUR_NAME does not hold the intended flow"
		log "--- expected"; log "$want"
		log "--- got"; log "$got"
		die "flow check failed for $CUR_NAME"
	fi
	# nothing but SIP (TCP captures also carry the TCP handshake/ACKs; DNS
	# captures their lookups)
	local stray others="not sip and not (tcp and tcp.len == 0)"
	uses_dns "$CUR_NAME" && others="$others and not dns"
	stray=$(tshark -r "$CUR_PCAP" -Y "$others" 2>/dev/null | wc -l)
	((stray == 0)) || die "capture $CUR_NAME holds $stray unexpected packet(s)"
}

# Optional extra checks a cap_<name> function can ask for (in POST_CHECK),
# run on the finished capture after verify().

# no challenge in the capture is marked stale=true
check_none_stale() {
	local stale
	stale=$(tshark -r "$CUR_PCAP" -Y 'sip.auth.stale' 2>/dev/null | wc -l)
	((stale == 0)) || die "capture $CUR_NAME: unexpected stale=true challenge"
}

# read_nonces <count>: the nonces of the messages that carry one (challenges
# and credentials), in capture order, into NONCES; there must be <count>
read_nonces() {
	mapfile -t NONCES < <(tshark -r "$CUR_PCAP" -Y 'sip.auth.nonce' -T fields \
		-e sip.auth.nonce 2>/dev/null)
	((${#NONCES[@]} == $1)) || die "capture $CUR_NAME: ${#NONCES[@]} messages with a nonce, not $1"
}

# every 401/407 challenge in the capture carries a different nonce and none
# is marked stale=true
check_fresh_nonces() {
	local n uniq
	n=$(tshark -r "$CUR_PCAP" -Y 'sip.Status-Code == 401 or sip.Status-Code == 407' \
		-T fields -e sip.auth.nonce 2>/dev/null | grep -c . || true)
	uniq=$(tshark -r "$CUR_PCAP" -Y 'sip.Status-Code == 401 or sip.Status-Code == 407' \
		-T fields -e sip.auth.nonce 2>/dev/null | grep . | sort -u | wc -l)
	((n > 1 && uniq == n)) ||
		die "capture $CUR_NAME: the $n challenge(s) do not all carry a fresh nonce ($uniq distinct)"
	check_none_stale
}

# no challenge is marked stale=true, and the refresh (the third REGISTER)
# answers the nonce of the first 401 while the second 401 brings another
check_no_stale() {
	check_none_stale
	read_nonces 5
	[[ ${NONCES[2]} == "${NONCES[0]}" && ${NONCES[3]} != "${NONCES[0]}" &&
		${NONCES[4]} == "${NONCES[3]}" ]] ||
		die "capture $CUR_NAME: the refresh does not re-use the first nonce: ${NONCES[*]}"
}

# no stale=true; the late credentials answer the first 401's nonce, more than
# 30 s after it, and the retry the second's
check_slow_retry() {
	local times
	check_none_stale
	read_nonces 4
	[[ ${NONCES[1]} == "${NONCES[0]}" && ${NONCES[2]} != "${NONCES[0]}" &&
		${NONCES[3]} == "${NONCES[2]}" ]] ||
		die "capture $CUR_NAME: the credentials do not answer the challenges: ${NONCES[*]}"
	mapfile -t times < <(tshark -r "$CUR_PCAP" -Y 'frame.number in {2, 3}' -T fields \
		-e frame.time_relative 2>/dev/null)
	awk -v a="${times[0]}" -v b="${times[1]}" 'BEGIN { exit !(b - a > 30) }' ||
		die "capture $CUR_NAME: the credentials came ${times[1]} - ${times[0]} s after the challenge"
}

# the first 200 gave a nextnonce (Authentication-Info) other than the nonce
# the refresh used
check_nextnonce_ignored() {
	local next used
	next=$(tshark -r "$CUR_PCAP" -Y 'sip.Status-Code == 200' -T fields \
		-e sip.auth.nextnonce 2>/dev/null | head -n 1)
	used=$(tshark -r "$CUR_PCAP" -Y 'sip.auth.nonce' -T fields -e sip.auth.nonce 2>/dev/null |
		sed -n 3p)
	[[ -n $next && $next != "$used" ]] ||
		die "capture $CUR_NAME: no nextnonce other than the refresh's nonce (next '$next', used '$used')"
}

# the caller leg (A<->P) is TCP only, the callee leg (P<->B) UDP only
check_tcp_caller_leg() {
	local bad
	bad=$(tshark -r "$CUR_PCAP" \
		-Y "sip and ((udp and udp.port == $UAC_PORT) or (tcp and tcp.port == $UAS_PORT))" \
		2>/dev/null | wc -l)
	((bad == 0)) || die "capture $CUR_NAME: $bad SIP message(s) on the wrong transport"
	bad=$(tshark -r "$CUR_PCAP" -Y "sip and tcp" 2>/dev/null | wc -l)
	((bad > 0)) || die "capture $CUR_NAME: no SIP over TCP"
}

# exactly one ICMP error, a port unreachable that quotes the 200 Kamailio sent
# to the dead port
check_icmp_quotes_200() {
	local quoted
	quoted=$(tshark -r "$CUR_PCAP" -Y "icmp.type == 3 and icmp.code == 3" \
		-T fields -e sip.Status-Code -e udp.dstport 2>/dev/null)
	[[ $quoted == $'200\t'"$DEAD_PORT" ]] ||
		die "capture $CUR_NAME: expected one ICMP port unreachable quoting the 200 to port $DEAD_PORT, got: $quoted"
}

# ---------------------------------------------------------------------------
# the captures (A = phone/caller, P = Kamailio proxy, B = callee phone)
# ---------------------------------------------------------------------------

cap_register-auth() {
	uac register-auth.xml 1 -key tp udp -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
}

cap_tcp-register-auth() {
	uac register-auth.xml 1 -t t1 -key tp tcp -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
}

cap_register-callerid-mismatch() {
	uac register-callerid-mismatch.xml 1 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:403")
}

cap_register-wrong-password() {
	uac register-wrong-password.xml 1 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:403")
}

cap_register-unanswered-challenge() {
	uac register-unanswered-challenge.xml 1
	EXPECT=("A>P:REGISTER P>A:401")
}

cap_stale-nonce() {
	uac stale-nonce.xml 1 -d 4500 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200 A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
}

# Kamailio's default configuration (WITH_PLAIN_CHALLENGE) refuses the expired
# nonce of a refresh 32 s after the challenge with a 401 without stale=true
cap_register-expired-nonce() {
	uac stale-nonce.xml 1 -d 32000 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200 A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
	POST_CHECK=(check_no_stale)
}

# one-time nonces (WITH_ONE_TIME_NONCE): the refresh 1 s later re-uses the
# nonce of the first 401 instead of the 200's nextnonce and is challenged
# again, without stale=true
cap_register-one-time-nonce() {
	uac stale-nonce.xml 1 -d 1000 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200 A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
	POST_CHECK=(check_no_stale check_nextnonce_ignored)
}

# the phone sends its first credentials 32 s after the challenge, on the only
# nonce it was given, which has expired by then (WITH_PLAIN_CHALLENGE: no
# stale=true); its retry on the new nonce succeeds
cap_register-slow-retry() {
	uac register-slow-retry.xml 1 -d 32000 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
	POST_CHECK=(check_slow_retry)
}

# INVITE -> 407 -> ACK -> INVITE with credentials, common to all calls
INV_AUTH="A>P:INVITE P>A:407 A>P:ACK A>P:INVITE"

cap_invite-answered() {
	uas uas-answer.xml 1
	uac invite-answered.xml 1 -key callee callee-answer -auth_uri callee-answer@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:BYE P>B:BYE B>P:200 P>A:200")
}

cap_invite-cancel() {
	uas uas-ring-cancel.xml 1
	uac invite-cancel.xml 1 -key callee callee-ring -auth_uri callee-ring@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 A>P:CANCEL P>B:CANCEL P>A:200 B>P:200 B>P:487 P>B:ACK P>A:487 A>P:ACK")
}

cap_invite-404() {
	uac invite-fail.xml 1 -key callee 2138399999 -auth_uri 2138399999@sipkb.test
	EXPECT=("$INV_AUTH P>A:404 A>P:ACK")
}

cap_invite-busy() {
	uas uas-busy.xml 1
	uac invite-fail.xml 1 -key callee callee-busy -auth_uri callee-busy@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:486 P>B:ACK P>A:486 A>P:ACK")
}

cap_invite-unavailable() {
	uas uas-unavailable.xml 1
	uac invite-fail.xml 1 -key callee callee-dnd -auth_uri callee-dnd@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:480 P>B:ACK P>A:480 A>P:ACK")
}

cap_invite-503-retry-after() {
	uac invite-fail.xml 1 -key callee callee-overload -auth_uri callee-overload@sipkb.test
	EXPECT=("$INV_AUTH P>A:503 A>P:ACK")
}

cap_invite-603() {
	uas uas-decline.xml 1
	uac invite-fail.xml 1 -key callee callee-decline -auth_uri callee-decline@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:603 P>B:ACK P>A:603 A>P:ACK")
}

cap_invite-408() {
	uas uas-noanswer.xml 1
	uac invite-fail.xml 1 -key callee callee-noanswer -auth_uri callee-noanswer@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE P>B:INVITE P>B:INVITE P>B:INVITE P>A:408 A>P:ACK")
}

cap_interleaved-calls() {
	uas uas-mixed.xml 4   # carol never reaches the callee (403 from the proxy)
	uac interleaved-calls.xml 5 -l 5 -r 10 -inf "$SCEN/interleaved-calls.csv" \
		-key callee callee-pool -auth_uri callee-pool@sipkb.test
	EXPECT=(
		"$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:BYE P>B:BYE B>P:200 P>A:200"
		"$INV_AUTH P>A:100 P>B:INVITE B>P:486 P>B:ACK P>A:486 A>P:ACK"
		"$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:603 P>B:ACK P>A:603 A>P:ACK"
		"$INV_AUTH P>A:100 P>B:INVITE B>P:480 P>B:ACK P>A:480 A>P:ACK"
		"$INV_AUTH P>A:403 A>P:ACK"
	)
}

# --- added later: SDP negotiation, re-challenge, TCP CANCEL -----------------

cap_register-rejected-rechallenge() {
	# 2138394030 is re-challenged (not 403) on a wrong password (kamailio.cfg)
	uac register-rejected-rechallenge.xml 1 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:401 A>P:REGISTER P>A:401")
	POST_CHECK=(check_fresh_nonces)
}

# in-dialog re-INVITE through the record-routing proxy (no new challenge)
REINVITE="A>P:INVITE P>A:100 P>B:INVITE B>P:200 P>A:200 A>P:ACK P>B:ACK"

cap_invite-sdp-variety() {
	uas uas-sdp-variety.xml 1
	uac invite-sdp-variety.xml 1 -key callee callee-pcma -auth_uri callee-pcma@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK $REINVITE $REINVITE A>P:BYE P>B:BYE B>P:200 P>A:200")
}

cap_invite-488-codec() {
	uas uas-488-codec.xml 1
	uac invite-488-codec.xml 1 -key callee callee-g711 -auth_uri callee-g711@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:488 P>B:ACK P>A:488 A>P:ACK")
}

cap_invite-606-srtp() {
	uas uas-606-srtp.xml 1
	uac invite-606-srtp.xml 1 -key callee callee-nosrtp -auth_uri callee-nosrtp@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:606 P>B:ACK P>A:606 A>P:ACK")
}

cap_invite-no-dtmf-answer() {
	uas uas-answer-no-dtmf.xml 1
	uac invite-no-dtmf-answer.xml 1 -key callee callee-nodtmf -auth_uri callee-nodtmf@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:BYE P>B:BYE B>P:200 P>A:200")
}

cap_invite-tcp-cancel() {
	# caller on TCP, Kamailio relays to the callee over UDP ($du transport=udp)
	uas uas-ring-cancel.xml 1
	uac invite-tcp-cancel.xml 1 -t t1 -key callee callee-ring -auth_uri callee-ring@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 A>P:CANCEL P>B:CANCEL P>A:200 B>P:200 B>P:487 P>B:ACK P>A:487 A>P:ACK")
	POST_CHECK=(check_tcp_caller_leg)
}

# --- added later: a 404 for a user registered a moment ago ---------------------

cap_invite-404-registered() {
	# bob registers the callee phone's address, then a call to bob reaches
	# that phone, whose own dial plan answers 404
	uas uas-not-found.xml 1
	uac register-callee.xml 1 -auth_uri sipkb.test -cid_str "sipkb-%u-reg-$CUR_NAME@%s"
	uac invite-fail.xml 1 -key callee bob -auth_uri bob@sipkb.test
	EXPECT=(
		"A>P:REGISTER P>A:401 A>P:REGISTER P>A:200"
		"$INV_AUTH P>A:100 P>B:INVITE B>P:404 P>B:ACK P>A:404 A>P:ACK"
	)
}

# --- added later: a final response never ACKed, a 408 after the CANCEL ---------

cap_invite-no-ack() {
	# the caller never ACKs the 486: Kamailio retransmits it (Timer G)
	uas uas-busy.xml 1
	uac invite-no-ack.xml 1 -key callee callee-busy -auth_uri callee-busy@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:486 P>B:ACK P>A:486 P>A:486 P>A:486")
}

cap_invite-cancel-408() {
	# the callee answers the CANCEL, then ends the INVITE with 408 instead of 487
	uas uas-ring-cancel-408.xml 1
	uac invite-cancel.xml 1 -key callee callee-ring -auth_uri callee-ring@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 A>P:CANCEL P>B:CANCEL P>A:200 B>P:200 B>P:408 P>B:ACK P>A:408 A>P:ACK")
}

# --- added later: an answer's direction that does not fit, an offer without media -------

cap_invite-sdp-mismatch() {
	uas uas-sdp-mismatch.xml 1
	uac invite-sdp-mismatch.xml 1 -key callee callee-recvonly -auth_uri callee-recvonly@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:INVITE P>A:100 P>B:INVITE B>P:488 P>B:ACK P>A:488 A>P:ACK A>P:BYE P>B:BYE B>P:200 P>A:200")
}

# --- added later: a Caller-ID the proxy accepts, credentials inside the dialog ---------

cap_invite-callerid-accepted() {
	# From 2138394020 with the credentials of 2138394018 (allowed by kamailio.cfg)
	uas uas-answer.xml 1
	uac invite-callerid-accepted.xml 1 -key callee callee-answer -auth_uri callee-answer@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:BYE P>B:BYE B>P:200 P>A:200")
}

# --- added later: a 403 never ACKed, a BYE outside any dialog answered 200 ---------------

cap_invite-403-no-ack() {
	# the caller never ACKs the 403 and sends a BYE along the 180's route set;
	# Kamailio ACKs the callee's 403 itself, relays the BYE (loose routing), and
	# retransmits its own 403 to the caller (Timer G), which SIPp answers with
	# its BYE again; the callee accepts the BYE with 200
	uas uas-ring-forbidden.xml 1
	uac invite-403-no-ack.xml 1 -key callee callee-forbidden -auth_uri callee-forbidden@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:403 P>B:ACK P>A:403 A>P:BYE P>B:BYE B>P:200 P>A:200 P>A:403 A>P:BYE P>A:200 P>A:403 A>P:BYE P>A:200")
}

# --- added later: event packages, a Via without branch, an ICMP error quoting a response ---

cap_subscribe-event-404() {
	# bob subscribes to alice's voicemail state (MWI), then to her presence;
	# alice never registered and Kamailio has no presence or MWI server
	uac subscribe-event.xml 1 -auth_uri alice@sipkb.test \
		-key event message-summary -key accept application/simple-message-summary
	uac subscribe-event.xml 1 -auth_uri alice@sipkb.test -cid_str "sipkb-%u-presence-$CUR_NAME@%s" \
		-key event presence -key accept application/pidf+xml
	EXPECT=(
		"A>P:SUBSCRIBE P>A:407 A>P:SUBSCRIBE P>A:404"
		"A>P:SUBSCRIBE P>A:407 A>P:SUBSCRIBE P>A:404"
	)
}

cap_register-no-branch() {
	uac register-no-branch.xml 1 -auth_uri sipkb.test
	EXPECT=("A>P:REGISTER P>A:401 A>P:REGISTER P>A:200")
}

cap_options-icmp-response() {
	# the OPTIONS names port 5062 in its Via (no rport): the 200 goes there
	port_busy udp "$DEAD_PORT" && die "UDP port $DEAD_PORT is in use: the 200 would be delivered"
	uac options-icmp-response.xml 1 -nr -key via_port "$DEAD_PORT"
	# the 200 and its copy quoted in the ICMP error
	EXPECT=("A>P:OPTIONS P>A:200 P>A:200")
	POST_CHECK=(check_icmp_quotes_200)
}

cap_options-challenged-by-callee() {
	# the callee asks for credentials of its own realm; Kamailio does not
	# authenticate OPTIONS and relays the 401 and the 200
	uas uas-challenge.xml 1
	uac options-challenged-by-callee.xml 1 -key callee callee-auth -auth_uri callee-auth@sipkb.test
	EXPECT=("A>P:OPTIONS P>B:OPTIONS B>P:401 P>A:401 A>P:OPTIONS P>B:OPTIONS B>P:200 P>A:200")
}

# --- added later: a Request-URI host that DNS does not resolve ------------------

cap_invite-dns-failure() {
	# callee@pbx.sipkb.test: SRV -> uas.sipkb.test:5090, A -> 127.0.0.1, the
	# callee answers 486; callee@pbx.nowhere.invalid: SRV and A NXDOMAIN, and
	# Kamailio answers 478 Unresolvable destination itself
	uas uas-busy.xml 1
	uac invite-dns.xml 1 -key callee callee -key domain pbx.sipkb.test \
		-auth_uri callee@pbx.sipkb.test -cid_str "sipkb-%u-srv-$CUR_NAME@%s"
	uac invite-dns.xml 1 -key callee callee -key domain pbx.nowhere.invalid \
		-auth_uri callee@pbx.nowhere.invalid
	EXPECT=(
		"$INV_AUTH P>A:100 P>B:INVITE B>P:486 P>B:ACK P>A:486 A>P:ACK"
		"$INV_AUTH P>A:100 P>A:478 A>P:ACK"
	)
	POST_CHECK=(check_dns_lookups)
}

# Kamailio looked up both hosts (RFC 3263: SRV, then A): pbx.sipkb.test was
# found, pbx.nowhere.invalid answered NXDOMAIN for both, before the 478
check_dns_lookups() {
	local answers want
	answers=$(tshark -r "$CUR_PCAP" -Y 'dns.flags.response == 1' -T fields \
		-e dns.qry.name -e dns.qry.type -e dns.flags.rcode -e dns.count.answers 2>/dev/null)
	want=$(printf '%s\t%s\t%s\t%s\n' \
		_sip._udp.pbx.sipkb.test 33 0 1 uas.sipkb.test 1 0 1 \
		_sip._udp.pbx.nowhere.invalid 33 3 0 pbx.nowhere.invalid 1 3 0)
	[[ $answers == "$want" ]] ||
		die "capture $CUR_NAME: unexpected DNS answers:"$'\n'"$answers"
}

# --- added later: a 202 that starts a subscription, a 202 that accepts a transfer ------

cap_subscribe-accepted() {
	# the notifier phone registers as bob; alice subscribes to bob's presence,
	# Kamailio finds bob in its location table and record-routes the SUBSCRIBE;
	# the notifier answers 202 and NOTIFYs, alice unsubscribes (Expires: 0)
	uas uas-notifier.xml 1
	uac register-callee.xml 1 -auth_uri sipkb.test -cid_str "sipkb-%u-reg-$CUR_NAME@%s"
	uac subscribe-accepted.xml 1 -key notifier bob -auth_uri bob@sipkb.test
	EXPECT=(
		"A>P:REGISTER P>A:401 A>P:REGISTER P>A:200"
		"A>P:SUBSCRIBE P>A:407 A>P:SUBSCRIBE P>B:SUBSCRIBE B>P:202 P>A:202 B>P:NOTIFY P>A:NOTIFY A>P:200 P>B:200 A>P:SUBSCRIBE P>B:SUBSCRIBE B>P:202 P>A:202 B>P:NOTIFY P>A:NOTIFY A>P:200 P>B:200"
	)
}

cap_refer-accepted() {
	# the caller transfers the answered call to carol with an in-dialog REFER;
	# the callee accepts it (202) and reports the transfer in two NOTIFYs
	uas uas-transferee.xml 1
	uac refer-accepted.xml 1 -key callee callee-transfer -auth_uri callee-transfer@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:REFER P>B:REFER B>P:202 P>A:202 B>P:NOTIFY P>A:NOTIFY A>P:200 P>B:200 B>P:NOTIFY P>A:NOTIFY A>P:200 P>B:200 A>P:BYE P>B:BYE B>P:200 P>A:200")
}

# --- added later: hold with c=0.0.0.0 and inactive, answered by a real phone --------

cap_invite-hold-inactive() {
	# baresip answers the call and each re-INVITE: c=0.0.0.0 (RFC 2543 hold),
	# a=inactive, resume
	baresip_callee callee-hold
	uac invite-hold-inactive.xml 1 -key callee callee-hold -auth_uri callee-hold@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK $REINVITE $REINVITE $REINVITE A>P:BYE P>B:BYE B>P:200 P>A:200")
	POST_CHECK=(check_hold_offers_answers)
}

cap_invite-hold-baresip() {
	# baresip answers the call, then puts it on hold and resumes it when the
	# caller's scenario presses its keys; the caller answers both re-INVITEs
	baresip_callee callee-hold
	uac invite-hold-baresip.xml 1 -key callee callee-hold -auth_uri callee-hold@sipkb.test \
		-key console "$BARESIP_CONSOLE_PORT"
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK B>P:INVITE P>B:100 P>A:INVITE A>P:200 P>B:200 B>P:ACK P>A:ACK B>P:INVITE P>B:100 P>A:INVITE A>P:200 P>B:200 B>P:ACK P>A:ACK A>P:BYE P>B:BYE B>P:200 P>A:200")
	POST_CHECK=(check_baresip_hold)
}

# check_callee_leg_sdp <tshark field>... -- <line>...: each SDP body on the
# callee leg, in order, as its fields ("-" when empty) and its direction (no
# attribute: sendrecv), must be the lines given
check_callee_leg_sdp() {
	local fields=() got want
	while [[ $1 != -- ]]; do fields+=(-e "$1"); shift; done
	shift
	got=$(tshark -r "$CUR_PCAP" -Y "sdp and (udp.srcport == $UAS_PORT or udp.dstport == $UAS_PORT)" \
		-T fields -E separator='|' "${fields[@]}" -e sdp.media_attr 2>/dev/null |
		awk -F'|' '{
			d = "sendrecv"; n = split($NF, attr, ",")
			for (i = 1; i <= n; i++) if (attr[i] ~ /^(sendrecv|sendonly|recvonly|inactive)$/) d = attr[i]
			line = ""; for (i = 1; i < NF; i++) line = line ($i == "" ? "-" : $i) " "
			print line d
		}')
	want=$(printf '%s\n' "$@")
	[[ $got == "$want" ]] ||
		die "capture $CUR_NAME: unexpected offers/answers on the callee leg:"$'\n'"$got"
}

# the offers and baresip's answers of the four INVITEs: CSeq, status, address
check_hold_offers_answers() {
	check_callee_leg_sdp sip.CSeq.seq sip.Status-Code sdp.connection_info.address -- \
		"2 - 127.0.0.1 sendrecv" "2 200 127.0.0.1 sendrecv" \
		"3 - 0.0.0.0 sendrecv" "3 200 127.0.0.1 sendrecv" \
		"4 - 127.0.0.1 inactive" "4 200 127.0.0.1 inactive" \
		"5 - 127.0.0.1 sendrecv" "5 200 127.0.0.1 sendrecv"
}

# baresip's re-INVITEs hold (sendonly) and resume (sendrecv), and the caller's
# answers fit them (recvonly, sendrecv)
check_baresip_hold() {
	check_callee_leg_sdp sip.Method sip.Status-Code -- \
		"INVITE - sendrecv" "- 200 sendrecv" "INVITE - sendonly" "- 200 recvonly" \
		"INVITE - sendrecv" "- 200 sendrecv"
}

# --- added later: an in-dialog request whose CSeq is lower than the dialog's last ---

cap_indialog-cseq-out-of-order() {
	# baresip answers; the caller sends DTMF by INFO with CSeq 4, then one with
	# CSeq 3, which baresip refuses with 500 (RFC 3261 section 12.2.2)
	baresip_callee callee-baresip
	uac indialog-cseq-out-of-order.xml 1 -key callee callee-baresip -auth_uri callee-baresip@sipkb.test
	EXPECT=("$INV_AUTH P>A:100 P>B:INVITE B>P:180 P>A:180 B>P:200 P>A:200 A>P:ACK P>B:ACK A>P:INFO P>B:INFO B>P:200 P>A:200 A>P:INFO P>B:INFO B>P:500 P>A:500 A>P:BYE P>B:BYE B>P:200 P>A:200")
}

run_capture() { # name
	CUR_NAME=$1
	EXPECT=()
	POST_CHECK=()
	uses_dns "$CUR_NAME" && start_dnsmasq
	start_kamailio "$CUR_NAME"
	start_capture "$CUR_NAME"
	"cap_$CUR_NAME"
	wait_uas
	stop_baresip
	stop_capture
	stop_kamailio
	stop_dnsmasq
	verify "${EXPECT[@]}"
	local c
	for c in "${POST_CHECK[@]}"; do "$c"; done
	local n size
	n=$(tshark -r "$CUR_PCAP" 2>/dev/null | wc -l)
	size=$(stat -c %s "$CUR_PCAP")
	chmod 644 "$CUR_PCAP"   # dumpcap creates 0600 files
	mv -f "$CUR_PCAP" "$OUTDIR/$CUR_NAME.pcapng"
	printf '%-38s %3d packets %6d bytes\n' "$CUR_NAME.pcapng" "$n" "$size"
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

main() {
	local names=() n known
	while (($#)); do
		case $1 in
		-h | --help) usage; exit 0 ;;
		--list) printf '%s\n' "${ALL_CAPTURES[@]}"; exit 0 ;;
		-*) usage >&2; die "unknown option $1" ;;
		*)
			n=${1%.pcapng}
			known=0
			for k in "${ALL_CAPTURES[@]}"; do [[ $k == "$n" ]] && known=1; done
			((known)) || die "unknown capture '$1' (try --list)"
			names+=("$n")
			;;
		esac
		shift
	done
	((${#names[@]})) || names=("${ALL_CAPTURES[@]}")

	check_tools
	check_ports "${names[@]}"
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-captures.XXXXXX")
	trap cleanup EXIT
	trap 'log "make-captures: interrupted"; exit 130' INT
	trap 'log "make-captures: terminated"; exit 143' TERM

	local t0=$SECONDS
	check_kamailio_cfg
	for n in "${names[@]}"; do
		run_capture "$n"
	done
	FAILED=0
	log "make-captures: ${#names[@]} capture(s) written to $OUTDIR in $((SECONDS - t0)) s"
}

main "$@"
