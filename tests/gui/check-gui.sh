#!/usr/bin/env bash
# Checks sipkb in the real Wireshark window (Debian's Qt wireshark under Xvfb) and takes the
# screenshots the README shows:
#
#   gui-403-callerid.png     packet details of the 403 after a Caller-ID mismatch
#   gui-401-answered.png     packet details of a 401 challenge answered by the retry
#   gui-sdp-offer.png        packet details of an INVITE's SDP offer, explained line by line
#   gui-expert.png           Analyze > Expert Information with sipkb's items
#   gui-preferences.png      Edit > Preferences > Protocols > sipkb
#   gui-statistics-menu.png  the Statistics menu with sipkb's entry
#   gui-statistics.png       sipkb's statistics tree (Statistics > SIP knowledge base (sipkb))
#   gui-about-plugins.png    Help > About Wireshark > Plugins listing sipkb.so
#
# Usage: tests/gui/check-gui.sh [--no-install] [--no-build] [--build-dir DIR] [--out DIR]
#   --no-install   do not install missing Debian packages (fail instead)
#   --no-build     use the existing build in the build folder
#   --build-dir    the build folder (default: $SIPKB_BUILD_DIR or build)
#   --out          where the PNGs go (default: docs/screenshots)
# Environment: SIPKB_GUI_TIMEOUT (seconds for the GUI part, default 600), SIPKB_GUI_USER (the
# unprivileged user the GUI runs as when called as root, default sipkb-gui, created if missing),
# SIPKB_WIRESHARK (the wireshark program, default wireshark).
#
# It fails (non-zero) when a Wireshark window or dialog does not open, when the plugin is not
# loaded (tshark -G plugins in the same environment, and the About dialog's Plugins tab read
# back by OCR), when the build has no statistics tree (sipkb,tree), or when a screenshot does
# not show what it should (each is read back by OCR). The PNGs are
# written only when every check passed; a failure leaves its evidence in <build>/gui-failure/.
#
# Nothing is installed into Wireshark's folders: Wireshark running as root loads plugins only
# from its global folder, so as root the GUI runs as an unprivileged user with
# WIRESHARK_PLUGIN_DIR pointing at a copy of the fresh build's plugins folder and HOME at a
# scratch folder. The machine's own display is not used: Xvfb on a free display number.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"

install=1
build=1
build_dir=${SIPKB_BUILD_DIR:-build}
out_dir=docs/screenshots
while (($#)); do
    case $1 in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --build-dir) build_dir=${2:?--build-dir needs a folder}; shift ;;
    --out) out_dir=${2:?--out needs a folder}; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-gui: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
gui_timeout=${SIPKB_GUI_TIMEOUT:-600}
gui_user=${SIPKB_GUI_USER:-sipkb-gui}
wireshark_bin=${SIPKB_WIRESHARK:-wireshark}
started=$SECONDS
export OMP_THREAD_LIMIT=1 # tesseract: one thread is several times faster here than many

say() { printf 'check-gui: %s\n' "$*"; }

# ---- packages -------------------------------------------------------------------------------
packages_prog=check-gui
. tools/debian-packages.sh
packages=("${sipkb_build_packages[@]}" wireshark-qt xvfb x11-utils xdotool imagemagick
    tesseract-ocr tesseract-ocr-eng fonts-dejavu-core)
