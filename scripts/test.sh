#!/usr/bin/env bash
# Runs every test: unit tests, then the integration suite against SQLite and again against a
# real MariaDB that this script starts (and stops) on 127.0.0.1. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if ! command -v cargo >/dev/null 2>&1; then
  echo "cargo is needed: install Rust from your distribution or rustup first." >&2
  exit 1
fi
if ! command -v cc >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq build-essential >/dev/null
fi

PORT="${PLAZA_MARIADB_PORT:-3317}"
scripts/mariadb.sh start
trap 'scripts/mariadb.sh stop' EXIT

echo "== unit and integration tests on SQLite =="
PLAZA_TEST_DATABASE=sqlite cargo test --workspace --locked --no-fail-fast

echo "== integration tests on MariaDB =="
PLAZA_TEST_DATABASE=mariadb PLAZA_TEST_MARIADB_URL="mysql://plaza:plaza@127.0.0.1:$PORT" \
  cargo test --locked --no-fail-fast -p plaza -p plaza-storage
