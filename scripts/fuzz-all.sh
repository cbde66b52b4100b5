#!/usr/bin/env bash
# Runs every fuzz target at once for SECONDS (default 600) and prints, per target, the
# executions, coverage, corpus size and crashes, as docs/security.md records them.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); new inputs go to a scratch folder, so the seed
# corpus in the repository stays small. Usage: scripts/fuzz-all.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
targets=(questionnaire answers summary config signature decrypt)
scratch=$(mktemp -d)
RUSTC_BOOTSTRAP=1 cargo fuzz build -O
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  RUSTC_BOOTSTRAP=1 cargo fuzz run -O "$t" "$scratch/$t" "fuzz/corpus/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    > "$scratch/$t.log" 2>&1 &
done
wait || true
printf '| Target | Executions | Coverage (edges) | Corpus grown to | Crashes, leaks, timeouts |\n'
printf '|---|---|---|---|---|\n'
for t in "${targets[@]}"; do
  log=$scratch/$t.log
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  seeds=$(find "fuzz/corpus/$t" -type f | wc -l)
  crashes=$(ls fuzz/artifacts/"$t" 2>/dev/null | wc -l)
  printf '| `%s` | %s | %s | %s (from %s) | %s |\n' "$t" "$execs" "$cov" "$corp" "$seeds" "$crashes"
done
echo "logs: $scratch"
