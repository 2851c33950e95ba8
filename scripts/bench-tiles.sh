#!/usr/bin/env bash
# Tile benchmark: the demo layers served from PostGIS by Martin and by sitroom, and the
# same tile bytes from disk by nginx, driven by oha over one fixed list of tiles from
# zoom 6 to 14 across Rwanda, uncached then cached, in one run.
# Needs oha and martin (built once, outside the repo):
#   cargo install --root "$TOOLS" oha --locked
#   cargo install --root "$TOOLS" martin@1.14.0 --locked --no-default-features \
#     --features postgres,mbtiles,pmtiles,webui
# Usage: TOOLS=/path/to/tools scripts/bench-tiles.sh [REQUESTS]   (writes docs/benchmarks/tiles.md)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS=${1:-4000}
CONNS=${CONNS:-32}
TOOLS=${TOOLS:-$PWD/../tools}
OHA=$TOOLS/bin/oha
MARTIN=$TOOLS/bin/martin
[ -x "$OHA" ] && [ -x "$MARTIN" ] || { echo "oha and martin are needed in $TOOLS/bin (see the header of this script)" >&2; exit 1; }
export SITROOM_MIRROR="${SITROOM_MIRROR:-$PWD/../shared/data}"
scripts/setup.sh
command -v nginx >/dev/null || { apt-get install -y -qq nginx-light >/dev/null; }
cargo build --release --locked -q
BIN=$PWD/target/release/sitroom
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; scripts/pg-cluster.sh stop; rm -rf "$work"; }
trap cleanup EXIT
admin=$(scripts/pg-cluster.sh start)
base=${admin%/postgres}
port=${base##*:}
psql -q "$admin" -c "DROP DATABASE IF EXISTS tiles" -c "CREATE DATABASE tiles TEMPLATE sitroom_template"
DB=$base/tiles
scripts/load-demo.sh "$DB" "$(dirname "$BIN")" >/dev/null 2>&1

# The same layers as plain tables for Martin (one table per layer, GiST indexed).
LAYERS="rwa-villages rwa-sectors flood-zones"
for l in $LAYERS; do
  t=${l//-/_}
  psql -q "$DB" -c "CREATE TABLE $t AS SELECT f.fid, f.name, f.code, f.population, f.hazard_class, f.geom FROM features f JOIN layers l ON l.id = f.layer_id AND l.current_version = f.version WHERE f.layer_id = '$l'" \
    -c "CREATE INDEX ON $t USING gist (geom)" -c "ANALYZE $t"
done

# A fixed list of tiles: every tile of zoom 6-8 over Rwanda, then 60 per zoom to 14.
scripts/tile-list.py "$work/tiles.txt"
ntiles=$(wc -l < "$work/tiles.txt")

"$BIN" --db "$DB" serve --bind 127.0.0.1:18081 --tile-cache-mb 0 --rate-limit 0 >/dev/null 2>&1 & pids+=($!)
"$BIN" --db "$DB" serve --bind 127.0.0.1:18082 --rate-limit 0 >/dev/null 2>&1 & pids+=($!)
"$MARTIN" --listen-addresses 127.0.0.1:18083 --cache-size 0 "postgres://postgres@127.0.0.1:$port/tiles" >/dev/null 2>&1 & pids+=($!)
"$MARTIN" --listen-addresses 127.0.0.1:18084 "postgres://postgres@127.0.0.1:$port/tiles" >/dev/null 2>&1 & pids+=($!)
for p in 18081 18082 18083 18084; do
  for _ in $(seq 120); do curl -sf "127.0.0.1:$p/health" >/dev/null && break; sleep 0.5; done
done

# Tiles of the village layer (the heaviest), the flood zones, and the sectors.
urls() { # PORT LAYER-FOR-SITROOM|TABLE-FOR-MARTIN EXT
  sed "s#^#http://127.0.0.1:$1/$2/#; s#\$#$3#" "$work/tiles.txt"
}
urls 18081 tiles/rwa-villages,flood-zones,rwa-sectors .mvt > "$work/ours.txt"
urls 18082 tiles/rwa-villages,flood-zones,rwa-sectors .mvt > "$work/ours-cached.txt"
urls 18083 rwa_villages,flood_zones,rwa_sectors "" > "$work/martin.txt"
urls 18084 rwa_villages,flood_zones,rwa_sectors "" > "$work/martin-cached.txt"

# nginx serving our tile bytes from disk.
mkdir -p "$work/www"
while read -r t; do
  mkdir -p "$work/www/$(dirname "$t")"
  curl -sf -o "$work/www/$t.mvt" "http://127.0.0.1:18081/tiles/rwa-villages,flood-zones,rwa-sectors/$t.mvt" || : > "$work/www/$t.mvt"
done < "$work/tiles.txt"
cat > "$work/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  default_type application/vnd.mapbox-vector-tile;
  server { listen 127.0.0.1:18085; root $work/www; }
}
NGINX
chmod -R a+rX "$work"
nginx -c "$work/nginx.conf" & sleep 1
pids+=("$(cat "$work/nginx.pid")")
sed "s#^#http://127.0.0.1:18085/#; s#\$#.mvt#" "$work/tiles.txt" > "$work/nginx.txt"

bytes_per_tile() { # URL-FILE
  local total=0 n=0
  while read -r u; do
    b=$(curl -s -o /dev/null -w '%{size_download}' "$u"); total=$((total + b)); n=$((n + 1))
  done < "$1"
  echo $((total / n))
}

run() { # NAME URL-FILE [OHA-ARGS…]
  local name=$1 file=$2; shift 2
  "$OHA" --no-tui --output-format json -n "$REQUESTS" -c "$CONNS" "$@" --urls-from-file "$file" > "$work/$name.json"
  python3 - "$work/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]; p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
print(f'{s["requestsPerSec"]:.0f} {p["p50"]*1000:.2f} {p["p99"]*1000:.2f} {s["successRate"]:.3f} {json.dumps(codes, separators=(",", ":"))}')
PY
}

# Warm the cached servers with one pass over the list.
for f in ours-cached martin-cached; do
  while read -r u; do
    for enc in "gzip, br" identity; do curl -s -o /dev/null -H "Accept-Encoding: $enc" "$u"; done
  done < "$work/$f.txt"
done

declare -A res
for name in ours martin ours-cached martin-cached; do
  res[$name]=$(run "$name" "$work/$name.txt")
done
# The same bytes both ways: no compression, as nginx serves the files as they are.
res[ours-cached-identity]=$(run ours-cached-identity "$work/ours-cached.txt" -H "Accept-Encoding: identity")
res[nginx]=$(run nginx "$work/nginx.txt" -H "Accept-Encoding: identity")
bytes_ours=$(bytes_per_tile "$work/ours.txt")
bytes_martin=$(bytes_per_tile "$work/martin.txt")

col() { echo "${res[$1]}" | cut -d' ' -f"$2"; }
ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
mkdir -p docs/benchmarks
{
  echo "# Tile benchmark"
  echo
  echo "\`scripts/bench-tiles.sh $REQUESTS\` on $(date -u +%Y-%m-%d): $(nproc) cores, oha $("$OHA" --version | cut -d' ' -f2), $CONNS connections,"
  echo "$REQUESTS requests drawn from $ntiles tiles (all of zoom 6-8 over Rwanda, 60 a zoom from 9 to 14,"
  echo "seeded), each tile holding the village, flood-zone and sector layers of the demo in PostGIS."
  echo "Martin $("$MARTIN" --version | cut -d' ' -f2) reads the same layers from per-layer tables with GiST indexes."
  echo
  echo "Rows: uncached (sitroom --tile-cache-mb 0, Martin --cache-size 0) and cached (after one warm-up pass),"
  echo "with oha's default Accept-Encoding (both servers compress), then identity for the nginx pair."
  echo
  echo "| server | tiles/s | p50 ms | p99 ms | success | status codes |"
  echo "|---|---|---|---|---|---|"
  for name in ours martin ours-cached martin-cached ours-cached-identity nginx; do
    echo "| $name | $(col "$name" 1) | $(col "$name" 2) | $(col "$name" 3) | $(col "$name" 4) | $(col "$name" 5) |"
  done
  echo
  echo "Bytes per tile (mean over the list, uncompressed): sitroom $bytes_ours, Martin $bytes_martin."
  echo
  echo "- uncached: sitroom / Martin throughput $(ratio "$(col ours 1)" "$(col martin 1)")x, p99 $(ratio "$(col ours 3)" "$(col martin 3)")x"
  echo "- cached, identity (same bytes): sitroom / nginx from disk throughput $(ratio "$(col ours-cached-identity 1)" "$(col nginx 1)")x, p99 $(ratio "$(col ours-cached-identity 3)" "$(col nginx 3)")x"
  echo
  echo "sitroom's tiles simplify to about a pixel and drop sub-pixel shapes; Martin sends what"
  echo "PostGIS's ST_AsMVT keeps, so tile sizes differ: compare bytes per tile too."
} > docs/benchmarks/tiles.md
cat docs/benchmarks/tiles.md
