#!/usr/bin/env bash
# Before and after, side by side in one run: the release build of an earlier revision
# (BASE, default the session's starting point) and of the working tree, on the same
# stores, data and machine, taking turns. Measures what a refactor must not slow down:
#   - loading rwa_villages.geojson into SQLite and into PostGIS (median of RUNS);
#   - uncached tiles of villages + flood zones + sectors over bench-tiles.sh's tile list
#     at 32 connections (throughput and p99);
#   - exposure on a running server: census polygons and N synthetic buildings x flood
#     zones by village (compute_ms of the first request), and the ad hoc area query
#     (Nyabihu's outline x buildings, 2000 requests: p50 and p99).
# Needs oha (see scripts/bench-tiles.sh). Writes docs/benchmarks/compare.md.
# Usage: TOOLS=/path/to/tools [SERVERS=3] [RUNS=3] [TILE_REQUESTS=4000] scripts/bench-compare.sh [BASE] [N]
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-cb7a209}
N=${2:-1000000}
RUNS=${RUNS:-3}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
TOOLS=${TOOLS:-$PWD/../tools}
OHA=$TOOLS/bin/oha
[ -x "$OHA" ] || { echo "oha is needed in $TOOLS/bin (see scripts/bench-tiles.sh)" >&2; exit 1; }
scripts/setup.sh
cargo build --release --locked -q -p sitroom -p sitroom-synth
NEW=$PWD/target/release/sitroom
base_dir=$PWD/target/bench-base
if [ ! -x "$base_dir/target/release/sitroom" ] || [ "$(git -C "$base_dir" rev-parse HEAD 2>/dev/null)" != "$(git rev-parse "$BASE")" ]; then
  rm -rf "$base_dir"
  git worktree prune
  git worktree add --detach "$base_dir" "$BASE" >/dev/null
  (cd "$base_dir" && CARGO_TARGET_DIR="$base_dir/target" cargo build --release --locked -q -p sitroom)
fi
OLD=$base_dir/target/release/sitroom
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; scripts/pg-cluster.sh stop; rm -rf "$work"; }
trap cleanup EXIT
admin=$(scripts/pg-cluster.sh start)
base_url=${admin%/postgres}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }

# 1. Loads, taking turns.
declare -A load
for run in $(seq 1 "$RUNS"); do
  for who in old new; do
    bin=$OLD; [ $who = new ] && bin=$NEW
    rm -f "$work/l.db"*
    t0=$(now); "$bin" --db "$work/l.db" load "$MIRROR/admin/rwa_villages.geojson" --layer v --kind boundary --theme village --code-field id --name-field name >/dev/null 2>&1; t1=$(now)
    load[$who-sqlite]+="$(printf "%.2f" "$(echo "$t1 - $t0" | bc)") "
    psql -q "$admin" -c "DROP DATABASE IF EXISTS lb" -c "CREATE DATABASE lb TEMPLATE sitroom_template" >/dev/null
    t0=$(now); "$bin" --db "$base_url/lb" load "$MIRROR/admin/rwa_villages.geojson" --layer v --kind boundary --theme village --code-field id --name-field name >/dev/null 2>&1; t1=$(now)
    load[$who-postgis]+="$(printf "%.2f" "$(echo "$t1 - $t0" | bc)") "
  done
done
med() { tr ' ' '\n' <<<"$1" | grep . | median; }

# The demo and N buildings in one PostGIS database both builds serve (same schema).
psql -q "$admin" -c "DROP DATABASE IF EXISTS cmp" -c "CREATE DATABASE cmp TEMPLATE sitroom_template" >/dev/null
DB=$base_url/cmp
SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$DB" target/release >/dev/null 2>&1
CSV=target/bench/buildings-$N.csv
mkdir -p target/bench
[ -f "$CSV" ] || target/release/sitroom-synth buildings "$MIRROR" "$N" "$CSV"
"$NEW" --db "$DB" load "$CSV" --layer buildings --kind exposure --theme building \
  --population-field occupants --title "Buildings (synthetic)" --anonymous true >/dev/null 2>&1
# Statistics and visibility maps now, so that autovacuum does not run during the first
# server's turn.
psql -q "$DB" -c "VACUUM ANALYZE" >/dev/null

scripts/tile-list.py "$work/tiles.txt" "http://127.0.0.1:18095/tiles/rwa-villages,flood-zones,rwa-sectors/" ".mvt"
python3 - "$MIRROR/admin/rwa_districts.geojson" > "$work/area.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = next(f for f in d["features"] if f["properties"]["id"] == 34)
print(json.dumps(f["geometry"]))
PY

# Servers per revision, in turns old new new old old new … (ABBA), so that a drift of the
# machine over the run falls on both revisions alike.
SERVERS=${SERVERS:-3}
# Tile requests per server: the p99 is the slowest 1% of them, so more requests steady it.
TILE_REQUESTS=${TILE_REQUESTS:-4000}
turns=()
for i in $(seq 1 "$SERVERS"); do
  if [ $((i % 2)) = 1 ]; then turns+=(old new); else turns+=(new old); fi
