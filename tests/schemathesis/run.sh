#!/usr/bin/env bash
# Schema-driven API test: schemathesis generates requests from docs/openapi.yaml, and
# from the OGC API description the server makes of it (/ogc/api) (valid
# and invalid ones, and chains of them following the links between operations) against a
# running `sitroom serve` holding the demo, and checks every answer against the spec: no
# 5xx, only documented status codes, content types, headers and shapes, invalid input
# refused, valid input accepted. Exits non-zero on any failure.
#
#   tests/schemathesis/run.sh            # debug build, 60 s of generated requests per pass
#   MAX_TIME=600 tests/schemathesis/run.sh
#
# Settings: SITROOM_BIN (default target/debug/sitroom), SITROOM_MIRROR (../shared/data),
# SITROOM_DB (an existing demo database to copy instead of running the demo), MAX_TIME.
set -euo pipefail
cd "$(dirname "$0")/../.."
MAX_TIME=${MAX_TIME:-60}
VERSION=4.32.5
venv=${ST_VENV:-$PWD/.venv-schemathesis}
if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi

# shellcheck source=tests/demo-server.sh
. tests/demo-server.sh
token=$("$BIN" --db "$db" token create schemathesis --role admin | head -1)
serve_demo

# Each request may take a minute: a debug build counting an exposure no one asked for
# before (the forecast by village) on two busy cores takes longer than schemathesis's
# default of 10 s, and the server answers 503 itself past --request-timeout-s (30 s).
# One worker: CPython 3.11's AST parser (which hypothesis uses to describe strategies) is
# not thread-safe and fails at random with "AST constructor recursion depth mismatch".
run() { with_schema docs/openapi.yaml "$base" "$@"; }
with_schema() {
  local schema=$1 url=$2
  shift 2
  "$venv/bin/schemathesis" --config-file tests/schemathesis/schemathesis.toml \
    run "$schema" --url "$url" \
    -H "Authorization: Bearer $token" --max-time "$MAX_TIME" --request-timeout 60 \
    --workers 1 --seed 20261127 --warnings off "$@"
}
status=0
# Everything but revoking tokens and deleting layers: the generated chains would revoke
# the admin token the run uses and delete the layers the other operations need.
run --exclude-operation-id revokeToken --exclude-operation-id deleteLayer || status=1
# The OGC API's own description (OpenAPI 3.0 JSON made from docs/openapi.yaml, with one
# items operation per collection listing its fields as query parameters), as QGIS and
# GDAL read it.
with_schema "$base/ogc/api" "$base/ogc" || status=1
# Then those two, alone.
run --include-operation-id revokeToken --include-operation-id deleteLayer || status=1
if grep -q "panicked" "$work/serve.log"; then
  echo "the server logged a panic:" >&2
  grep -A5 panicked "$work/serve.log" >&2
  status=1
fi
exit $status
