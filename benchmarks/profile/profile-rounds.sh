#!/usr/bin/env bash
# Where a network round's CPU goes: runs `causeway bench rounds` for one federation size under `perf record` (all CPUs,
# call graphs, CLOCK_MONOTONIC time stamps), then cuts the samples to the bench's measured rounds (2..R) and to the
# federation's processes, and prints the breakdown by category (breakdown.py).
#
#   benchmarks/profile/profile-rounds.sh [--parties N] [--rounds R] [--out DIR] [--causeway PATH/TO/causeway.dll]
#
# Needs Linux perf (Debian: linux-perf; installed here when missing) and root or perf_event_paranoid <= 1 for -a.
# The processes run with DOTNET_PerfMapEnabled=1 so JIT-compiled frames get names; ReadyToRun frames are named by the
# assembly they sit in. Writes DIR/perf.data, DIR/report.json and DIR/breakdown.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
parties=10 rounds=60 out="$root/.causeway/profile" dll=""
while [ $# -gt 0 ]; do
  case "$1" in
    --parties) parties="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --causeway) dll="$2"; shift 2 ;;
    *) echo "profile-rounds: unknown option $1" >&2; exit 2 ;;
  esac
done
if ! command -v perf >/dev/null; then
  echo "profile-rounds: installing Debian's linux-perf..." >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq linux-perf >/dev/null
fi
mkdir -p "$out"
if [ -z "$dll" ]; then
  "$root/causeway" --version >/dev/null   # builds the CLI when the sources changed
  dll="$root/.causeway/bin/causeway.dll"
fi
export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
perf record -a -g -F 999 -k CLOCK_MONOTONIC -o "$out/perf.data" -- \
  dotnet "$dll" bench rounds --parties "$parties" --rounds "$rounds" --idle-seconds 2 \
  --work-dir "$out/work" --report "$out/report.json" >"$out/bench.log" 2>&1
python3 "$root/benchmarks/profile/breakdown.py" "$out/perf.data" "$out/report.json" | tee "$out/breakdown.md"
