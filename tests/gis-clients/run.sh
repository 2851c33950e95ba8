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
out=$PWD/target/gis-clients
mkdir -p "$out"
# shellcheck source=tests/demo-server.sh
. tests/demo-server.sh
serve_demo
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$work /usr/bin/python3 tests/gis-clients/check.py "$base" "$out"
