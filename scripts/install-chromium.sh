#!/usr/bin/env bash
# Installs Debian's Chromium, which the dashboard's browser tests drive through Playwright (DashboardBrowserTests).
# Playwright's own browser download is not used: it needs the internet, and the distribution's package is kept patched.
# Idempotent: does nothing when chromium is already installed. Debian/Ubuntu (apt) only.
set -euo pipefail

if existing=$(command -v chromium 2>/dev/null); then
    echo "Chromium already installed: $existing"
    exit 0
fi

# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
apt_install install-chromium.sh chromium
command -v chromium
