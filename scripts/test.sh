#!/usr/bin/env bash
# Sets up everything and runs every test: system packages, a throwaway PostGIS cluster,
# lints, the Rust tests against both store backends, the web map's unit tests, and its
# end-to-end tests in headless Chromium against the real server and demo, and the
# schema-driven API test (schemathesis against docs/openapi.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --web
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

url=$(scripts/pg-cluster.sh start)
trap 'scripts/pg-cluster.sh stop' EXIT
export SITROOM_TEST_PG="$url"
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"

(cd web-map && npm ci --no-audit --no-fund --loglevel=error && npm run build && npm test)
cargo build --all-targets --locked
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
# cargo-nextest (.config/nextest.toml): test binaries side by side, and a test that hangs
# is ended and named after 10 minutes instead of stalling the run.
cargo nextest --version >/dev/null 2>&1 || cargo install --locked cargo-nextest
cargo nextest run --locked
(cd web-map && SITROOM_BIN=../target/debug/sitroom npm run e2e)
SITROOM_BIN=target/debug/sitroom scripts/schemathesis.sh
