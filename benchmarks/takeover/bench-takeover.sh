#!/usr/bin/env bash
# Measures standby takeover (benchmarks/RESULTS.md, "Issue 9: standby takeover"): `causeway bench takeover` on SQLite,
# then on PostgreSQL against a throw-away server started here (benchmarks/lib/throwaway-postgres.sh) and removed afterwards.
#   benchmarks/takeover/bench-takeover.sh [KILLS] [OUTPUT_DIR]
set -euo pipefail
kills="${1:-5}"
out="${2:-benchmarks/results}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mkdir -p "$out"

./causeway bench takeover --kills "$kills" --report "$out/takeover-sqlite.json"

source benchmarks/lib/throwaway-postgres.sh
start_throwaway_postgres causeway_takeover
./causeway bench takeover --kills "$kills" --report "$out/takeover-postgres.json" \
    --postgres "$PG_CONNECTION"
