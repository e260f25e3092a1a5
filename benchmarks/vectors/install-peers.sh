#!/usr/bin/env bash
# Installs the peers `causeway bench vectors` measures beside Causeway: Debian's python3-hnswlib and python3-faiss (with
# numpy), for Debian's own interpreter. Prints that interpreter's path (the bench runs peers.py with it). Needs root
# for apt-get; installs nothing when they import already.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/debian-python.sh"
debian_python install-peers "numpy, hnswlib, faiss" python3-hnswlib python3-faiss python3-numpy
