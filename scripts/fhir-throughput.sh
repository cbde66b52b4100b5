#!/usr/bin/env bash
# Records per second `prescreen send` delivers to a local Helios FHIR Server, with the release
# binary. Makes RECORDS signed summaries (default 200) with `prescreen fill`, starts hfs on
# 127.0.0.1 with a temporary database, and times one `send --once` pass. With --kiosk-frames it
# also runs the kiosk page benchmark while a sender keeps delivering, for the frame times.
#
# Needs: hfs (cargo install helios-hfs --locked --no-default-features --features R4,sqlite) and
# the search parameters (PRESCREEN_HFS_SEARCH_PARAMETERS, as .ci/run fetches them).
# Usage: scripts/fhir-throughput.sh [RECORDS] [--kiosk-frames]
set -euo pipefail
cd "$(dirname "$0")/.."
records=${1:-200}
hfs=${PRESCREEN_HFS_BIN:-${CARGO_HOME:-$HOME/.cargo}/bin/hfs}
params=${PRESCREEN_HFS_SEARCH_PARAMETERS:-target/hfs/search-parameters.json}
cargo build --release --quiet --bin prescreen
bin=target/release/prescreen
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/data" "$work/outbox"
cp "$params" "$work/data/search-parameters-r4.json"
port=$((20000 + RANDOM % 20000))
"$hfs" --host 127.0.0.1 --port "$port" --database-url "$work/fhir.db" --data-dir "$work/data" \
  --log-level warn >/dev/null 2>&1 &
until curl -sf "http://127.0.0.1:$port/metadata" >/dev/null; do sleep 0.2; done
"$bin" kiosk-keygen -o "$work/kiosk.key" --name "Bench kiosk" > "$work/key.txt"
printf 'Config(kiosks: [(name: "Bench kiosk", key: "%s")])' "$(head -1 "$work/key.txt")" \
  > "$work/send.ron"
fixtures=(no_flags self_harm spanish medications cardiovascular item9_skipped pregnancy logistics)
for n in $(seq 1 "$records"); do
  f=${fixtures[$((n % ${#fixtures[@]}))]}
  lang=en; [ "$f" = spanish ] && lang=es
  "$bin" fill questionnaires/ketamine_candidacy.ron --answers "tests/fixtures/answers/$f.ron" \
    --lang "$lang" --out "$work/outbox" --signing-key "$work/kiosk.key" >/dev/null 2>&1
done
made=$(ls "$work/outbox" | wc -l)
start=$(date +%s.%N)
"$bin" send --once --config "$work/send.ron" --outbox "$work/outbox" \
  --server "http://127.0.0.1:$port" > "$work/send.log"
end=$(date +%s.%N)
delivered=$(grep -c ': delivered' "$work/send.log" || true)
awk -v n="$delivered" -v m="$made" -v s="$start" -v e="$end" \
  'BEGIN { printf "delivered %d of %d records in %.2f s: %.1f records/s\n", n, m, e - s, n / (e - s) }'
if [ "${2:-}" = "--kiosk-frames" ]; then
  # Keep a sender busy: forget the delivery states and send again, over and over.
  ( while true; do rm -rf "$work/outbox/delivery"
      "$bin" send --once --config "$work/send.ron" --outbox "$work/outbox" \
        --server "http://127.0.0.1:$port" >/dev/null 2>&1; done ) &
  cargo bench --bench page -- --noplot 2>&1 | grep -E "^[a-z].*|time:"
fi
