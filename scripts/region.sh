#!/usr/bin/env bash
# A whole Plaza region on this machine, on 127.0.0.1 ports, under target/region:
#   scripts/region.sh up     converge it from nothing (installs what it needs; safe to repeat)
#   scripts/region.sh test   converge it (twice: the second run must change nothing), run the
#                            Prometheus' configuration and alert rules (promtool), the region
#                            tests through nginx and HAProxy, then the integration suite
#                            through the region's edge (tests that inject faults or change the
#                            configuration start their own services on the region's parts)
#   scripts/region.sh down   stop every process (data stays)
#   scripts/region.sh wipe   stop and delete all its data
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
ROOT="$PWD/target/region"
NODE="chef-like-provision/nodes/local.json"

# shellcheck source=scripts/lib/region-tools.sh
source scripts/lib/region-tools.sh

up() {
  need
  chef-like-provision/bin/converge "$NODE"
}

case "${1:-up}" in
  up) up ;;
  down) chef-like-provision/bin/stop ;;
  wipe) chef-like-provision/bin/wipe ;;
  test)
    up
    echo "== converging again: nothing may change =="
    second=$(chef-like-provision/bin/converge "$NODE")
    echo "$second" | tail -1
    if ! echo "$second" | tail -1 | grep -q "^converged: 0 of"; then
      echo "the second converge changed something:" >&2
      echo "$second" >&2
      exit 1
    fi
    echo "== Prometheus: its configuration, Plaza's alert rules and their tests (promtool) =="
    promtool check config "$ROOT/etc/prometheus/prometheus.yml"
    promtool check rules "$ROOT/etc/prometheus/plaza.rules.yml"
    promtool test rules "$ROOT/etc/prometheus/plaza.rules.test.yml"
    echo "== region tests (through nginx and HAProxy) =="
    PLAZA_REGION_ROOT="$ROOT" cargo test --locked -p plaza --features region-tests --test region \
      -- --test-threads=1
    echo "== the integration suite through the region's edge (nginx, HAProxy, its processes) =="
    PLAZA_TEST_DATABASE=mariadb PLAZA_TEST_MARIADB_URL="mysql://plaza:plaza-region@127.0.0.1:3320" \
      PLAZA_TEST_REGION_ROOT="$ROOT" PLAZA_TEST_EDGE="https://127.0.0.1:8443" \
      cargo test --locked -p plaza --test api
    ;;
  *) echo "usage: $0 up|test|down|wipe" >&2; exit 2 ;;
esac
