#!/usr/bin/env bash
# Measures standby takeover (benchmarks/RESULTS.md, "Issue 9: standby takeover"): `causeway bench takeover` on SQLite,
# then on PostgreSQL against a throw-away server started here (initdb + pg_ctl on a free loopback port, as the
# PostgreSQL store tests do; scripts/install-postgres.sh installs the binaries) and removed afterwards.
#   benchmarks/takeover/bench-takeover.sh [KILLS] [OUTPUT_DIR]
set -euo pipefail
kills="${1:-5}"
out="${2:-benchmarks/results}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mkdir -p "$out"

./causeway bench takeover --kills "$kills" --report "$out/takeover-sqlite.json"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    echo "bench-takeover.sh: no PostgreSQL server binaries; run scripts/install-postgres.sh for the PostgreSQL half." >&2
    exit 1
fi

as_postgres=()
if [ "$(id -u)" -eq 0 ]; then
    as_postgres=(runuser -u postgres --)
fi

pgdir="$(mktemp -d /tmp/causeway-bench-pg-XXXXXX)"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$pgdir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
stop() {
    "${as_postgres[@]}" "$bin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
}
trap stop EXIT
"${as_postgres[@]}" "$bin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
# Durable settings (fsync on), as a real store would run.
"${as_postgres[@]}" "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1" start >/dev/null
"${as_postgres[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres causeway_takeover

./causeway bench takeover --kills "$kills" --report "$out/takeover-postgres.json" \
    --postgres "Host=127.0.0.1;Port=$port;Username=postgres;Database=causeway_takeover"
