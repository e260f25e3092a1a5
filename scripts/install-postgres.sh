#!/usr/bin/env bash
# Installs the PostgreSQL server binaries (initdb, pg_ctl) that the storage tests use to start a private,
# throw-away server. Idempotent: does nothing when initdb is already installed. Debian/Ubuntu (apt) only.
# The tests do not use the distribution's cluster; this script stops and disables any that the package starts.
set -euo pipefail

find_initdb() {
    local candidate
    for candidate in /usr/lib/postgresql/*/bin/initdb; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    command -v initdb 2>/dev/null || return 1
}

if existing=$(find_initdb); then
    echo "PostgreSQL server binaries already installed: $existing"
    exit 0
fi

# shellcheck source=lib/apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/apt.sh"
apt_install install-postgres.sh postgresql

# The package may start a system cluster on port 5432; the tests start their own server instead.
if command -v pg_lsclusters >/dev/null 2>&1; then
    pg_lsclusters --no-header 2>/dev/null | while read -r version cluster _; do
        as_root pg_ctlcluster "$version" "$cluster" stop 2>/dev/null || true
    done
fi

installed=$(find_initdb) || { echo "install-postgres.sh: initdb still missing after install." >&2; exit 1; }
echo "PostgreSQL server binaries installed: $installed"
