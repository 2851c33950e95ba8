#!/usr/bin/env bash
# GIS clients against a running `sitroom serve` holding the demo: GDAL's and QGIS's own
# OGC API - Features clients (tests/gis-clients/check.py, with Debian's python3-qgis,
# offscreen). The render is kept in target/gis-clients/ to look at. Exits non-zero on any
# failure.
#
# Settings: SITROOM_BIN (default target/debug/sitroom), SITROOM_MIRROR (../shared/data),
# SITROOM_DB (an existing demo database to copy instead of running the demo).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SITROOM_BIN:-target/debug/sitroom}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
out=$PWD/target/gis-clients
mkdir -p "$out"
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db=$work/gis.db
if [ -n "${SITROOM_DB:-}" ]; then
  cp "$SITROOM_DB" "$db"
else
  SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$db" "$(dirname "$BIN")" >/dev/null
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
"$BIN" --db "$db" serve --bind "127.0.0.1:$port" --rate-limit 0 --web-dir "$work/none" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$work /usr/bin/python3 tests/gis-clients/check.py "$base" "$out"
