# Debian packages for sipkb's scripts (sourced by setup.sh, tests/robustness/run-ci.sh,
# tests/gui/check-gui.sh and captures/generate/make-captures.sh). Each caller sets
# `packages_prog` to its name for the messages.

# What every build and its tests need (unzip: the configuration profile's tests).
sipkb_build_packages=(cmake gcc make pkg-config libglib2.0-dev wireshark-dev libwireshark-dev
    tshark unzip)

# What captures/generate/make-captures.sh runs: Kamailio, SIPp, tshark, ss, dnsmasq for
# the captures with DNS lookups, and baresip as a called phone (unshare and mount come with
# every Debian system).
sipkb_capture_packages=(kamailio sip-tester tshark iproute2 dnsmasq-base baresip-core)

# Runs a command as root: directly, or with sudo for a normal user.
as_root() {
    if [[ $(id -u) == 0 ]]; then
        "$@"
    elif command -v sudo > /dev/null; then
        sudo "$@"
    else
        echo "$packages_prog: this needs root or sudo, and there is no sudo: $*" >&2
        exit 1
    fi
}

# Prints the packages among the arguments that are not installed, one per line.
missing_packages() {
    local pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q 'install ok installed' ||
            echo "$pkg"
    done
}

# Installs the packages among the arguments that are missing (apt-get, without recommends).
install_packages() {
    local missing
    mapfile -t missing < <(missing_packages "$@")
    ((${#missing[@]} == 0)) && return 0
    echo "$packages_prog: installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}
