#!/usr/bin/env bash
# Loads the Rwanda demo into store DB with the built binaries in BIN_DIR (default
# target/release): first the synthetic layers (flood, landslide, returnees) made by the
# seeded generator sitroom-synth into target/synth (the same bytes every time), then
# `sitroom demo` reading them and the real data in SITROOM_MIRROR (default
# ../shared/data). Layers whose source is unchanged are skipped.
# Usage: scripts/load-demo.sh DB [BIN_DIR] [sitroom demo options…]
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:?usage: scripts/load-demo.sh DB [BIN_DIR] [options]}
BIN_DIR=${2:-target/release}
shift $(( $# >= 2 ? 2 : 1 ))
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
SYNTHETIC=${SITROOM_SYNTHETIC:-$PWD/target/synth}
"$BIN_DIR/sitroom-synth" "$MIRROR" "$SYNTHETIC" >/dev/null
"$BIN_DIR/sitroom" --db "$DB" demo --mirror "$MIRROR" --synthetic "$SYNTHETIC" "$@"
