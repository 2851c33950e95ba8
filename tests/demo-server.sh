# Sourced by tests/schemathesis/run.sh and tests/gis-clients/run.sh, from the repository
# root: a demo store in a temporary folder ($db: a copy of SITROOM_DB, or loaded afresh
# with SITROOM_BIN's binaries and SITROOM_MIRROR), and `serve_demo`, which starts
# `sitroom serve` on it on a free loopback port ($base, log in $work/serve.log) and waits
# until it answers. The folder and the server go when the script exits.
BIN=${SITROOM_BIN:-target/debug/sitroom}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
db=$work/demo.db
if [ -n "${SITROOM_DB:-}" ]; then
  cp "$SITROOM_DB" "$db"
else
  SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$db" "$(dirname "$BIN")" >/dev/null
fi

serve_demo() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  base=http://127.0.0.1:$port
  "$BIN" --db "$db" serve --bind "127.0.0.1:$port" --rate-limit 0 --web-dir "$work/none" >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf "$base/health" >/dev/null && break; sleep 0.5; done
}
