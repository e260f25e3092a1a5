#!/usr/bin/env bash
# Installs what heart-ceiling.py needs: Debian's python3-sklearn and python3-pandas, for Debian's own interpreter.
# Prints that interpreter's path. Needs root for apt-get; installs nothing when they import already.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib/debian-python.sh"
debian_python install-sklearn "sklearn, pandas" python3-sklearn python3-pandas
