#!/usr/bin/env bash
# Checks sipkb in the real Wireshark window (Debian's Qt wireshark under Xvfb), asserting on
# what the window shows (rows copied to the clipboard and read back with xclip, text read back
# by OCR, colours read off the screen), and takes the screenshots the README shows. Checks:
#
#   plugin         tshark -G plugins and -z help in the GUI's environment list sipkb
#   callerid-403   the 403 after a Caller-ID mismatch at 1280 px: its visible tree lines
#                  (copied) are sipkb's tree as tshark prints it, and none runs past the
#                  window's right edge                               gui-403-callerid.png
#   answered-401   a 401 challenge answered by the retry             gui-401-answered.png
#   sdp-offer      an INVITE's SDP offer, explained line by line    gui-sdp-offer.png
#   expert         Analyze > Expert Information, no display filter: its rows (copied) are
#                  sipkb's expert items of tshark -2, the Caller-ID warning among them
#                                                                    gui-expert.png
#   preferences    Edit > Preferences > Protocols > sipkb            gui-preferences.png
#   about          Help > About Wireshark > Plugins lists sipkb.so   gui-about-plugins.png
#   statistics     the menu entry (Telephony, else Statistics) and   gui-statistics-menu.png,
#                  sipkb's tree                                      gui-statistics.png
#   profile        sipkb-profile.zip through Configuration Profiles > Import: the profile's
#                  files, the sipkb column (row copied as CSV) and the rows' colours
#                                                                    gui-profile.png
#   flow-graph     Statistics > Flow Graph, "SIP with sipkb verdicts", when the build has
#                  the sipkb flow (tshark -z flow,sipkb,standard); otherwise "skipped: no
#                  sipkb flow"                                       gui-flow-graph.png
#
# Usage: tests/gui/check-gui.sh [--no-install] [--no-build] [--build-dir DIR] [--out DIR]
#            [--only CHECK[,CHECK...]]
#   --no-install   do not install missing Debian packages (fail instead)
#   --no-build     use the existing build in the build folder
#   --build-dir    the build folder (default: $SIPKB_BUILD_DIR or build)
#   --out          where the PNGs go (default: docs/screenshots)
#   --only         run these checks only (names above; "plugin" always runs)
# Environment: SIPKB_GUI_TIMEOUT (seconds for the GUI part, default 720), SIPKB_GUI_USER (the
# unprivileged user the GUI runs as when called as root, default sipkb-gui, created if missing),
# SIPKB_WIRESHARK (the wireshark program, default wireshark).
#
# It fails (non-zero) when a Wireshark window or dialog does not open, when the plugin is not
# loaded, or when a check does not see what it should. The PNGs are written only when every
# check passed; a failure leaves its evidence (the screen, the screenshots so far, the
# clipboard and Wireshark's messages) in <build>/gui-failure/.
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
only=""
while (($#)); do
    case $1 in
    --no-install) install=0 ;;
    --no-build) build=0 ;;
    --build-dir) build_dir=${2:?--build-dir needs a folder}; shift ;;
    --out) out_dir=${2:?--out needs a folder}; shift ;;
    --only) only=,${2:?--only needs check names},; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "check-gui: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
# The profile check comes last but one: Wireshark stays in that profile.
all_checks=(expert answered-401 sdp-offer preferences about statistics callerid-403 profile
    flow-graph)
