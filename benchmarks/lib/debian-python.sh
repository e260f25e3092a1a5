# Sourced by the install scripts of the Python peers the benches measure beside Causeway.
# debian_python NAME "IMPORTS" PACKAGE...: makes Debian's own interpreter import IMPORTS (e.g. "numpy, faiss"),
# installing the Debian PACKAGEs when it does not yet; prints that interpreter's path. Needs root for apt-get;
# installs nothing when the imports work already. NAME prefixes its messages.
debian_python() {
  local name="$1" imports="$2"
  shift 2
  local python=/usr/bin/python3
  [ -x "$python" ] || python="$(command -v python3)"
  if ! "$python" -c "import $imports" 2>/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "$name: run as root (apt-get install $*)" >&2
      return 1
    fi
    echo "$name: installing Debian's $*..." >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    "$python" -c "import $imports"
  fi
  echo "$python"
}
