#!/usr/bin/env bash
# Starts (or stops) a throwaway MariaDB for the test suite: its own data folder under
# target/mariadb, listening on 127.0.0.1 only. Installs Debian's mariadb-server when missing.
#   scripts/mariadb.sh start   # prints nothing on success; the URL is mysql://plaza:plaza@127.0.0.1:$PORT
#   scripts/mariadb.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD/target/mariadb"
PORT="${PLAZA_MARIADB_PORT:-3317}"
SOCK="$ROOT/mysqld.sock"

need_server() {
  if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mariadb-install-db >/dev/null 2>&1; then
    echo "Installing mariadb-server (Debian)..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq mariadb-server mariadb-client >/dev/null
  fi
}

stop() {
  if [ -f "$ROOT/mysqld.pid" ]; then
    pid=$(cat "$ROOT/mysqld.pid" 2>/dev/null || true)
    if [ -n "${pid:-}" ] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$ROOT/mysqld.pid"
  fi
}

start() {
  need_server
  stop
  rm -rf "$ROOT"
  mkdir -p "$ROOT/data" "$ROOT/tmp"
  mariadb-install-db --no-defaults --datadir="$ROOT/data" --user="$(id -un)" \
    --auth-root-authentication-method=normal --skip-test-db >"$ROOT/install.log" 2>&1
  mariadbd --no-defaults --datadir="$ROOT/data" --tmpdir="$ROOT/tmp" --port="$PORT" \
    --bind-address=127.0.0.1 --socket="$SOCK" --pid-file="$ROOT/mysqld.pid" --user="$(id -un)" \
    --skip-log-bin --innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=256M \
    --innodb-log-file-size=64M --max-connections=1000 --character-set-server=utf8mb4 \
    --collation-server=utf8mb4_bin --skip-name-resolve >"$ROOT/mysqld.log" 2>&1 &
  for _ in $(seq 1 150); do
    if mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  if ! mariadb-admin --no-defaults --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
    echo "MariaDB did not start; see $ROOT/mysqld.log" >&2
    tail -20 "$ROOT/mysqld.log" >&2 || true
    exit 1
  fi
  mariadb --no-defaults --socket="$SOCK" -uroot -e \
    "CREATE USER 'plaza'@'127.0.0.1' IDENTIFIED BY 'plaza'; GRANT ALL PRIVILEGES ON *.* TO 'plaza'@'127.0.0.1';"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
