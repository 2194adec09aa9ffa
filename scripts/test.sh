#!/usr/bin/env bash
# Runs every test: unit tests, then the integration suite against SQLite and again against a
# real MariaDB that this script starts (and stops) on 127.0.0.1, then the browser tests in
# headless Chromium against a freshly started Plaza (Schemathesis, scripts/schemathesis.sh, runs
# beside those two stages against a Plaza of its own),
# then a whole region (scripts/region.sh test: MariaDB, memcached, Redis, Garage, HAProxy, nginx
# under supervisord) with the region tests and the integration suite on it, then three replicated
# regions (scripts/regions.sh test) with their own tests. Installs what it
# needs; stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# A run builds everything once: incremental caches would only double the target folder.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

# A full run builds debug and release binaries and runs four databases: about 20 GB. Say so
# plainly up front rather than fail later with a database's "no more room" error.
free_gb=$(df -Pk . | awk 'NR==2 {print int($4 / 1048576)}')
if [ "$free_gb" -lt 20 ]; then
  echo "warning: only ${free_gb} GB free here; a full run needs about 20 GB (target/ and databases)." >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is needed: install Rust from your distribution or rustup first." >&2
  exit 1
fi
if ! command -v cc >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq build-essential >/dev/null
fi

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  apt-get install -y -qq "$@" >/dev/null
}
command -v chromium >/dev/null 2>&1 || apt_install chromium
# Japanese glyphs for the Japanese pages' screenshots.
[ -d /usr/share/fonts/opentype/noto ] || apt_install fonts-noto-cjk
command -v npm >/dev/null 2>&1 || apt_install nodejs npm
command -v curl >/dev/null 2>&1 || apt_install curl

# Each stage says how long the one before it took, and the run ends with the whole list.
STAGE="setup: packages, MariaDB"; STAGE_START=0; TIMES=()
stage() {
  if [ -n "$STAGE" ]; then TIMES+=("$(printf '%5ds  %s' $((SECONDS - STAGE_START)) "$STAGE")"); fi
  STAGE="$1"; STAGE_START=$SECONDS
  [ -n "$1" ] && echo "== $1 =="
  return 0
}

PORT="${PLAZA_MARIADB_PORT:-3317}"
SERVER_PID=""
ST_PID=""
ST_SERVER_PID=""
cleanup() {
  for pid in $SERVER_PID $ST_PID $ST_SERVER_PID; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pkill -f "schemathesis-venv/bin/st run" 2>/dev/null || true
  scripts/mariadb.sh stop
  chef-like-provision/bin/stop >/dev/null 2>&1 || true
  scripts/regions.sh down >/dev/null 2>&1 || true
}
trap cleanup EXIT
scripts/mariadb.sh start

stage "unit and integration tests on SQLite"
PLAZA_TEST_DATABASE=sqlite cargo test --workspace --locked --no-fail-fast

# Schemathesis is bounded by time, not by work, so it runs beside the MariaDB and browser stages,
# against its own freshly started Plaza, instead of adding its minutes after them.
cargo build --locked -p plaza
ST_DATA="$PWD/target/schemathesis-data"
ST_LOG="$PWD/target/schemathesis.log"
rm -rf "$ST_DATA"
start_plaza() { # DATA_DIR FIRST_PORT LOG: a fresh embedded Plaza on five ports from FIRST_PORT
  PLAZA_DATA_DIR="$1" PLAZA_WEB__LISTEN=127.0.0.1:$2 PLAZA_TIMELINE__LISTEN=127.0.0.1:$(($2 + 1)) \
    PLAZA_EMPATHY__LISTEN=127.0.0.1:$(($2 + 2)) PLAZA_NOTIFICATION__LISTEN=127.0.0.1:$(($2 + 3)) \
    PLAZA_WORKER__LISTEN=127.0.0.1:$(($2 + 4)) RUST_LOG=warn \
    PLAZA_RATE_LIMITS__SIGN_UP_PER_MINUTE=60 PLAZA_RATE_LIMITS__POST_PER_MINUTE=120 \
    PLAZA_RATE_LIMITS__UPLOAD_PER_MINUTE=120 PLAZA_RATE_LIMITS__PER_ADDRESS_FACTOR=100 \
    target/debug/plaza serve >"$3" 2>&1 &
  LAST_PID=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "Plaza on port $2 did not become ready; its log: $3" >&2
  return 1
}
start_plaza "$ST_DATA" 8290 "$PWD/target/schemathesis-server.log"
ST_SERVER_PID=$LAST_PID
# The generated OpenAPI document, fuzzed with a signed-in token.
scripts/schemathesis.sh http://127.0.0.1:8290 >"$ST_LOG" 2>&1 &
ST_PID=$!

stage "integration tests on MariaDB (Schemathesis runs beside it)"
PLAZA_TEST_DATABASE=mariadb PLAZA_TEST_MARIADB_URL="mysql://plaza:plaza@127.0.0.1:$PORT" \
  cargo test --locked --no-fail-fast -p plaza -p plaza-storage \
    -p plaza-timeline -p plaza-empathy -p plaza-notification -p plaza-worker

stage "browser tests (headless Chromium)"
(cd e2e && npm ci --no-audit --no-fund --silent)
E2E_DATA="$PWD/target/e2e-data"
rm -rf "$E2E_DATA"
start_plaza "$E2E_DATA" 8280 "$PWD/target/e2e-server.log"
SERVER_PID=$LAST_PID
# PLAZA_DATA_DIR lets the moderation test make its admin with `plaza admin create`.
(cd e2e && PLAZA_URL=http://127.0.0.1:8280 PLAZA_DATA_DIR="$E2E_DATA" npm test)
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

stage "Schemathesis: the rest of its time budget, then its report"
st_rc=0
wait "$ST_PID" || st_rc=$?
ST_PID=""
cat "$ST_LOG"
kill "$ST_SERVER_PID" 2>/dev/null || true
wait "$ST_SERVER_PID" 2>/dev/null || true
ST_SERVER_PID=""
if [ "$st_rc" -ne 0 ]; then
  echo "Schemathesis failed (exit $st_rc); its server's log: target/schemathesis-server.log" >&2
  exit "$st_rc"
fi

stage "a whole region: converge, region tests, the integration suite through its edge"
scripts/region.sh test
scripts/region.sh down

stage "three regions: converge twice, replication, shared media, a region stopped and back"
scripts/regions.sh test
scripts/regions.sh down
stage ""
echo "== time per stage =="
printf '%s\n' "${TIMES[@]}"
echo "$(printf '%5ds' "$SECONDS")  in all"
