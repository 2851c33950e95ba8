#!/usr/bin/env bash
# GIS clients against a running `sitroom serve` holding the demo: MapLibre's style
# validator on every style the server lists, then GDAL's and QGIS's own OGC API -
# Features clients and QGIS's vector tiles with the server's style
# (tests/gis-clients/check.py, with Debian's python3-qgis, offscreen; a fresh network
# cache each run). The renders are kept in target/gis-clients/ to look at. Exits non-zero
# on any failure.
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
# Every style the server lists passes MapLibre's own style validator (gl-style-validate,
# installed with the web map's packages).
validate=web-map/node_modules/@maplibre/maplibre-gl-style-spec/dist/gl-style-validate.mjs
styles=$(curl -sf "$base/styles" | python3 -c 'import json,sys; print(" ".join(l["href"] for s in json.load(sys.stdin)["styles"] for l in s["links"]))')
n=0
for href in $styles; do
  curl -sf "$href" > "$work/style.json"
  node "$validate" "$work/style.json" || { echo "FAIL $href is not a valid MapLibre style" >&2; exit 1; }
  n=$((n + 1))
done
[ "$n" -gt 1 ] || { echo "FAIL the server lists no styles" >&2; exit 1; }
echo "ok   $n styles pass gl-style-validate"
QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=$work XDG_CACHE_HOME=$work/cache /usr/bin/python3 tests/gis-clients/check.py "$base" "$out"
