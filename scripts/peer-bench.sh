#!/usr/bin/env bash
# Plaza and its closest open Rust peer, Lemmy 0.17.4, side by side on this machine (issue #18):
# the same data, the same load generator, the same concurrency and duration. Not part of the
# test command. Reproduces the "Peer: Lemmy 0.17.4 side by side" table in docs/BENCHMARKS.md.
#
#   scripts/peer-bench.sh [100k|1m]        (default 100k: 100,000 posts)
#   PEER_SECONDS=10 PEER_CONCURRENCY=50 LEMMY_POOL=20 scripts/peer-bench.sh
#   PLAZA_BIN=path/to/release/plaza LEMMY_BIN=path/to/lemmy_server scripts/peer-bench.sh
#
# 1. Installs what is missing: PostgreSQL 15 and libpq-dev from Debian (apt-get), Lemmy 0.17.4
#    from its crate source (see install_lemmy), and builds Plaza's release binary.
# 2. Plaza: starts the all-in-one server (release, rate limits off) on a fresh data folder and
#    seeds it with `plaza seed --scale $SCALE`.
# 3. Lemmy: a PostgreSQL cluster of its own under target/peer/ (no systemd), Lemmy started once
#    to run its migrations and first-start setup, then the very rows Plaza's seed made (accounts,
#    communities, posts, comments, Yeahs as upvotes) loaded into Lemmy's tables by
#    scripts/lib/peer-lemmy-load.sql, rate limits off, Lemmy started again.
# 4. The load: `plaza bench --plan` (tools/src/plan.rs; one load generator for both) runs the same
#    four scenarios against Plaza, then against Lemmy, back to back in one run; the plans are
#    written by scripts/lib/peer-plans.py, which also prints the ratio table.
# Every process started here is stopped on exit. Ports 10530-10589 on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-100k}"
SECS="${PEER_SECONDS:-10}"
CONC="${PEER_CONCURRENCY:-50}"
LEMMY_POOL="${LEMMY_POOL:-20}"
LEMMY_VERSION=0.17.4
PG_PORT=10532
LEMMY_PORT=10536
PLAZA_PORT=10580 # web; timeline, empathy, notification and worker on the next four
LEMMY_HOST=peer.localhost
PG_BIN=/usr/lib/postgresql/15/bin
LEMMY_BIN="${LEMMY_BIN:-$HOME/.cargo/bin/lemmy_server}"

WORK="$PWD/target/peer"
RUN="$WORK/run"
rm -rf "$RUN"
mkdir -p "$RUN"
log() { printf '\n== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

# --- what is needed -------------------------------------------------------------------------

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x "$PG_BIN/initdb" ] || [ ! -e /usr/include/postgresql/libpq-fe.h ]; then
  log "Installing PostgreSQL 15 and libpq-dev (Debian)"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql libpq-dev
fi

# Lemmy 0.17.4 from crates.io, built the way `cargo install lemmy_server --locked` would, with
# one change. Why not `cargo install` itself:
# - `--locked` uses the crate's Cargo.lock, which pins `time` 0.3.20; that version no longer
#   compiles with today's rustc (type inference broke in 1.80, fixed in time 0.3.35);
# - without `--locked`, cargo picks newer semver-compatible dependencies and `diesel-async`
#   no longer compiles against them.
# So: fetch the crate, move only `time` forward in its lock file, and install from that source
# with `--locked`. Takes most of an hour on 2 cores; runs once (the binary lands in ~/.cargo/bin).
install_lemmy() {
  local src="$WORK/lemmy-src"
  log "Building Lemmy $LEMMY_VERSION from its crate source (once)"
  rm -rf "$src"
  mkdir -p "$src"
  curl -fsSL "https://crates.io/api/v1/crates/lemmy_server/$LEMMY_VERSION/download" \
    -o "$WORK/lemmy_server-$LEMMY_VERSION.crate"
  tar -xzf "$WORK/lemmy_server-$LEMMY_VERSION.crate" -C "$src" --strip-components=1
  (cd "$src" && cargo update -p time@0.3.20 --precise 0.3.36 &&
    nice -n 19 cargo install --path . --locked --target-dir "$WORK/lemmy-target")
}
if [ ! -x "$LEMMY_BIN" ]; then
  install_lemmy
fi

# PLAZA_BIN: a release binary built already (skips the build).
if [ -z "${PLAZA_BIN:-}" ]; then
  log "Building Plaza (release)"
  cargo build --release --locked -p plaza
  TARGET_DIR=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
  PLAZA_BIN="$TARGET_DIR/release/plaza"