mapfile -t missing < <(missing_packages "${packages[@]}")
if ((${#missing[@]})); then
    if ((!install)); then
        echo "check-gui: missing Debian packages: ${missing[*]}" >&2
        exit 1
    fi
    say "installing ${missing[*]}"
    install_packages "${missing[@]}" > /dev/null
fi

# The real ImageMagick (a `convert` earlier on PATH may be something else).
im_convert=$(command -v convert-im6.q16 || command -v /usr/bin/convert)
im_import=$(command -v import-im6.q16 || command -v /usr/bin/import)

# ---- build ----------------------------------------------------------------------------------
if ((build)); then
    say "building in $build_dir"
    cmake -S . -B "$build_dir" > /dev/null
    cmake --build "$build_dir" -j "$(nproc)" > "$build_dir/gui-build.log" 2>&1 || {
        tail -30 "$build_dir/gui-build.log" >&2
        exit 1
    }
fi
ws_version=$(tshark -v 2> /dev/null | sed -n '1s/^TShark (Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
plugin_so=$build_dir/plugins/$ws_version/epan/sipkb.so
[[ -f $plugin_so ]] || { echo "check-gui: no $plugin_so: build first" >&2; exit 1; }

# ---- the unprivileged set-up ----------------------------------------------------------------
# One run at a time, in a fixed staging folder: the plugin's path shows in the About dialog,
# and a fixed one keeps the screenshots equal from run to run.
stage=${TMPDIR:-/tmp}/sipkb-gui-check-$(id -u)
exec 9> "$stage.lock"
flock -n 9 || { echo "check-gui: another run holds $stage.lock" >&2; exit 1; }
rm -rf "$stage"
mkdir -m 755 "$stage"
mkdir -m 755 "$stage/captures" "$stage/shots" "$stage/home"
cp -R "$build_dir/plugins" "$stage/plugins"
cp captures/*.pcapng "$stage/captures/"
chmod -R a+rX "$stage/plugins" "$stage/captures"
fail_dir=$build_dir/gui-failure
rm -rf "$fail_dir"

run_as=()
if [[ $(id -u) == 0 ]]; then
    if ! id "$gui_user" > /dev/null 2>&1; then
        say "creating the unprivileged user $gui_user"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$gui_user"
    fi
    run_as=(setpriv --reuid="$(id -u "$gui_user")" --regid="$(id -g "$gui_user")" --init-groups --)
fi

# Wireshark's personal settings: a fixed window, list above details, no bytes pane.
conf=$stage/home/.config/wireshark
mkdir -p "$conf" "$stage/home/run"
cat > "$conf/recent_common" << 'EOF'
gui.geometry_main_x: 0
gui.geometry_main_y: 0
gui.geometry_main_width: 1280
gui.geometry_main_height: 900
gui.geometry_main_maximized: FALSE
privs.warn_if_elevated: FALSE
sys.warn_if_no_capture: FALSE
EOF
cat > "$conf/recent" << 'EOF'
gui.byte_view_show: FALSE
gui.packet_diagram_show: FALSE
gui.geometry_main_upper_pane: 150
EOF
cat > "$conf/preferences" << 'EOF'
gui.layout_type: 1
gui.layout_content_1: PLIST
gui.layout_content_2: PDETAILS
gui.layout_content_3: NONE
EOF
chmod 700 "$stage/home/run"
if ((${#run_as[@]})); then
    chown -R "$gui_user:" "$stage/home"
fi

display=""
user_env() {
    printf '%s\n' PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$stage/home" \
        XDG_CONFIG_HOME="$stage/home/.config" XDG_RUNTIME_DIR="$stage/home/run" LANG=C.UTF-8 \
        WIRESHARK_PLUGIN_DIR="$stage/plugins" ${display:+DISPLAY=$display} QT_QPA_PLATFORM=xcb
}
as_user() {
    local env_vars
    mapfile -t env_vars < <(user_env)
    "${run_as[@]}" env -i "${env_vars[@]}" "$@"
}

# ---- clean-up, whatever happens -------------------------------------------------------------
ws_pid=""
xvfb_pid=""
watchdog_pid=""
cleanup() {
    local status=$?
    set +e
    for pid in $ws_pid $xvfb_pid $watchdog_pid; do kill "$pid" 2> /dev/null; done
    sleep 0.5
    for pid in $ws_pid $xvfb_pid; do kill -9 "$pid" 2> /dev/null; done
    wait 2> /dev/null
    rm -rf "$stage"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'echo "check-gui: timed out" >&2; exit 124' TERM

fail() {
    echo "check-gui: FAIL: $*" >&2
    mkdir -p "$fail_dir"
    if [[ -n $display ]]; then
        "$im_import" -display "$display" -window root "$fail_dir/screen.png" 2> /dev/null || true
    fi
    [[ -f $stage/wireshark.log ]] && cp "$stage/wireshark.log" "$fail_dir/"
    cp "$stage"/shots/*.png "$fail_dir/" 2> /dev/null || true
    echo "check-gui: the screen and the screenshots so far are in $fail_dir" >&2
    exit 1
}

# ---- the plugin, seen by Wireshark in this environment --------------------------------------
plugins=$(as_user tshark -G plugins 2> /dev/null) || true
grep -q "^sipkb\.so.*$stage/plugins/" <<< "$plugins" ||
    fail "tshark -G plugins (same user and plugin folder as the GUI) does not list sipkb.so"
z_help=$(as_user tshark -z help 2>&1) || true # the list goes to stderr
grep -qx '[[:space:]]*sipkb,tree' <<< "$z_help" ||
    fail "tshark -z help (same environment) lists no sipkb,tree: no statistics tree registered"

# ---- the display ----------------------------------------------------------------------------
("$im_convert" -version | grep -q ImageMagick) || fail "$im_convert is not ImageMagick"
Xvfb -displayfd 3 -screen 0 1600x1000x24 -nolisten tcp -noreset 3> "$stage/display" \
    > "$stage/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do
    [[ -s $stage/display ]] && break
    kill -0 "$xvfb_pid" 2> /dev/null || fail "Xvfb did not start: $(cat "$stage/xvfb.log")"
    sleep 0.1
done
display=:$(tr -dc 0-9 < "$stage/display")
[[ $display != : ]] || fail "Xvfb gave no display number"
export DISPLAY=$display
xdpyinfo > /dev/null 2>&1 || fail "cannot connect to Xvfb on $display"
say "Xvfb on $display"

# The GUI part is bounded in time: the watchdog ends this script, and the trap ends the rest.
(
    sleep "$gui_timeout" &
    sleeper=$!
    trap 'kill $sleeper 2> /dev/null; exit 0' TERM
    wait "$sleeper"
    kill -TERM $$ 2> /dev/null
) &
watchdog_pid=$!

# ---- helpers --------------------------------------------------------------------------------
# The first visible window whose title matches an extended regex, within a number of seconds.
wait_window() {
    local pattern=$1 seconds=$2 id
    for _ in $(seq $((seconds * 4))); do
        id=$(xdotool search --onlyvisible --name "$pattern" 2> /dev/null | head -1) || true
        if [[ -n $id ]]; then
            echo "$id"
            return 0
        fi
        [[ -n $ws_pid ]] && ! kill -0 "$ws_pid" 2> /dev/null && return 1
        sleep 0.25
    done
    return 1
}

geometry() { # sets X Y WIDTH HEIGHT of a window
    eval "$(xdotool getwindowgeometry --shell "$1")"
}

ws_start() { # capture file name, then more wireshark arguments
    local capture=$1
    shift
    ws_stop
    as_user "$wireshark_bin" -r "$stage/captures/$capture" "$@" > "$stage/wireshark.log" 2>&1 &
    ws_pid=$!
    main_window=$(wait_window "^${capture//./\\.}\$" 60) ||
        fail "the Wireshark window did not open for $capture: $(tail -5 "$stage/wireshark.log")"
    sleep 2 # the capture is read and dissected
    kill -0 "$ws_pid" 2> /dev/null || fail "Wireshark exited: $(tail -5 "$stage/wireshark.log")"
}

ws_stop() {
    [[ -n $ws_pid ]] || return 0
    kill "$ws_pid" 2> /dev/null || true
    for _ in $(seq 20); do
        kill -0 "$ws_pid" 2> /dev/null || break
        sleep 0.25
    done
    kill -9 "$ws_pid" 2> /dev/null || true
    wait "$ws_pid" 2> /dev/null || true
    ws_pid=""
}

park_mouse() { xdotool mousemove 1599 999; } # off the window: no hover highlight, no tooltip

keys() {
    xdotool key --delay 150 "$@"
    sleep 0.4
}

# In a dialog: select the first visible tree item whose text starts with the words (Qt's
# type-ahead; the main window sends typed text to the display filter instead).
find_item() {
    xdotool type --delay 40 "$1"
    sleep 0.7 # past Qt's keyboard-search interval, so the next search starts afresh
}

focus() {
    xdotool windowfocus "$1" 2> /dev/null || true
    sleep 0.4
}

# A PNG of a window (or, with a geometry, of that part of the screen), made small. The mouse
# is moved off the window first, unless keep_mouse=1.
shot() { # name window-id | name x y width height
    local name=$1 raw=$stage/shots/raw-$1.png
    ((${keep_mouse:-0})) || park_mouse
    sleep 0.5
    if (($# == 2)); then
        "$im_import" -window "$2" "$raw"
    else
        "$im_import" -window root -crop "${4}x${5}+${2}+${3}" +repage "$raw"
    fi
    "$im_convert" "$raw" -strip +dither -colors 64 -define png:exclude-chunks=date,time \
        "PNG8:$stage/shots/$name.png"
    rm -f "$raw"
    local size
    size=$(stat -c %s "$stage/shots/$name.png")
    ((size < 150000)) || fail "$name.png is $size bytes (150 KB at most)"
}

# OCR. Text is read on the picture as it is and, for rows drawn on a colour (the selected row,
# the severity colours), on a copy that keeps only what differs from the local background.
ocr() { # image [ink] -> the words, in tesseract's TSV
    local prep=(-colorspace Gray)
    if [[ ${2:-} == ink ]]; then
        prep+=(\( +clone -statistic Median 9x9 \) -compose Difference -composite -negate -normalize)
    fi
    "$im_convert" "$1" "${prep[@]}" -resize 200% "$stage/ocr.png"
    tesseract "$stage/ocr.png" stdout tsv 2> /dev/null
}

ocr_text() { # image -> all the text read, on one line
    { ocr "$1"; ocr "$1" ink; } | awk -F'\t' '$1 == 5 { printf "%s ", $12 }' | tr -s '[:space:]' ' '
}

# Fails unless every phrase is on the screenshot.
expect_text() { # name phrase...
    local name=$1 text
    shift
    text=$(ocr_text "$stage/shots/$name.png")
    for phrase in "$@"; do
        grep -qiF -- "$phrase" <<< "$text" ||
            fail "$name.png does not show \"$phrase\" (read on screen: ${text:0:600})"
    done
}

# The main window's part of the screen, for find_row.
snap() {
    park_mouse
    sleep 0.3
    "$im_import" -window root -crop 1280x900+0+0 +repage "$stage/screen.png"
    rm -f "$stage/screen.tsv" "$stage/screen-ink.tsv"
}

# Where a row of the main window starts with the words (or holds them, with "anywhere"), on
# the screen as last snapped: "x y" of the words. Leading tree arrows (read as one odd
# character), brackets and quotes are ignored. Fails when no row has them.
find_row() { # words [anywhere]
    local at
    [[ -f $stage/screen.tsv ]] || ocr "$stage/screen.png" > "$stage/screen.tsv"
    at=$(rows_starting "$@" < "$stage/screen.tsv")
    if [[ -z $at ]]; then
        [[ -f $stage/screen-ink.tsv ]] || ocr "$stage/screen.png" ink > "$stage/screen-ink.tsv"
        at=$(rows_starting "$@" < "$stage/screen-ink.tsv")
    fi
    [[ -n $at ]] || fail "no row \"$1\" on the screen"
    echo "$at"
}

click_at() { # "x y"
    # shellcheck disable=SC2086
    xdotool mousemove $1 click 1
    sleep 0.4
}

rows_starting() { # words [anywhere]; tesseract's TSV on stdin -> "x y" of the topmost row
    # starting with the words (or, with "anywhere", holding them)
    awk -F'\t' -v want="$1" -v anywhere="${2:-}" '
        function bare(s) { sub(/^[^[:alnum:]]+/, "", s); return tolower(s) }
        $1 == 5 && $12 != "" {
            key = $3 "_" $4 "_" $5
            if (!(key in n)) { order[++lines] = key; y[key] = int(($8 + $10 / 2) / 2) }
            i = ++n[key]; word[key, i] = $12; left[key, i] = int($7 / 2)
        }
        END {
            want = bare(want)
            for (l = 1; l <= lines; l++) {
                key = order[l]; first = 1
                while (first < n[key] && (length(word[key, first]) <= 1 ||
                       word[key, first] !~ /[[:alnum:]]/)) first++
                last = anywhere ? n[key] : first
                for (s = first; s <= last; s++) {
                    text = word[key, s]
                    for (i = s + 1; i <= n[key]; i++) text = text " " word[key, i]
                    if (index(bare(text), want) == 1 && y[key] < 865 && (!found || y[key] < best)) {
                        found = 1; best = y[key]; at = (left[key, s] + 4) " " y[key]
                    }
                }
            }
            if (found) print at
        }'
}

hover() { # "x y"; a menu takes the second move as the pointer's
    # shellcheck disable=SC2086
    xdotool mousemove $(( ${1% *} + 40 )) ${1#* } sleep 0.3 mousemove $1 sleep 0.3
}

main_shot() { shot "$1" 0 0 1280 900; }

# In the packet details: collapse everything, open sipkb's item and then the subtrees named
# (from the lowest up, so that the rows above stay where they were read), and select sipkb's
# item again. A label prefixed with + has all its subtrees opened (View > Expand Subtrees).
open_sipkb() { # subtree label...
    local top label at key rows=()
    focus "$main_window"
    keys ctrl+Left # View > Collapse All
    snap
    at=$(find_row "Session Initiation Protocol")
    top=$(find_row "SIP knowledge base")
    click_at "$at" # gives the pane the keyboard
    click_at "$top"
    keys Right
    snap
    for label in "$@"; do
        key=Right
        [[ $label == +* ]] && key=shift+Right label=${label#+}
        at=$(find_row "$label")
        rows+=("${at#* } ${at% *} $key")
    done
    while read -r y x key; do
        [[ -n $y ]] || continue
        click_at "$x $y"
        keys "$key"
    done < <(printf '%s\n' "${rows[@]}" | sort -rn)
    click_at "$top"
}

# ---- 1. the 403 after a Caller-ID mismatch ---------------------------------------------------
say "403 after a Caller-ID mismatch"
ws_start register-callerid-mismatch.pcapng -Y sipkb -g 4
shot gui-403-default 0 0 1280 900
# Failures are open by default: the subtree's own items show without any click.
expect_text gui-403-default "SIP knowledge base: 403 Forbidden" "Likely causes" "What to check next"
rm -f "$stage/shots/gui-403-default.png"
open_sipkb "Caller-ID" "Likely causes" "What to check next"
main_shot gui-403-callerid
expect_text gui-403-callerid "403 Forbidden" "Caller-ID mismatch: the request (frame 3)" \
    "Digest username" "Check:"

# ---- 2. an answered 401 challenge ------------------------------------------------------------
say "answered 401 challenge"
ws_start register-auth.pcapng -g 2
open_sipkb "Authentication" "Likely causes"
main_shot gui-401-answered
expect_text gui-401-answered "SIP knowledge base: 401 Unauthorized" "Authentication" \
    "Realm: sipkb.test" "Answered in"

# ---- 3. an SDP offer ------------------------------------------------------------------------
say "SDP offer"
ws_start invite-sdp-variety.pcapng -g 1
open_sipkb "+SDP explained" # every line and payload type of the offer
main_shot gui-sdp-offer
expect_text gui-sdp-offer "SIP knowledge base: INVITE" "SDP explained" "telephone-event" \
    "Payload type"

# ---- 4. Expert Information, preferences, About > Plugins -----------------------------------
say "Expert Information"
ws_start register-callerid-mismatch.pcapng -z expert
expert=$(wait_window '^Wireshark .* Expert Information' 30) ||
    fail "the Expert Information dialog did not open"
xdotool windowmove "$expert" 60 120 windowsize "$expert" 1100 400
sleep 1
focus "$expert"
geometry "$expert"
xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT - 130)) click 1 # the list's empty part
sleep 0.4
keys End
for _ in 1 2 3 4 5 6; do keys Right Up; done # open every group, from the last one up
shot gui-expert "$expert"
expect_text gui-expert "Severity" "sipkb" "Request failed" "Status: 403 Forbidden" \
    "Caller-ID (From user) differs from the digest username" "Authentication challenge"
keys Escape

say "preferences"
focus "$main_window"
keys ctrl+shift+p
prefs=$(wait_window '^Wireshark .* Preferences' 20) || fail "the Preferences dialog did not open"
xdotool windowmove "$prefs" 60 60 windowsize "$prefs" 820 420
sleep 1
focus "$prefs"
find_item Protocols
keys Right
find_item sipkb
shot gui-preferences "$prefs"
expect_text gui-preferences "SIP knowledge base" "Summary in the Info column" \
    "Provider profile" "Team KB file" "SIP KB overrides"
keys Escape

say "About > Plugins"
focus "$main_window"
keys alt+h
keys Up Return # the menu's last item: About Wireshark
about=$(wait_window '^About Wireshark' 20) || fail "the About dialog did not open"
focus "$about"
keys ctrl+Tab ctrl+Tab ctrl+Tab # Wireshark, Authors, Folders, Plugins
shot gui-about-plugins "$about"
expect_text gui-about-plugins "Plugins" "sipkb.so" "dissector"
keys Escape

# ---- 5. statistics --------------------------------------------------------------------------
say "statistics"
ws_start interleaved-calls.pcapng
focus "$main_window"
keys alt+s
snap
at=$(find_row "SIP knowledge base (sipkb)") # the statistics plugins come last in the menu
hover "$at"                                 # highlighted, as a user pointing at it sees it
keep_mouse=1 main_shot gui-statistics-menu
expect_text gui-statistics-menu "Protocol Hierarchy" "SIP knowledge base (sipkb)"
click_at "$at"
stats=$(wait_window '^Wireshark .* SIP knowledge base' 30) ||
    fail "sipkb's statistics dialog did not open"
xdotool windowmove "$stats" 60 60 windowsize "$stats" 1000 640
sleep 1.5
shot gui-statistics "$stats"
expect_text gui-statistics "SIP responses by class and code" "SIP messages analysed" \
    "403 Forbidden: Request refused" "Challenges (401/407) sent"
ws_stop

# ---- the screenshots, where the README uses them --------------------------------------------
mkdir -p "$out_dir"
shots=("$stage"/shots/gui-*.png)
cp "${shots[@]}" "$out_dir/"
say "${#shots[@]} screenshots in $out_dir, $((SECONDS - started)) s:"
for f in "${shots[@]}"; do
    n=$out_dir/$(basename "$f")
    printf '  %-26s %6s bytes  sha256 %s\n' "$(basename "$f")" "$(stat -c %s "$n")" \
        "$(sha256sum "$n" | cut -c1-16)"
done
say "PASS"
