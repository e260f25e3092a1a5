#!/usr/bin/env bash
# Installs what heart-ceiling.py needs: Debian's python3-sklearn and python3-pandas, for Debian's own interpreter.
# Prints that interpreter's path. Needs root for apt-get; installs nothing when they import already.
set -euo pipefail
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
if ! "$python" -c "import sklearn, pandas" 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-sklearn: run as root (apt-get install python3-sklearn python3-pandas)" >&2
    exit 1
  fi
  echo "install-sklearn: installing Debian's python3-sklearn and python3-pandas..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-pandas >/dev/null
  "$python" -c "import sklearn, pandas"
fi
echo "$python"
