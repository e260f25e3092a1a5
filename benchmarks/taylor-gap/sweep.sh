#!/usr/bin/env bash
# The Taylor loss's gap (issue 14): every vertical sample config at seeds x learning rates {0.05, 0.15, 0.5} x epochs
# {the config's, 10 times the config's}, plain (exact and Taylor loss on the same batches), one report per run in
# OUT/reports, then one table: benchmarks/taylor-gap/summary.py OUT/reports.
#   benchmarks/taylor-gap/sweep.sh OUT          (~15 minutes on 2 shared cores; Adult's 100-epoch runs take most)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$(mkdir -p "$1/reports" "$1/configs" && cd "$1" && pwd)"
run() { # name epochs seeds...
  local name=$1 epochs=$2; shift 2
  for seed in "$@"; do for rate in 0.05 0.15 0.5; do for times in 1 10; do
    local config report
    config="$(python3 "$here/config.py" "$name" "$seed" "$rate" $((epochs * times)) "$out/configs")"
    report="$out/reports/$(basename "$config")"
    [ -f "$report" ] || "$root/causeway" vertical simulate --config "$config" --report "$report" >/dev/null
  done; done; done
}
run heart 20 1 2 3 4 5 6 7 8 9 10
run digits 20 1 2 3 4 5 6 7 8 9 10
run churn 20 1 2 3 4 5 6 7 8 9 10
run adult 10 1 2 3 4 5     # adult.test is fixed: the seed changes the batch order only
