#!/usr/bin/env bash
# Installs the peers `causeway bench vectors` measures beside Causeway: Debian's python3-hnswlib and python3-faiss (with
# numpy), for Debian's own interpreter. Prints that interpreter's path (the bench runs peers.py with it). Needs root
# for apt-get; installs nothing when they import already.
set -euo pipefail
python=/usr/bin/python3
[ -x "$python" ] || python="$(command -v python3)"
if ! "$python" -c "import numpy, hnswlib, faiss" 2>/dev/null; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-peers: run as root (apt-get install python3-hnswlib python3-faiss python3-numpy)" >&2
    exit 1
  fi
  echo "install-peers: installing Debian's python3-hnswlib, python3-faiss and python3-numpy..." >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-hnswlib python3-faiss python3-numpy >/dev/null
  "$python" -c "import numpy, hnswlib, faiss"
fi
echo "$python"
