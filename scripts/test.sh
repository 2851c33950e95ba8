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

url=$(scripts/pg-cluster.sh start)
trap 'scripts/pg-cluster.sh stop' EXIT
export SITROOM_TEST_PG="$url"
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"

(cd web-map && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# One build of everything: the server binary the integration tests (tests/) run, and the
# test binaries.
cargo build --workspace --all-targets --locked
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# cargo-nextest (.config/nextest.toml): test binaries side by side, and a test that hangs
# is ended and named after 10 minutes instead of stalling the run.
cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest
cargo nextest run --workspace --locked
SITROOM_BIN=target/debug/sitroom node tests/e2e/run.mjs
SITROOM_BIN=target/debug/sitroom tests/schemathesis/run.sh
SITROOM_BIN=target/debug/sitroom tests/gis-clients/run.sh
