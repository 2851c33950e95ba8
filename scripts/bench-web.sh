#!/usr/bin/env bash
# Web map benchmark: time from navigation to the first complete map with the full demo
# loaded (median of RUNS fresh browser contexts, 1366x768, Debian's headless Chromium
# with software WebGL), and the size of the built bundle. Writes docs/benchmarks/web.md.
# Usage: scripts/bench-web.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
scripts/setup.sh --web
cargo build --release --locked -q
(cd web-map && npm ci --no-audit --no-fund --loglevel=error && npm run build >/dev/null)
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$work/demo.db" target/release >/dev/null 2>&1
out=$(SITROOM_BIN=target/release/sitroom SITROOM_DB="$work/demo.db" node tests/e2e/bench.mjs "$RUNS")
read -r median min max raw gz < <(python3 -c "import json,sys; r=json.loads(sys.argv[1]); t=r['first_complete_map_ms']; print(t['median'], t['min'], t['max'], r['bundle_bytes'], r['bundle_gzip_bytes'])" "$out")
{
  echo "# Web map benchmark"
  echo
  echo "\`scripts/bench-web.sh $RUNS\` on $(date -u +%Y-%m-%d): $(nproc) cores, Chromium $(chromium --version 2>/dev/null | awk '{print $2}') headless with"
  echo "software WebGL (SwiftShader), 1366x768, the full demo served by \`sitroom serve\` (release) on loopback."
  echo
  echo "| | value |"
  echo "|---|---:|"
  echo "| navigation to first complete map (median of $RUNS) | ${median} ms (min ${min}, max ${max}) |"
  echo "| bundle (JS, CSS, MapLibre worker) | $((raw / 1024)) KB, $((gz / 1024)) KB gzipped |"
  echo
  echo "\"Complete\" means the map is idle (every tile, glyph and the exposure choropleth drawn)"
  echo "and the dashboard's figures, chart and table are filled. Software rendering on 2 cores"
  echo "is slower than a briefing-room PC with a GPU."
} > docs/benchmarks/web.md
cat docs/benchmarks/web.md
