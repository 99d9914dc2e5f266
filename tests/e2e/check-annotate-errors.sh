#!/usr/bin/env bash
# Error paths of sipkb-annotate: each case must exit with status 2 (1 for a usage error), say
# why on stderr, and leave nothing in the output folder: no output, no temporary file, and an
# existing output file untouched. Also interrupts a long run with SIGTERM in its second pass.
#
# Usage: SIPKB_PLUGIN_DIR=<build>/plugins check-annotate-errors.sh SIPKB_ANNOTATE CAPTURE_DIR
# Runs the program as `nobody` when called as root (Wireshark running as root loads plugins
# only from its global folder), on copies in a private staging folder.
set -euo pipefail
: "${SIPKB_PLUGIN_DIR:?set SIPKB_PLUGIN_DIR to the plugins folder of the build}"
annotate=$1 captures=$2

stage=$(mktemp -d "${TMPDIR:-/tmp}/sipkb-annotate-errors.XXXXXX")
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"
mkdir -m 755 "$stage/in" "$stage/empty-plugins"
mkdir -m 777 "$stage/home" "$stage/out"
mkdir -m 555 "$stage/read-only"
cp -R "$SIPKB_PLUGIN_DIR" "$stage/plugins"
cp "$annotate" "$stage/sipkb-annotate"
chmod -R a+rX "$stage"

# Sets `cmd` to the command line that runs the given command with the staged plugins (or
# those of the folder given first) as `nobody` when root.
user_command() { # [plugin dir] -- command...
    local plugins=$stage/plugins
    if [[ $1 != -- ]]; then
        plugins=$1
        shift
    fi
    shift
    cmd=(env -i PATH="$PATH" HOME="$stage/home" LANG=C.UTF-8 WIRESHARK_PLUGIN_DIR="$plugins" "$@")
    if [[ $(id -u) == 0 ]]; then
        cmd=(setpriv --reuid="$(id -u nobody)" --regid="$(id -g nobody)" --clear-groups "${cmd[@]}")
    fi
}

failures=0
check() { # name expected-status message-regex out-dir [plugins] -- args...
    local name=$1 want_status=$2 want_message=$3 dir=$4
    shift 4
    local status=0
    user_command "$@"
    "${cmd[@]}" 2> "$stage/stderr" > /dev/null || status=$?
    local problems=()
    [[ $status == "$want_status" ]] || problems+=("exit status $status, expected $want_status")
    grep -Eq -- "$want_message" "$stage/stderr" ||
        problems+=("message does not match /$want_message/: $(cat "$stage/stderr")")
    if [[ -d $dir ]]; then
        local left
        left=$(find "$dir" -mindepth 1 ! -name old-output.pcapng -printf '%f ')
        [[ -z $left ]] || problems+=("left behind in $(basename "$dir"): $left")
    fi
    if ((${#problems[@]})); then
        printf 'FAIL %s: %s\n' "$name" "${problems[*]}" >&2
        failures=$((failures + 1))
    else
        echo "ok   $name: $(head -n 1 "$stage/stderr")"
    fi
}

good=$stage/in/good.pcapng
cp "$captures/register-callerid-mismatch.pcapng" "$good"
head -c $(($(stat -c %s "$captures/interleaved-calls.pcapng") - 300)) \
    "$captures/interleaved-calls.pcapng" > "$stage/in/truncated.pcapng"
printf 'REGISTER sip:example.com SIP/2.0\r\nthis is not a capture file\r\n' > "$stage/in/text.txt"
chmod 644 "$stage"/in/*
printf 'old output\n' > "$stage/out/old-output.pcapng"
chmod 666 "$stage/out/old-output.pcapng"
bin=$stage/sipkb-annotate out=$stage/out

check "usage" 1 "^Usage: sipkb-annotate" "$out" -- "$bin"
check "missing input" 2 "can't read \".*missing.pcapng\": No such file or directory" "$out" -- \
    "$bin" "$stage/in/missing.pcapng" "$out/new.pcapng"
check "not a capture file" 2 "text.txt\" is not a capture file" "$out" -- \
    "$bin" "$stage/in/text.txt" "$out/new.pcapng"
check "capture cut short" 2 "truncated.pcapng\" is cut short .* nothing was written" "$out" -- \
    "$bin" "$stage/in/truncated.pcapng" "$out/old-output.pcapng"
[[ $(cat "$out/old-output.pcapng") == "old output" ]] ||
    { echo "FAIL capture cut short: the existing output file was changed" >&2; failures=$((failures + 1)); }
check "read-only output folder" 2 "can't write \".*read-only/new.pcapng\": Permission denied" \
    "$stage/read-only" -- "$bin" "$good" "$stage/read-only/new.pcapng"
check "missing output folder" 2 "can't write \".*no-such-dir/new.pcapng\": No such file" "$out" -- \
    "$bin" "$good" "$stage/no-such-dir/new.pcapng"
check "plugin not loaded" 2 "sipkb plugin is not loaded.*nothing was written" "$out" \
    "$stage/empty-plugins" -- "$bin" "$good" "$out/new.pcapng"

# Interrupted while writing: the temporary file beside the output must go away.
copies=()
for i in $(seq 1 200); do copies+=("$captures/interleaved-calls.pcapng"); done
mergecap -a -w "$stage/in/long.pcapng" "${copies[@]}"
chmod 644 "$stage/in/long.pcapng"
user_command -- "$bin" -q "$stage/in/long.pcapng" "$out/long.pcapng"
"${cmd[@]}" 2> /dev/null & # setpriv and env exec the program: $! is its pid
pid=$!
for _ in $(seq 1 6000); do
    compgen -G "$out/.long.pcapng.*" > /dev/null && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.01
done
if compgen -G "$out/.long.pcapng.*" > /dev/null; then
    kill -TERM "$pid"
    status=0
    wait "$pid" || status=$?
    left=$(find "$out" -mindepth 1 ! -name old-output.pcapng -printf '%f ')
    if [[ $status != 143 || -n $left ]]; then
        echo "FAIL interrupted: exit status $status, left behind: ${left:-nothing}" >&2
        failures=$((failures + 1))
    else
        echo "ok   interrupted in the second pass: status 143, nothing left behind"
    fi
else
    wait "$pid" || true
    echo "FAIL interrupted: the run ended before its second pass could be interrupted" >&2
    failures=$((failures + 1))
fi

((failures == 0))