for check in ${only//,/ }; do
    [[ " ${all_checks[*]} plugin " == *" $check "* ]] ||
        { echo "check-gui: no check named $check (see --help)" >&2; exit 2; }
done
gui_timeout=${SIPKB_GUI_TIMEOUT:-720}
gui_user=${SIPKB_GUI_USER:-sipkb-gui}
wireshark_bin=${SIPKB_WIRESHARK:-wireshark}
started=$SECONDS
export OMP_THREAD_LIMIT=1 # tesseract: one thread is several times faster here than many

say() { printf 'check-gui: %s\n' "$*"; }

# ---- packages -------------------------------------------------------------------------------
packages_prog=check-gui
. tools/debian-packages.sh
packages=("${sipkb_build_packages[@]}" wireshark-qt xvfb x11-utils xdotool xclip imagemagick
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
profile_zip=$build_dir/sipkb-profile.zip
[[ -f $plugin_so ]] || { echo "check-gui: no $plugin_so: build first" >&2; exit 1; }
[[ -f $profile_zip ]] || { echo "check-gui: no $profile_zip: build first" >&2; exit 1; }

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
cp "$profile_zip" "$stage/sipkb-profile.zip"
chmod -R a+rX "$stage/plugins" "$stage/captures" "$stage/sipkb-profile.zip"
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
    [[ -f $stage/clipboard.txt ]] && cp "$stage/clipboard.txt" "$fail_dir/"
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
    row_at "$@" || fail "no row \"$1\" on the screen"
}

# The same, returning non-zero when no row has them.
row_at() { # words [anywhere]
    local at
    [[ -f $stage/screen.tsv ]] || ocr "$stage/screen.png" > "$stage/screen.tsv"
    at=$(rows_starting "$@" < "$stage/screen.tsv")
    if [[ -z $at ]]; then
        [[ -f $stage/screen-ink.tsv ]] || ocr "$stage/screen.png" ink > "$stage/screen-ink.tsv"
        at=$(rows_starting "$@" < "$stage/screen-ink.tsv")
    fi
    [[ -n $at ]] || return 1
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

# ---- reading the window back -----------------------------------------------------------------
# The clipboard's text, as the window put it there (Edit > Copy, a dialog's Copy): xclip reads
# it on the same display. Kept in the stage for a failure report.
clipboard() {
    sleep 0.3
    xclip -o -selection clipboard 2> /dev/null > "$stage/clipboard.txt" || true
    cat "$stage/clipboard.txt"
}

# The packet details' visible lines (Edit > Copy > All Visible Items). The clipboard is emptied
# first: a copy the window did not make (it was still busy) must not pass off an earlier
# check's text as this one's.
visible_items() {
    local text n
    for n in 1 2 3 4 5; do
        printf '' | xclip -i -selection clipboard 2> /dev/null || true
        focus "$main_window"
        keys ctrl+alt+shift+a
        text=$(clipboard)
        [[ -n $text ]] && break
        sleep 1
    done
    printf '%s\n' "$text"
}

# Fails unless every phrase is in a visible line of the packet details (read again for a few
# seconds while the window may still be dissecting the selected packet).
expect_visible() { # what phrase...
    local what=$1 text missing n
    shift
    for n in 1 2 3 4 5; do
        text=$(visible_items)
        missing=""
        for phrase in "$@"; do
            grep -qF -- "$phrase" <<< "$text" || { missing=$phrase; break; }
        done
        [[ -z $missing ]] && return 0
        sleep 1
    done
    fail "$what: the packet details show no \"$missing\" (visible: ${text:0:600})"
}

# tshark in the GUI's environment (same user, plugin folder and personal settings).
tshark_gui() { as_user tshark "$@" 2> /dev/null; }

# The label of a registered field or expert item (tshark -G fields); for an expert item, the
# summary Expert Information groups its items under.
field_label() { # abbrev
    tshark_gui -G fields | awk -F'\t' -v want="$1" '$1 == "F" && $3 == want {
        label = $2; if ($4 == "FT_NONE") { print $2; found = 1; exit } }
        END { if (!found && label != "") print label }'
}

# The background colour most of a screen row has, as #RRGGBB (text is a small part of it).
row_background() { # y on the last snap
    "$im_convert" "$stage/screen.png" -crop "600x1+300+$1" +repage -depth 8 -format %c \
        histogram:info:- | sort -rn | sed -n '1s/.*\(#[0-9A-Fa-f]\{6\}\).*/\1/p'
}

# The background of a colouring rule line (16-bit values) as #RRGGBB.
rule_background() { # rule line
    sed -E 's/.*@\[([0-9]+),([0-9]+),([0-9]+)\]\[[0-9]+,[0-9]+,[0-9]+\]$/\1 \2 \3/' <<< "$1" |
        awk '{ printf "#%02X%02X%02X\n", $1 / 257, $2 / 257, $3 / 257 }'
}

# A Wireshark with this capture and these arguments: the running one when it has them.
ws_current=""
ws_open() { # capture file name, then more wireshark arguments
    if [[ -n $ws_pid && $ws_current == "$*" ]] && kill -0 "$ws_pid" 2> /dev/null; then
        focus "$main_window"
        return 0
    fi
    ws_start "$@"
    ws_current="$*"
    focus "$main_window"
}

# ---- the checks -------------------------------------------------------------------------------
# The 403 after a Caller-ID mismatch, in a 1280 px wide window: sipkb's subtree open by
# default, its lines as tshark prints them, each ending inside the window.
check_callerid_403() {
    local capture=register-callerid-mismatch.pcapng visible gui_lines tshark_lines at top dark
    say "403 after a Caller-ID mismatch, at 1280 px"
    ws_open "$capture" -g 4
    # Go > Go to Packet as well: after another check on the same file, the selection the window
    # starts with has been seen to stay on an earlier frame.
    keys ctrl+g
    xdotool type --delay 60 4
    keys Return
    sleep 1
    # Failures are open by default: the subtree's own items show without any click.
    expect_visible "the 403 as opened" "[SIP knowledge base: 403 Forbidden" "    Likely causes" \
        "    What to check next"
    open_sipkb "Caller-ID" "Likely causes" "What to check next"
    main_shot gui-403-callerid
    expect_text gui-403-callerid "Caller-ID mismatch: the request (frame 3)" "Digest username"

    # The tree's visible lines: sipkb's are its tree as tshark prints it for the frame, in
    # order (tshark opens every subtree; the window some).
    visible=$(visible_items)
    gui_lines=$(sed -n '/^\[SIP knowledge base: /,$p' <<< "$visible")
    [[ -n $gui_lines ]] || fail "Copy > All Visible Items has no sipkb tree: ${visible:0:400}"
    tshark_lines=$(tshark_gui -2 -r "$stage/captures/$capture" -Y 'frame.number == 4' -V -O sipkb |
        sed -n '/^\[SIP knowledge base: /,$p')
    local missing
    missing=$(awk 'NR == FNR { have[++n] = $0; next }
        { while (i < n && have[i + 1] != $0) i++
          if (i == n) { print; exit }
          i++ }' <(printf '%s\n' "$tshark_lines") <(printf '%s\n' "$gui_lines"))
    [[ -z $missing ]] ||
        fail "the window's sipkb line \"$missing\" is not tshark's (-V -O sipkb), or out of order"
    say "  $(wc -l <<< "$gui_lines") visible sipkb lines, each as tshark prints it"

    # At 1280 px no line runs past the pane: a cut line's text would reach its right edge
    # (the strip just left of the vertical scroll bar, from the first row of the details down).
    snap
    at=$(find_row "Frame 4:")
    top=$((${at#* } - 8))
    dark=$("$im_convert" "$stage/screen.png" -crop "20x$((860 - top))+1238+$top" +repage \
        -colorspace Gray -threshold 35% -negate -format '%[fx:round(mean*w*h)]' info:)
    if ((dark > 0)); then
        fail "at 1280 px a line of the packet details runs past the window's right edge; the" \
            "longest visible: $(awk '{ print length($0) " chars: " $0 }' <<< "$gui_lines" |
                sort -rn | sed -n '1,2p' | cut -c1-140 | paste -sd'|' -)"
    fi
    say "  every line ends inside the 1280 px window"
}

check_answered_401() {
    say "answered 401 challenge"
    ws_open register-auth.pcapng -g 2
    open_sipkb "Authentication" "Likely causes"
    main_shot gui-401-answered
    expect_visible "the answered 401" "[SIP knowledge base: 401 Unauthorized" \
        "    [Authentication" "[Realm: sipkb.test]" "[Answered in: 3]" "    Likely causes"
    expect_text gui-401-answered "Realm: sipkb.test"
}

check_sdp_offer() {
    say "SDP offer"
    ws_open invite-sdp-variety.pcapng -g 1
    open_sipkb "+SDP explained" # every line and payload type of the offer
    main_shot gui-sdp-offer
    expect_visible "the SDP offer" "[SIP knowledge base: INVITE]" "    [SDP explained]" \
        "telephone-event" "[101: telephone-event/8000 (dynamic"
    expect_text gui-sdp-offer "telephone-event"
}

# The Expert Information dialog's rows from the selected one down, each copied with its
# context menu's Copy ("<first packet> <protocol>: <summary>" for a group, "<packet>
# <protocol>: <Info column>" for a packet), until the last row (copied twice).
expert_rows() {
    local row previous="" n
    for n in $(seq 300); do
        keys Menu
        # Apply as Filter, Prepare as Filter, Find, Colorize, Look Up, Copy
        xdotool key --delay 60 Down Down Down Down Down Down Return
        row=$(clipboard)
        [[ -n $row ]] || fail "the Expert Information dialog's Copy put nothing on the clipboard"
        [[ $row == "$previous" ]] && return 0
        printf '%s\n' "$row"
        previous=$row
        keys Down
    done
    fail "more than 300 rows in the Expert Information dialog"
}

expert_menu() { # the context menu's item: 7 Collapse All, 8 Expand All
    local downs=() i
    for ((i = 0; i < $1; i++)); do downs+=(Down); done
    keys Home Menu
    xdotool key --delay 60 "${downs[@]}" Return
    sleep 0.4
    keys Home
}

# Analyze > Expert Information, opened without any display filter, lists every sipkb expert
# item of the capture (tshark -2: the dialog retaps the dissected file), each under its
# finding's summary, the Caller-ID warning among them.
check_expert() {
    local capture=register-callerid-mismatch.pcapng groups rows actual expected label frame
    say "Expert Information, no display filter"
    ws_open "$capture"
    keys alt+a
    keys Up Return # the Analyze menu's last item: Expert Information
    expert=$(wait_window '^Wireshark .* Expert Information' 30) ||
        fail "the Expert Information dialog did not open"
    xdotool windowmove "$expert" 60 120 windowsize "$expert" 1100 400
    sleep 1
    focus "$expert"
    geometry "$expert"
    xdotool mousemove $((X + WIDTH / 2)) $((Y + HEIGHT - 130)) click 1 # the list's empty part
    sleep 0.4

    expert_menu 7 # Collapse All: the groups
    groups=$(expert_rows)
    expert_menu 8 # Expand All: the groups and their packets
    rows=$(expert_rows)
    # "summary<TAB>packets" of each sipkb group, as the window lists them ...
    actual=$(awk -v groups="$groups" '
        BEGIN { n = split(groups, g, "\n"); for (i = 1; i <= n; i++) is_group[g[i]] = 1 }
        function flush() { if (summary != "") print summary "\t" packets }
        is_group[$0] { flush(); summary = ""; packets = ""
                       if ($2 == "sipkb:") { summary = $0; sub(/^[0-9]+ sipkb: /, "", summary) }
                       next }
        summary != "" { packets = packets (packets == "" ? "" : ",") $1 }
        END { flush() }' <<< "$rows" | sort)
    # ... and as tshark -2 has them: each sipkb expert item's frame and registered summary.
    expected=$(tshark_gui -2 -r "$stage/captures/$capture" -T pdml | awk '
        /<field name="frame.number"/ { match($0, /show="[0-9]+"/); frame = substr($0, RSTART + 6, RLENGTH - 7) }
        /<field name="_ws.expert"/ { in_expert = 1; next }
        in_expert && /<field name="/ { in_expert = 0; match($0, /name="[^"]+"/)
            name = substr($0, RSTART + 6, RLENGTH - 7)
            if (name ~ /^sipkb\./) print frame "\t" name }' |
        while IFS=$'\t' read -r frame name; do
            printf '%s\t%s\n' "$(field_label "$name")" "$frame"
        done | awk -F'\t' '{ p[$1] = p[$1] (p[$1] == "" ? "" : ",") $2 }
                         END { for (s in p) print s "\t" p[s] }' | sort)
    [[ -n $expected ]] || fail "tshark -2 has no sipkb expert item in $capture"
    if [[ $actual != "$expected" ]]; then
        fail "Expert Information's sipkb rows differ from tshark -2's expert items" \
            "(summary<TAB>packets):"$'\n'"window:"$'\n'"$actual"$'\n'"tshark:"$'\n'"$expected"
    fi
    say "  $(wc -l <<< "$actual") sipkb groups, as tshark -2: $(cut -f1 <<< "$actual" | paste -sd'|' -)"
    frame=$(tshark_gui -2 -r "$stage/captures/$capture" -Y sipkb.callerid.mismatch \
        -T fields -e frame.number | sed -n 1p)
    label=$(field_label sipkb.callerid.mismatch.expert)
    grep -qxF "$frame sipkb: $label" <<< "$groups" ||
        fail "Expert Information has no Caller-ID warning \"$frame sipkb: $label\": $groups"
    say "  the Caller-ID warning: $frame sipkb: $label"
    # A response's group is titled by its code, not by its kind: "403 Forbidden", never
    # "Request failed" (that title is left to codes the KB does not list).
    frame=$(tshark_gui -2 -r "$stage/captures/$capture" -Y 'sip.Status-Code == 403' \
        -T fields -e frame.number | sed -n 1p)
    grep -qxF "$frame sipkb: 403 Forbidden" <<< "$groups" ||
        fail "Expert Information has no group \"$frame sipkb: 403 Forbidden\": $groups"
    if grep -q "sipkb: $(field_label sipkb.response.failure.expert)\$" <<< "$groups"; then
        fail "Expert Information groups a listed code under its kind: $groups"
    fi
    say "  the 403's group: $frame sipkb: 403 Forbidden"

    # The screenshot with the Caller-ID warning's row selected.
    keys Home
    for _ in $(seq 30); do
        keys Menu
        xdotool key --delay 60 Down Down Down Down Down Down Return
        [[ $(clipboard) == "$frame sipkb: $label" ]] && break
        keys Down
    done
    shot gui-expert "$expert"
    expect_text gui-expert "Summary" "sipkb" "Warning" "$label"
    keys Escape
}

check_preferences() {
    say "preferences"
    ws_open register-callerid-mismatch.pcapng
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
}

check_about() {
    say "About > Plugins"
    ws_open register-callerid-mismatch.pcapng
    keys alt+h
    keys Up Return # the menu's last item: About Wireshark
    about=$(wait_window '^About Wireshark' 20) || fail "the About dialog did not open"
    focus "$about"
    keys ctrl+Tab ctrl+Tab ctrl+Tab # Wireshark, Authors, Folders, Plugins
    shot gui-about-plugins "$about"
    expect_text gui-about-plugins "Plugins" "sipkb.so" "dissector"
    keys Escape
}

check_statistics() {
    local at
    say "statistics"
    local menu
    ws_open interleaved-calls.pcapng
    # Under Telephony, beside Wireshark's SIP statistics; a release that files plugin trees
    # at the bottom of Statistics has it there.
    for menu in Telephony Statistics; do
        [[ $menu == Telephony ]] && keys alt+y || keys alt+s
        snap
        at=$(row_at "SIP knowledge base (sipkb)") && break
        keys Escape
        [[ $menu == Statistics ]] &&
            fail "neither the Telephony nor the Statistics menu has \"SIP knowledge base (sipkb)\""
    done
    say "  in the $menu menu"
    hover "$at" # highlighted, as a user pointing at it sees it
    keep_mouse=1 main_shot gui-statistics-menu
    expect_text gui-statistics-menu "$menu" "SIP knowledge base (sipkb)"
    click_at "$at"
    stats=$(wait_window '^Wireshark .* SIP knowledge base' 30) ||
        fail "sipkb's statistics dialog did not open"
    xdotool windowmove "$stats" 60 60 windowsize "$stats" 1000 640
    sleep 1.5
    shot gui-statistics "$stats"
    expect_text gui-statistics "SIP responses by class and code" "SIP messages analysed" \
        "403 Forbidden: Request refused" "Challenges (401/407) sent"
    keys Escape
}

# sipkb-profile.zip through Edit > Configuration Profiles > Import > from zip file, as a user
# does it: the profile's files are the zip's, the packet list gains the sipkb column (the 403's
# row copied as CSV ends with its verdict) and its rows take the profile's colours (sipkb's
# Caller-ID rule on the request and the 403, Wireshark's UDP rule on the others).
check_profile() {
    local capture=register-callerid-mismatch.pcapng at message file csv verdict frame rule
    local want got profiles_dir=$stage/home/.config/wireshark/profiles
    say "configuration profile, imported"
    ws_open "$capture" -g 2
    keys ctrl+shift+a
    profiles=$(wait_window '^Wireshark .* Configuration Profiles' 20) ||
        fail "the Configuration Profiles dialog did not open"
    focus "$profiles"
    snap
    at=$(find_row "Import" anywhere) # a button with a menu: from zip file, from directory
    click_at "$((${at% *} + 20)) ${at#* }"
    keys Down Return
    chooser=$(wait_window '^Select zip file for import' 20) || fail "no file dialog for the zip"
    focus "$chooser"
    xdotool type --delay 20 "$stage/sipkb-profile.zip"
    keys Return
    message=$(wait_window '^Importing profiles' 20) || fail "no message after the import"
    focus "$message"
    shot import-message "$message" # read back by OCR: Qt copies a message box's text on Windows only
    expect_text import-message "1 profile(s) imported"
    rm -f "$stage/shots/import-message.png"
    keys Return
    focus "$profiles"
    sleep 1 # the list is sorted again with the new profile
    snap
    click_at "$(find_row "sipkb")" # gives the list the keyboard
    find_item sipkb                # and selects sipkb by name, wherever the row now is
    keys Return # the list passes it on to the dialog's default button, OK
    for _ in $(seq 40); do
        xdotool search --onlyvisible --name '^Wireshark .* Configuration Profiles' > /dev/null ||
            break
        sleep 0.25
    done
    # The dialog's OK switches to the selected profile, but here not reliably once an earlier
    # Wireshark ran in the same settings folder (the status bar then still says Default);
    # Wireshark started with the imported profile (-C sipkb) is what the next start gives.
    ws_open "$capture" -C sipkb -g 2
    shot status-bar 0 870 1280 30
    expect_text status-bar "Profile: sipkb"
    rm -f "$stage/shots/status-bar.png"
    for file in colorfilters preferences; do
        unzip -p "$stage/sipkb-profile.zip" "sipkb/$file" | cmp -s - "$profiles_dir/sipkb/$file" ||
            fail "the imported profile's $file is not the zip's"
    done
    [[ $(ls "$profiles_dir/sipkb" | paste -sd' ' -) == "colorfilters preferences" ]] ||
        fail "the imported profile holds $(ls "$profiles_dir/sipkb"), not the zip's two files"

    # The 403's row, copied as CSV: the last column is sipkb, its verdict. Rows are selected
    # by a click on their Info text (rows 1 and 3 share theirs; 2 and 4 do not).
    local y2 y4 row_y
    snap
    y2=$(find_row "Status: 401" anywhere) y4=$(find_row "Status: 403" anywhere)
    click_at "$y4"
    y2=${y2#* } y4=${y4#* }
    keys alt+e
    keys Right c # Edit > Copy (the first item) > As CSV
    csv=$(clipboard)
    verdict=$(tshark_gui -2 -r "$stage/captures/$capture" -Y 'frame.number == 4' -T fields \
        -e sipkb.verdict)
    [[ $(head -1 <<< "$csv") == '"No.",'*',"Info","sipkb"' ]] ||
        fail "the packet list's columns copied as CSV end not with Info and sipkb: $csv"
    [[ $(sed -n 2p <<< "$csv") == '"4",'*",\"$verdict\"" ]] ||
        fail "frame 4's row copied as CSV does not end with its verdict \"$verdict\": $csv"
    say "  the 403's row (CSV): $(sed -n 2p <<< "$csv" | cut -c1-150)"

    # The rows' colours: what tshark --color gives each frame with the imported profile.
    click_at "$(find_row "Status: 401" anywhere)" # the selection's colour would hide a row's own
    snap
    for frame in 1 3 4; do # rows are equally tall
        row_y=$((y2 + (frame - 2) * (y4 - y2) / 2))
        rule=$(tshark_gui -C sipkb --color -2 -r "$stage/captures/$capture" \
            -Y "frame.number == $frame" -T fields -e frame.coloring_rule.name)
        want=$(rule_background "$(grep -m1 -F "@$rule@" "$profiles_dir/sipkb/colorfilters")")
        got=$(row_background "$row_y")
        [[ ${got^^} == "${want^^}" ]] ||
            fail "frame $frame's row is $got, not $want of the profile's rule \"$rule\""
        say "  frame $frame: $got, rule \"$rule\""
    done
    main_shot gui-profile
    expect_text gui-profile "sipkb" "Profile: sipkb"
}

# Statistics > Flow Graph with the flow type "SIP with sipkb verdicts": each arrow's comment
# carries the message's verdict. Runs when the build registers that flow (tshark -z
# flow,sipkb,standard prints its ladder); tshark -G lists no sequence analyses.
check_flow_graph() {
    local capture=register-callerid-mismatch.pcapng ladder comment at
    if ! ladder=$(as_user tshark -q -z flow,sipkb,standard -r "$stage/captures/$capture" 2>&1); then
        say "flow-graph: skipped: no sipkb flow"
        return 0
    fi
    say "Flow Graph, SIP with sipkb verdicts"
    comment=$(grep -m1 ' 403' <<< "$ladder" | sed 's/.*|//; s/^ *//' | cut -c1-30)
    [[ -n $comment ]] || fail "tshark -z flow,sipkb,standard shows no 403: $ladder"
    ws_open "$capture"
    keys alt+s
    snap
    click_at "$(find_row "Flow Graph")"
    flow=$(wait_window '^Wireshark .* Flow' 30) || fail "the Flow Graph dialog did not open"
    xdotool windowmove "$flow" 40 40 windowsize "$flow" 1200 700
    sleep 1
    focus "$flow"
    snap
    at=$(find_row "Flow type" anywhere)
    click_at "$((${at% *} + 140)) ${at#* }" # the combo box right of its label
    xdotool type --delay 60 "SIP with sipkb"
    keys Return
    sleep 1.5
    shot gui-flow-graph "$flow"
    expect_text gui-flow-graph "SIP with sipkb verdicts" "$comment"
    keys Escape
}

# ---- run ---------------------------------------------------------------------------------------
for check in "${all_checks[@]}"; do
    [[ -z $only || $only == *",$check,"* ]] || continue
    check_started=$SECONDS
    "check_${check//-/_}"
    say "  $check: $((SECONDS - check_started)) s"
done
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