fi
# A copy: the target folder may be shared, and another build must not swap the binary mid-run.
cp "$PLAZA_BIN" "$RUN/plaza"
PLAZA="$RUN/plaza"

# --- stopping everything on exit --------------------------------------------------------------

PLAZA_PID=""
LEMMY_PID=""
PG_DATA="$RUN/pg"
PG_SOCKETS="$RUN/pg-sockets"
pg_ctl_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" "$@"; else "$PG_BIN/pg_ctl" "$@"; fi
}
stop_all() {
  set +e
  [ -n "$LEMMY_PID" ] && kill "$LEMMY_PID" 2>/dev/null && wait "$LEMMY_PID" 2>/dev/null
  [ -n "$PLAZA_PID" ] && kill "$PLAZA_PID" 2>/dev/null && wait "$PLAZA_PID" 2>/dev/null
  [ -f "$PG_DATA/postmaster.pid" ] && pg_ctl_as_owner -D "$PG_DATA" -m fast stop >/dev/null
}
trap stop_all EXIT

wait_for() { # URL, seconds
  for _ in $(seq 1 $(($2 * 10))); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "no answer from $1 within $2 s" >&2
  return 1
}

# --- Plaza --------------------------------------------------------------------------------------

log "Plaza: starting on 127.0.0.1:$PLAZA_PORT and seeding ($SCALE)"
export PLAZA_DATA_DIR="$RUN/plaza-data"
mkdir -p "$PLAZA_DATA_DIR"
export PLAZA_WEB__LISTEN=127.0.0.1:$PLAZA_PORT PLAZA_TIMELINE__LISTEN=127.0.0.1:$((PLAZA_PORT + 1))
export PLAZA_EMPATHY__LISTEN=127.0.0.1:$((PLAZA_PORT + 2)) PLAZA_NOTIFICATION__LISTEN=127.0.0.1:$((PLAZA_PORT + 3))
export PLAZA_WORKER__LISTEN=127.0.0.1:$((PLAZA_PORT + 4))
for action in SIGN_UP SIGN_IN POST COMMENT YEAH FOLLOW; do
  export "PLAZA_RATE_LIMITS__${action}_PER_MINUTE=0"
done
export RUST_LOG="${RUST_LOG:-warn}"
"$PLAZA" serve >"$RUN/plaza.log" 2>&1 &
PLAZA_PID=$!
wait_for "http://127.0.0.1:$PLAZA_PORT/readyz" 30
/usr/bin/time -f "Plaza seed: %e s" "$PLAZA" seed --scale "$SCALE"

