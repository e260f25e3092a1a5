#!/usr/bin/env bash
# The fault suite (benchmarks/RESULTS.md, "Issue 9: fault suite"): `causeway bench faults` on SQLite, then on PostgreSQL
# against a throw-away server started here (benchmarks/lib/throwaway-postgres.sh) and removed afterwards.
#   benchmarks/faults/bench-faults.sh [SQLITE_RUNS] [POSTGRES_RUNS] [OUTPUT_DIR]    (0 runs skips that store)
set -euo pipefail
sqlite_runs="${1:-20}"
postgres_runs="${2:-5}"
out="${3:-benchmarks/results}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
mkdir -p "$out"

status=0
if [ "$sqlite_runs" -gt 0 ]; then
    ./causeway bench faults --runs "$sqlite_runs" --report "$out/faults-sqlite.json" || status=1
fi

[ "$postgres_runs" -gt 0 ] || exit $status
source benchmarks/lib/throwaway-postgres.sh
start_throwaway_postgres causeway_faults
./causeway bench faults --runs "$postgres_runs" --seed 101 --postgres "$PG_CONNECTION" --report "$out/faults-postgres.json" || status=1
exit $status
