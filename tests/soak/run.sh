#!/usr/bin/env bash
# Soak test: the release server on PostGIS with the demo, 10 minutes of mixed tile,
# feature and exposure load from oha at 64 connections on loopback, a new layer version
# every 30 s, and PostGIS restarted once half way (down for 30 s) (tests/soak/soak.py drives and checks it).
# Writes the report to docs/benchmarks/soak.md; exits non-zero if the run failed.
#
#   tests/soak/run.sh                  # 600 s
#   DURATION=120 tests/soak/run.sh     # a shorter look
#
# Settings: OHA (default: oha on PATH, else /work/tools/bin/oha), SITROOM_MIRROR.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DURATION=${DURATION:-600}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
OHA=${OHA:-$(command -v oha || echo /work/tools/bin/oha)}
[ -x "$OHA" ] || { echo "oha not found: cargo install oha, or set OHA" >&2; exit 1; }
export OHA

cargo build --release --locked -p sitroom >/dev/null
BIN=$PWD/target/release/sitroom
admin=$(scripts/pg-cluster.sh start)
base_url=${admin%/*}
name=soak_$$
psql -q "$admin" -c "CREATE DATABASE $name TEMPLATE sitroom_template" >/dev/null
db=$base_url/$name
WORK=$(mktemp -d)
export WORK
pid=
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "loading the demo into PostGIS…" >&2
SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$db" "$(dirname "$BIN")" >/dev/null
TOKEN=$("$BIN" --db "$db" token create soak --role editor | head -1)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --db "$db" serve --bind "127.0.0.1:$port" --rate-limit 0 >"$WORK/serve.log" 2>&1 &
pid=$!
for _ in $(seq 1 240); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.5; done
export BASE=http://127.0.0.1:$port TOKEN SERVER_PID=$pid
# Down for 30 s: longer than the 10 s a write waits for a connection, so writes meet
# the outage (a shorter one only delays them).
export RESTART_CMD="$PWD/scripts/pg-cluster.sh restart 30"

echo "soaking for $DURATION s…" >&2
status=0
python3 tests/soak/soak.py >"$WORK/report.md" || status=$?
{
  echo "# Soak test"
  echo
  echo "\`tests/soak/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, sitroom (release) on PostGIS with"
  echo "the demo, oha on the same machine over loopback. Rerun it to refresh this page."
  echo
  cat "$WORK/report.md"
  echo
  echo "Server log: $(grep -c ' WARN ' "$WORK/serve.log" || true) warnings, $(grep -c ' ERROR ' "$WORK/serve.log" || true) errors, $(grep -c 'panicked' "$WORK/serve.log" || true) panics."
} > docs/benchmarks/soak.md
cat docs/benchmarks/soak.md
exit $status
