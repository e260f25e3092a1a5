#!/usr/bin/env bash
# Fuzzes the parsers with AFL++ and SharpFuzz: fuzz/run.sh <target|all> [--seconds N]
#
# Installs afl++ (Debian) and the sharpfuzz tool (NuGet, SharpFuzz.CommandLine 2.3.0) when missing, publishes the
# harness (fuzz/Causeway.Fuzz), instruments the product assemblies it loads (Causeway.*.dll, Google.Protobuf.dll; not
# the harness itself), then runs afl-fuzz on one target at a time for N seconds each (default 300) from
# fuzz/corpus/<target> with fuzz/dict/<target>.dict. Findings go to fuzz/out/findings/<target>; the summary (executions,
# paths, crashes, hangs per target) is printed and written to fuzz/out/summary.tsv. Exits 1 when any target crashed or hung.
# Reproduce a finding with: fuzz/out/bin/causeway-fuzz replay <target> fuzz/out/findings/<target>/default/crashes
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage="usage: fuzz/run.sh <target|all> [--seconds N]"
target="${1:?$usage}"
shift
seconds=300
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) seconds="${2:?$usage}"; shift 2 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done

out="$root/fuzz/out"
tools="$root/fuzz/.tools"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

if ! command -v afl-fuzz >/dev/null; then
  echo "== installing afl++ (Debian package afl++)"
  sudo_cmd=""
  [[ $(id -u) -ne 0 ]] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq afl++ >/dev/null
fi

if [[ ! -x "$tools/sharpfuzz" ]]; then
  echo "== installing sharpfuzz (SharpFuzz.CommandLine 2.3.0) into fuzz/.tools"
  dotnet tool install --tool-path "$tools" SharpFuzz.CommandLine --version 2.3.0 >/dev/null
fi

echo "== publishing and instrumenting the harness"
rm -rf "$out/bin"
dotnet publish "$root/fuzz/Causeway.Fuzz/Causeway.Fuzz.csproj" -c Release -o "$out/bin" -v quiet -nologo >/dev/null
for dll in "$out"/bin/Causeway.*.dll "$out/bin/Google.Protobuf.dll"; do
  "$tools/sharpfuzz" "$dll" >/dev/null
done

if [[ "$target" == all ]]; then
  mapfile -t targets < <("$out/bin/causeway-fuzz" list | awk '{print $1}')
else
  targets=("$target")
fi

# The .NET host is not an AFL-compiled binary, and a shared machine has neither a free core to bind nor a core_pattern to set.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

summary="$out/summary.tsv"
printf 'target\tseconds\texecs\tpaths\tcrashes\thangs\texecs_per_sec\n' > "$summary"
failed=0
for t in "${targets[@]}"; do
  findings="$out/findings/$t"
  rm -rf "$findings"
  mkdir -p "$out/findings"
  dict=()
  [[ -f "$root/fuzz/dict/$t.dict" ]] && dict=(-x "$root/fuzz/dict/$t.dict")
  echo "== afl-fuzz $t for ${seconds}s (log: $out/$t.log)"
  # -t: a generous per-input limit (ms); AFL reports an input past it as a hang. -m none: the CLR reserves far more
  # virtual memory than it uses. -V: stop after the given seconds.
  afl-fuzz -i "$root/fuzz/corpus/$t" -o "$findings" "${dict[@]}" -t 10000 -m none -V "$seconds" \
    -- "$out/bin/causeway-fuzz" "$t" > "$out/$t.log" 2>&1 || true
  stats="$findings/default/fuzzer_stats"
  if [[ ! -f "$stats" ]]; then
    echo "   afl-fuzz did not start; the end of its log:" >&2
    tail -20 "$out/$t.log" >&2
    failed=1
    continue
  fi
  stat() { awk -F' *: *' -v k="$1" '$1 == k {print $2}' "$stats"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$(stat run_time)" "$(stat execs_done)" "$(stat corpus_count)" \
    "$(stat saved_crashes)" "$(stat saved_hangs)" "$(stat execs_per_sec)" >> "$summary"
  [[ "$(stat saved_crashes)" != 0 || "$(stat saved_hangs)" != 0 ]] && failed=1
done

echo
column -t -s $'\t' "$summary"
awk -F'\t' 'NR > 1 {e += $3; c += $5; h += $6} END {printf "total: %d executions, %d crashes, %d hangs\n", e, c, h}' "$summary"
exit "$failed"
