#!/usr/bin/env bash
# Reproduces the region table in docs/BENCHMARKS.md ("A region"): builds a release binary, then,
# holding the region lock, converges the single region (target/region) to run that binary with
# rate limits off, seeds its MariaDB, runs `plaza bench` through the nginx edge
# (https://127.0.0.1:8443) and through HAProxy's web frontend (http://127.0.0.1:9100), each with
# memcached cold and warm, stops the region and prints one table.
#   scripts/region-bench.sh [tiny|small|1m]     (default small)
#   BENCH_SECONDS=5 BENCH_CONCURRENCY=50 scripts/region-bench.sh small
# The region's data is wiped first when an earlier run seeded it (seeding needs an empty
# database). "Cold" flushes memcached (flush_all on 127.0.0.1:11311) before the run and every
# 0.1 s during it, so reads keep missing; "warm" follows it with no flush.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-small}"
SECS="${BENCH_SECONDS:-5}"
CONC="${BENCH_CONCURRENCY:-50}"
ROOT="$PWD/target/region"
OUT="$PWD/target/region-bench"
# One region on this machine at a time: the lock file other checkouts sharing these ports can
# also take (PLAZA_REGION_LOCK), by default beside the region's data.
LOCK="${PLAZA_REGION_LOCK:-$PWD/target/region.lock}"

if [ -z "${REGION_BENCH_LOCKED:-}" ]; then
  # Built before taking the lock; the region runs a copy, since another checkout may build into
  # the shared target folder meanwhile.
  cargo build --release --locked -p plaza
  mkdir -p "$OUT" "$(dirname "$LOCK")"
  target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
  cp "$target/release/plaza" "$OUT/plaza-release"
  # Everything that uses the region's fixed ports, from converging to stopping, holds its lock.
  exec env REGION_BENCH_LOCKED=1 flock "$LOCK" "$0" "$@"
fi

# shellcheck source=scripts/lib/region-tools.sh
source scripts/lib/region-tools.sh
trap 'chef-like-provision/bin/stop >/dev/null 2>&1 || true' EXIT
if [ -f "$ROOT/plaza/bench.json" ]; then chef-like-provision/bin/wipe; fi
need
sets=(--set plaza.binary="$OUT/plaza-release" --set plaza.build=false)
for action in sign_up sign_in post comment yeah follow upload; do
  sets+=(--set "plaza.rate_limits.${action}_per_minute=0")
done
chef-like-provision/bin/converge chef-like-provision/nodes/local.json "${sets[@]}" | tail -1
PLAZA="$ROOT/bin/plaza"
CONFIG="$ROOT/etc/plaza.toml"
/usr/bin/time -f "seed: %e s" "$PLAZA" --config "$CONFIG" seed --scale "$SCALE"

flush() {
  exec 3<>/dev/tcp/127.0.0.1/11311
  printf 'flush_all\r\n' >&3
  read -r -t 5 _ <&3 || true
  exec 3>&-
}
run() { # name url cache [extra bench args]
  local name=$1 url=$2 cache=$3 flusher=""
  shift 3
  if [ "$cache" = cold ]; then
    flush
    (while :; do flush; sleep 0.1; done) &
    flusher=$!
  fi
  echo "== $name, memcached $cache =="
  RUST_LOG=warn "$PLAZA" --config "$CONFIG" bench --url "$url" --seconds "$SECS" \
    --concurrency "$CONC" --upload-burst 0 --settle-seconds 0 --fresh-storm-post \
    --only community_page --only post_with_comments --only activity --only create_post \
    --only yeah_storm --json "$OUT/$name-$cache.json" "$@" >"$OUT/$name-$cache.md"
  if [ -n "$flusher" ]; then kill "$flusher"; wait "$flusher" 2>/dev/null || true; fi
}
flush # the seed wrote past the services: nothing cached before it may be served
for path in edge haproxy; do
  case $path in
    edge) url=https://127.0.0.1:8443 extra=(--ca-cert "$ROOT/etc/edge.crt") ;;
    haproxy) url=http://127.0.0.1:9100 extra=() ;;
  esac
  run "$path" "$url" cold "${extra[@]}"
  run "$path" "$url" warm "${extra[@]}"
done
chef-like-provision/bin/stop
trap - EXIT

python3 - "$OUT" "$SCALE" "$SECS" "$CONC" <<'EOF'
import json, sys
out, scale, secs, conc = sys.argv[1:]
runs = [(p, c) for p in ("edge", "haproxy") for c in ("cold", "warm")]
reports = {r: json.load(open(f"{out}/{r[0]}-{r[1]}.json")) for r in runs}
first = reports[runs[0]]
print(f"{first['cpu']} ({first['cores']} cores), {first['profile']} build, scale {scale}, "
      f"{conc} clients, {secs} s per scenario\n")
print("| scenario | " + " | ".join(f"{p} {c}: req/s (× healthz), p99 ms" for p, c in runs) + " |")
print("|---|" + "---:|" * len(runs))
for i, o in enumerate(first["outcomes"]):
    cells = []
    for r in runs:
        x = reports[r]["outcomes"][i]
        err = f", {x['errors']} errors" if x["errors"] else ""
        cells.append(f"{x['per_second']:,.0f} ({x['ratio_to_healthz']:.3f}), {x['p99_ms']:.1f}{err}")
    print(f"| {o['name']} | " + " | ".join(cells) + " |")
storms = []
for r in runs:
    given, shown = reports[r]["yeah_storm"]
    storms.append(f"{r[0]} {r[1]}: {given} given, {shown} shown ({'exact' if given == shown else 'MISMATCH'})")
print("\nYeah storm (a new post per run, each Yeah through a different process): " + "; ".join(storms) + ".")
EOF