done
declare -A tiles_rps tiles_p99 comp_p comp_b area_p50 area_p99
for who in "${turns[@]}"; do
  bin=$OLD; [ $who = new ] && bin=$NEW
  "$bin" --db "$DB" serve --bind 127.0.0.1:18095 --tile-cache-mb 0 --rate-limit 0 >"$work/serve.log" 2>&1 & pid=$!
  until curl -sf http://127.0.0.1:18095/health >/dev/null; do sleep 1; done
  for l in buildings population-2022 rwa-villages flood-zones; do
    until grep -q "prepared for exposure.*layer=$l " "$work/serve.log"; do sleep 1; done
  done
  # One pass over the tile list first, not measured: the database's and the system's
  # caches are then as warm for every server (the server's own tile cache is off).
  "$OHA" --no-tui --urls-from-file "$work/tiles.txt" -n "$(wc -l < "$work/tiles.txt")" -c 32 >/dev/null 2>&1
  "$OHA" --no-tui --urls-from-file "$work/tiles.txt" -n "$TILE_REQUESTS" -c 32 --output-format json > "$work/oha.json" 2>/dev/null
  tiles_rps[$who]+="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["summary"]["requestsPerSec"]))' "$work/oha.json") "
  tiles_p99[$who]+="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["latencyPercentiles"]["p99"]*1000,1))' "$work/oha.json") "
  c() { curl -sf "http://127.0.0.1:18095/api/exposure?hazard=flood-zones&exposure=$1&by=village" | python3 -c 'import json,sys; print(round(json.load(sys.stdin)["compute_ms"]))'; }
  comp_p[$who]+="$(c population-2022) "
  comp_b[$who]+="$(c buildings) "
  "$OHA" --no-tui -n 2000 -c 1 -m POST -T application/json -D "$work/area.json" --output-format json \
    "http://127.0.0.1:18095/api/exposure/area?hazard=flood-zones&exposure=buildings" > "$work/area-oha.json" 2>/dev/null
  area_p50[$who]+="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["latencyPercentiles"]["p50"]*1000,1))' "$work/area-oha.json") "
  area_p99[$who]+="$(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["latencyPercentiles"]["p99"]*1000,1))' "$work/area-oha.json") "
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
done

ratio() { python3 -c "import sys; print(f'{float(sys.argv[2])/float(sys.argv[1]):.2f}')" "$1" "$2"; }
spread() { tr ' ' '\n' <<<"$1" | grep . | sort -n | awk 'NR==1{lo=$1} {hi=$1} END {print lo "–" hi}'; }
row() { # label old new [old values] [new values]
  if [ $# -gt 3 ]; then
    echo "| $1 | $2 | $3 | $(ratio "$2" "$3") | $(spread "$4") | $(spread "$5") |"
  else
    echo "| $1 | $2 | $3 | $(ratio "$2" "$3") | | |"
  fi
}
mrow() { # label array-key: median and spread of each revision's servers
  local -n a=$2
  row "$1" "$(med "${a[old]}")" "$(med "${a[new]}")" "${a[old]}" "${a[new]}"
}
{
  echo "# Before and after"
  echo
  echo "\`scripts/bench-compare.sh $BASE $N\` on $(date -u +%Y-%m-%d): $(nproc) cores; release builds of $BASE (before) and $(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes') (after), taking turns on the same stores and data."
  echo "Loads: median of $RUNS each, in turns. Tiles and exposure: median of $SERVERS servers per revision, started in turns (${turns[*]}); each server first takes one unmeasured pass over the tile list, then $TILE_REQUESTS tile requests and 2,000 ad hoc area requests."
  echo
  echo "| | before | after | after / before | before, range | after, range |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "load villages → SQLite (s)" "$(med "${load[old-sqlite]}")" "$(med "${load[new-sqlite]}")" "${load[old-sqlite]}" "${load[new-sqlite]}"
  row "load villages → PostGIS (s)" "$(med "${load[old-postgis]}")" "$(med "${load[new-postgis]}")" "${load[old-postgis]}" "${load[new-postgis]}"
  mrow "uncached tiles, 32 connections (tiles/s)" tiles_rps
  mrow "uncached tiles p99 (ms)" tiles_p99
  mrow "census polygons x flood by village, warm (ms)" comp_p
  mrow "$N buildings x flood by village, warm (ms)" comp_b
  mrow "ad hoc area x buildings p50 (ms)" area_p50
  mrow "ad hoc area x buildings p99 (ms)" area_p99
  echo
  echo "For tiles/s a ratio above 1 is faster; for times, below 1."
} > docs/benchmarks/compare.md
cat docs/benchmarks/compare.md
