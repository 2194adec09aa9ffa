#!/usr/bin/env bash
# Runs Schemathesis against the OpenAPI document that a running Plaza serves, signed in with a
# fresh account's bearer token, and fails on any server error, any answer outside the document's
# schemas or status codes, or a wrong content type.
#
#   scripts/schemathesis.sh [BASE_URL]       (default http://127.0.0.1:8280)
#
# Bounded in time: at most SCHEMATHESIS_MAX_EXAMPLES cases per operation (default 25), a budget
# of SCHEMATHESIS_MAX_TIME seconds for the run (default 240), and a hard `timeout` around it.
# Schemathesis comes from PyPI (pinned below) into a venv under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

BASE="${1:-http://127.0.0.1:8280}"
VERSION="4.32.5"
VENV="$PWD/target/schemathesis-venv"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-25}"
MAX_TIME="${SCHEMATHESIS_MAX_TIME:-240}"

if [ ! -x "$VENV/bin/st" ] || ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$VERSION"; then
  if ! python3 -m venv "$VENV" >/dev/null 2>&1; then
    rm -rf "$VENV"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check "schemathesis==$VERSION"
fi

# A fresh account for this run: its token signs every request.
NAME="st$(date +%s | tail -c 9)$((RANDOM % 100))"
PASSWORD="schemathesis-$RANDOM$RANDOM"
TOKEN="$(curl -sf -X POST "$BASE/api/v1/accounts" -H 'content-type: application/json' \
  -d "{\"username\":\"$NAME\",\"password\":\"$PASSWORD\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

# Operations that end the run's own token are left out: the rest would only see 401s after them.
# Run from target/ so that Schemathesis' cache (.schemathesis/) stays out of the tree.
# One worker: with two, Hypothesis describes strategies with ast.parse from two threads at once, which
# CPython 3.11 before 3.11.8 can fail with "AST constructor recursion depth mismatch" (a tool error,
# not an answer of Plaza's).
cd target
timeout $((MAX_TIME + 120)) "$VENV/bin/st" run "$BASE/api/v1/openapi.json" \
  --url "$BASE/api/v1" \
  -H "Authorization: Bearer $TOKEN" \
  --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
  --exclude-operation-id sign_out \
  --exclude-operation-id revoke_all_sessions \
  --exclude-operation-id revoke_session \
  --exclude-operation-id stream \
  --max-examples "$MAX_EXAMPLES" \
  --max-time "$MAX_TIME" \
  --request-timeout 20 \
  --workers 1 \
  --seed 15 \
  --report junit --report-dir "$PWD/schemathesis-report" \
  --warnings off
