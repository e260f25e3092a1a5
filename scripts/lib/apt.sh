# Sourced by the project's install scripts. apt_install NAME PACKAGE...: installs Debian PACKAGEs with apt-get,
# as root or through sudo; NAME prefixes its messages. Fails with a hint where there is no apt-get or no way to root.
apt_install() {
    local name="$1"
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$name: apt-get not found; install $* by hand." >&2
        return 1
    fi

    local sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            echo "$name: not root and no sudo; run as root or install $* by hand." >&2
            return 1
        fi
        sudo_cmd=(sudo)
    fi

    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# as_root COMMAND...: runs COMMAND as root (directly, or through sudo).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    else
        sudo "$@"
    fi
}
