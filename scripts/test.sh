#!/usr/bin/env bash
# Sets up everything and runs every test: system packages, a throwaway PostGIS cluster,
# then the Rust tests against both store backends, then lints.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt >/dev/null 2>&1 || true

url=$(scripts/pg-cluster.sh start)
trap 'scripts/pg-cluster.sh stop' EXIT
export SITROOM_TEST_PG="$url"
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"

cargo build --all-targets --locked
cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked -- --test-threads 4
