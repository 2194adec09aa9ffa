#!/usr/bin/env bash
# Reproduces the table in docs/BENCHMARKS.md: builds a release binary, starts the all-in-one
# server on a fresh data folder (ports 8180-8184, rate limits off), records its resident memory
# idle, seeds data at the given scale, records memory again, runs `plaza bench` against it and
# stops the server.
#   scripts/bench.sh [tiny|small|1m|10m]     (default 1m)
#   BENCH_SECONDS=10 BENCH_CONCURRENCY=50 scripts/bench.sh 1m
#   BENCH_KEEP_DATA=1 scripts/bench.sh 1m   # run again on the data the last run seeded
#   scripts/bench.sh 1m --only create_post --upload-burst 0   # further options go to `plaza bench`
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-1m}"
shift || true
SECS="${BENCH_SECONDS:-10}"
CONC="${BENCH_CONCURRENCY:-50}"

cargo build --release --locked -p plaza
DATA="$PWD/target/bench-data"
KEEP="${BENCH_KEEP_DATA:-0}"
if [ "$KEEP" = 1 ] && [ ! -f "$DATA/bench.json" ]; then
  echo "BENCH_KEEP_DATA=1 but $DATA holds no seeded data: seeding afresh" >&2
  KEEP=0
fi
if [ "$KEEP" != 1 ]; then
  rm -rf "$DATA"
fi
mkdir -p "$DATA"
export PLAZA_DATA_DIR="$DATA"
export PLAZA_WEB__LISTEN=127.0.0.1:8180 PLAZA_TIMELINE__LISTEN=127.0.0.1:8181
export PLAZA_EMPATHY__LISTEN=127.0.0.1:8182 PLAZA_NOTIFICATION__LISTEN=127.0.0.1:8183
export PLAZA_WORKER__LISTEN=127.0.0.1:8184
for action in SIGN_UP SIGN_IN POST COMMENT YEAH FOLLOW; do
  export "PLAZA_RATE_LIMITS__${action}_PER_MINUTE=0"
done
export RUST_LOG="${RUST_LOG:-warn}"

target/release/plaza serve >"$DATA/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf http://127.0.0.1:8180/readyz >/dev/null 2>&1 && break
  sleep 0.1
done
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2/1024}' "/proc/$PID/status"; }
# Idle is after a few seconds without requests: an idle server hands back its executable's pages
# 5 s after its last request (services/plaza/src/memory.rs); 2 s after `/readyz` is shown too.
sleep 2
STARTED=$(rss)
sleep 6
IDLE=$(rss)
echo "2 s after /readyz: $STARTED; idle (8 s after it): $IDLE"
if [ "$KEEP" != 1 ]; then
  /usr/bin/time -f "seed: %e s, %M KiB max resident" target/release/plaza seed --scale "$SCALE"
fi
echo "Database: $(du -cb "$DATA"/plaza.db* | awk 'END {printf "%.2f GiB", $1/1073741824}')"
sleep 2
SEEDED=$(rss)
echo "After seeding $SCALE: $SEEDED"
target/release/plaza bench --url http://127.0.0.1:8180 --server-pid "$PID" --seconds "$SECS" \
  --concurrency "$CONC" --json "$DATA/report.json" "$@" | tee "$DATA/report.md"
echo "Server resident memory: 2 s after /readyz $STARTED; idle $IDLE; after seeding $SEEDED; at the end $(rss)"
