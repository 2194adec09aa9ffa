#!/usr/bin/env bash
# Three Plaza regions on this machine, replicating each other (MariaDB multi-source GTID
# replication, one Garage cluster), on 127.0.0.1 ports 9200-9499, under target/regions:
#   scripts/regions.sh up          converge all three from nothing (safe to repeat)
#   scripts/regions.sh test        converge them (twice: the second run must change nothing),
#                                  then run the three-region tests
#   scripts/regions.sh stop r2     stop every process of one region, its database included
#   scripts/regions.sh start r2    converge one region again (it catches up with the others)
#   scripts/regions.sh down        stop all three (data stays)
#   scripts/regions.sh wipe        stop all three and delete their data
# Regions run a release build; PLAZA_REGIONS_PROFILE=debug picks the debug build instead (the
# default of `test`, which builds the debug binary anyway: a release build on 2 cores takes
# long; PLAZA_REGIONS_PROFILE=release scripts/regions.sh test tests the release build).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
ROOT="$PWD/target/regions"
REGIONS=(r1 r2 r3)

# shellcheck source=scripts/lib/region-tools.sh
source scripts/lib/region-tools.sh

profile_args() {
  if [ -n "${PLAZA_REGIONS_PROFILE:-}" ]; then echo "--set plaza.profile=$PLAZA_REGIONS_PROFILE"; fi
}

region_of() {
  case "${1:-}" in
    r1 | r2 | r3) echo "$1" ;;
    *) echo "name a region: r1, r2 or r3" >&2; exit 2 ;;
  esac
}

stop_region() {
  REGION_ROOT="$ROOT/$1" chef-like-provision/bin/stop >/dev/null
  echo "region $1 stopped"
}

case "${1:-up}" in
  up)
    need
    # shellcheck disable=SC2046
    chef-like-provision/bin/converge-regions $(profile_args)
    ;;
  start)
    need
    region=$(region_of "${2:-}")
    # shellcheck disable=SC2046
    chef-like-provision/bin/converge "chef-like-provision/nodes/$region.json" $(profile_args)
    ;;
  stop) stop_region "$(region_of "${2:-}")" ;;
  down) for r in "${REGIONS[@]}"; do stop_region "$r"; done ;;
  wipe)
    for r in "${REGIONS[@]}"; do stop_region "$r"; done
    rm -rf "$ROOT"
    echo "regions' data wiped ($ROOT)"
    ;;
  test)
    export PLAZA_REGIONS_PROFILE="${PLAZA_REGIONS_PROFILE:-debug}"
    need
    start=$SECONDS
    # shellcheck disable=SC2046
    chef-like-provision/bin/converge-regions $(profile_args)
    echo "== converged in $((SECONDS - start))s; converging again: nothing may change =="
    start=$SECONDS
    # shellcheck disable=SC2046
    second=$(chef-like-provision/bin/converge-regions $(profile_args))
    echo "$second" | tail -1
    if ! echo "$second" | tail -1 | grep -q "^converged: 0 of"; then
      echo "the second converge changed something:" >&2
      echo "$second" >&2
      exit 1
    fi
    echo "== converged again in $((SECONDS - start))s; three-region tests =="
    start=$SECONDS
    PLAZA_REGIONS_ROOT="$ROOT" cargo test --locked -p plaza --features region-tests --test regions \
      -- --test-threads=1
    echo "== three-region tests took $((SECONDS - start))s =="
    ;;
  *) echo "usage: $0 up|test|down|wipe|stop <region>|start <region>" >&2; exit 2 ;;
esac
