#!/usr/bin/env bash
# Sets up, builds the server and the web map, loads the Rwanda demo into the embedded
# store (sitroom.db) and serves the situation room on http://127.0.0.1:8080. Reads the data from SITROOM_MIRROR (default ../shared/data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
(cd web-map && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
cargo build --release --locked
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"
DB="${DATABASE_URL:-sitroom.db}"
scripts/load-demo.sh "$DB"
exec target/release/sitroom --db "$DB" serve --bind "${SITROOM_BIND:-127.0.0.1:8080}"