# The same rows for Lemmy, read from Plaza's SQLite file before any load changes it.
CSV="$RUN/csv"
mkdir -p "$CSV"
DB="$PLAZA_DATA_DIR/plaza.db"
sqlite3 -csv "$DB" "SELECT id, username, display_name, created_at FROM users" >"$CSV/users.csv"
sqlite3 -csv "$DB" "SELECT id, name, description, created_at FROM communities" >"$CSV/communities.csv"
sqlite3 -csv "$DB" "SELECT id, community_id, author_id, body, created_at FROM posts WHERE deleted_at IS NULL" >"$CSV/posts.csv"
sqlite3 -csv "$DB" "SELECT id, post_id, author_id, body, created_at FROM comments WHERE deleted_at IS NULL" >"$CSV/comments.csv"
sqlite3 -csv "$DB" "SELECT post_id, user_id, created_at FROM yeahs WHERE target_kind = 1" >"$CSV/votes.csv"
wc -l "$CSV"/*.csv

# --- PostgreSQL and Lemmy ---------------------------------------------------------------------

log "PostgreSQL 15: a cluster of its own on 127.0.0.1:$PG_PORT"
mkdir -p "$PG_DATA" "$PG_SOCKETS"
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root.
  chown postgres "$PG_DATA" "$PG_SOCKETS" "$RUN"
  PG_AS=(runuser -u postgres --)
else
  PG_AS=()
fi
"${PG_AS[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# synchronous_commit=off: a commit does not wait for its WAL flush, like Plaza's SQLite in WAL
# mode with synchronous=NORMAL; neither can be corrupted by a crash, both may lose the last
# commits.
cat >>"$PG_DATA/postgresql.conf" <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_SOCKETS'
max_connections = 200
shared_buffers = 512MB
synchronous_commit = off
timezone = 'UTC'
EOF
pg_ctl_as_owner -D "$PG_DATA" -l "$RUN/postgres.log" -w start >/dev/null
PSQL=(psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q)
# A superuser, as in Lemmy's own docker setup: its migrations create extensions (ltree, ...).
"${PSQL[@]}" -c "CREATE ROLE lemmy SUPERUSER LOGIN PASSWORD 'password'" -c "CREATE DATABASE lemmy OWNER lemmy"

cat >"$RUN/lemmy.hjson" <<EOF
{
  database: { user: "lemmy", password: "password", host: "127.0.0.1", port: $PG_PORT,
              database: "lemmy", pool_size: $LEMMY_POOL }
  hostname: "$LEMMY_HOST"
  bind: "127.0.0.1"
  port: $LEMMY_PORT
  tls_enabled: false
  setup: { admin_username: "peer_admin", admin_password: "peer-bench-admin-password",
           site_name: "Peer bench" }
}
EOF
start_lemmy() {
  LEMMY_CONFIG_LOCATION="$RUN/lemmy.hjson" RUST_LOG=warn "$LEMMY_BIN" >>"$RUN/lemmy.log" 2>&1 &
  LEMMY_PID=$!
  wait_for "http://127.0.0.1:$LEMMY_PORT/api/v3/site" 120
}
stop_lemmy() {
  kill "$LEMMY_PID"
  wait "$LEMMY_PID" 2>/dev/null || true
  LEMMY_PID=""
}
log "Lemmy: first start (migrations, setup)"
start_lemmy
stop_lemmy

log "Lemmy: loading the same data"
LOAD_SQL="$PWD/scripts/lib/peer-lemmy-load.sql"
(cd "$CSV" && time "${PSQL[@]}" -d lemmy -f "$LOAD_SQL" >/dev/null)
"${PSQL[@]}" -d lemmy -c "VACUUM ANALYZE"
"${PSQL[@]}" -d lemmy -At -c "SELECT 'Lemmy: ' || (SELECT count(*) FROM person) || ' people, '
  || (SELECT count(*) FROM community) || ' communities, ' || (SELECT count(*) FROM post)
  || ' posts, ' || (SELECT count(*) FROM comment) || ' comments, '
  || (SELECT count(*) FROM post_like) || ' upvotes; database '
  || pg_size_pretty(pg_database_size('lemmy'))"
echo "Plaza: $(du -sh "$PLAZA_DATA_DIR" | cut -f1) data folder"

BENCH_JSON="$PLAZA_DATA_DIR/bench.json"
read -r COMMUNITY BUSY HOT < <(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["communities"][0][0], d["busy_post"], d["hot_post"])' "$BENCH_JSON")
"${PSQL[@]}" -d lemmy -At -c "SELECT json_build_object(
  'community', (SELECT lid FROM peer_community_map WHERE pid = $COMMUNITY),
  'busy_post', (SELECT lid FROM peer_post_map WHERE pid = $BUSY),
  'hot_post', (SELECT lid FROM peer_post_map WHERE pid = $HOT),
  'token_users', (SELECT json_agg(lid ORDER BY lid) FROM peer_token_user))" >"$RUN/lemmy-ids.json"
JWT_SECRET=$("${PSQL[@]}" -d lemmy -At -c "SELECT jwt_secret FROM secret LIMIT 1")
python3 scripts/lib/peer-plans.py plans --bench-json "$BENCH_JSON" \
  --plaza-url "http://127.0.0.1:$PLAZA_PORT" --lemmy-url "http://127.0.0.1:$LEMMY_PORT" \
  --lemmy-ids "$RUN/lemmy-ids.json" --jwt-secret "$JWT_SECRET" --hostname "$LEMMY_HOST" --out "$RUN"

log "Lemmy: starting again ($LEMMY_POOL database connections)"
start_lemmy

# --- the load: Plaza, then Lemmy, back to back ------------------------------------------------

log "Load: Plaza"
"$PLAZA" bench --plan "$RUN/plaza-plan.json" --seconds "$SECS" --concurrency "$CONC" \
  --json "$RUN/plaza-report.json"
log "Load: Lemmy"
"$PLAZA" bench --plan "$RUN/lemmy-plan.json" --seconds "$SECS" --concurrency "$CONC" \
  --json "$RUN/lemmy-report.json"

log "Side by side"
python3 scripts/lib/peer-plans.py table "$RUN/plaza-report.json" "$RUN/lemmy-report.json" |
  tee "$RUN/table.md"
rss() { awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' "/proc/$1/status"; }
echo
echo "Resident memory at the end: Plaza $(rss "$PLAZA_PID"); Lemmy $(rss "$LEMMY_PID") (PostgreSQL not counted)."
