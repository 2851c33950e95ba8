#!/usr/bin/env bash
# Sets up everything and runs every test: system packages, a throwaway PostGIS cluster,
# lints, the Rust tests (the crate tests/: integration, store suite on both backends,
# attacker, hardening), the web map's unit tests (Vitest), its end-to-end tests in
# headless Chromium against the real server and demo (tests/e2e), and the schema-driven
# API test (tests/schemathesis: schemathesis against docs/openapi.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --tests
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

# How long each step takes, for keeping the run short.
t0=$(date +%s)
step() { echo "=== $(( $(date +%s) - t0 )) s: $*"; }
url=$(scripts/pg-cluster.sh start)
demo_dir=$(mktemp -d)
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
cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest
step "Rust tests"
cargo nextest run --workspace --locked
# One demo store for the three suites that need it (each works on a copy or reads only).
step "demo store"
SITROOM_MIRROR=$SITROOM_MIRROR scripts/load-demo.sh "$demo_dir/demo.db" target/debug >/dev/null
export SITROOM_DB=$demo_dir/demo.db
step "web map end to end"
cp "$SITROOM_DB" "$demo_dir/e2e.db"
SITROOM_DB=$demo_dir/e2e.db SITROOM_BIN=target/debug/sitroom node tests/e2e/run.mjs
step "schemathesis"
SITROOM_BIN=target/debug/sitroom tests/schemathesis/run.sh
step "GIS clients"
SITROOM_BIN=target/debug/sitroom tests/gis-clients/run.sh
step "done"
