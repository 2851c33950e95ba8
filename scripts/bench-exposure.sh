#!/usr/bin/env bash
# Exposure benchmark: national exposure at village level (all roll-ups) for 5 million
# synthetic building points (seeded; placed in villages in proportion to population) and
# for the census population polygons, against each demo hazard layer; sitroom side by
# side with the same computation in PostGIS SQL (scripts/sql/) on the same machine and
# the same store, in one run. Also the ad hoc area query (a district polygon, POST
# /api/exposure/area) against its SQL equivalent, and memory.
# Needs oha (see scripts/bench-tiles.sh). Writes docs/benchmarks/exposure.md.
# Usage: TOOLS=/path/to/tools scripts/bench-exposure.sh [BUILDINGS]   (default 5000000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5000000}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
TOOLS=${TOOLS:-$PWD/../tools}
OHA=$TOOLS/bin/oha
[ -x "$OHA" ] || { echo "oha is needed in $TOOLS/bin (see scripts/bench-tiles.sh)" >&2; exit 1; }
scripts/setup.sh
cargo build --release --locked -q
BIN=$PWD/target/release/sitroom
mkdir -p target/bench
CSV=target/bench/buildings-$N.csv
[ -f "$CSV" ] || target/release/sitroom-synth buildings "$MIRROR" "$N" "$CSV"

admin=$(scripts/pg-cluster.sh start)
work=$(mktemp -d)
pid=
# REUSE=1 keeps the cluster (and the loaded database) for the next run.
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null
  [ "${REUSE:-0}" = 1 ] || scripts/pg-cluster.sh stop
  rm -rf "$work"
}
trap cleanup EXIT
DB=${admin%/*}/bench_exposure
# REUSE=1 uses a database loaded by an earlier REUSE=1 run with the same N (loading takes minutes).
if [ "${REUSE:-0}" = 1 ] && [ "$(psql -At "$DB" -c "SELECT feature_count FROM layer_versions WHERE layer_id = 'buildings'" 2>/dev/null)" = "$N" ]; then
  echo "reusing the loaded database" >&2
else
  psql -q "$admin" -c "DROP DATABASE IF EXISTS bench_exposure" -c "CREATE DATABASE bench_exposure TEMPLATE sitroom_template" >/dev/null
  echo "loading the demo and $N buildings into PostGIS…" >&2
  SITROOM_MIRROR=$MIRROR scripts/load-demo.sh "$DB" "$(dirname "$BIN")" >/dev/null 2>&1
  "$BIN" --db "$DB" load "$CSV" --layer buildings --kind exposure --theme building \
    --population-field occupants --title "Buildings (synthetic)" --anonymous true >/dev/null 2>&1
  psql -q "$DB" -c "VACUUM ANALYZE features" >/dev/null
fi
compute_ms() { python3 -c 'import json, sys; print(round(json.load(sys.stdin)["compute_ms"]))'; }

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
HAZARDS=(flood-zones landslide-susceptibility volcanic-zones)

# 1. Cold: a fresh process computes everything it needs (cell grids, points sorted by
#    cell) for its first result; compute_ms excludes reading the store.
cold() { # HAZARD EXPOSURE
  /usr/bin/time -f "%M" -o "$work/rss" "$BIN" --db "$DB" exposure --hazard "$1" --exposure "$2" \
    --by village --format json 2>/dev/null | compute_ms
}
echo "cold runs…" >&2
cold_b=$(cold flood-zones buildings); rss_cli=$(($(cat "$work/rss") / 1024))
cold_p=$(cold flood-zones population-2022)

# 2. Warm: a running server that has prepared its layers in the background after start;
#    the first request for each hazard computes (then the result is kept).
"$BIN" --db "$DB" serve --bind 127.0.0.1:18090 --rate-limit 0 > "$work/server.log" 2>&1 & pid=$!
until curl -sf http://127.0.0.1:18090/health >/dev/null; do sleep 1; done
for l in buildings population-2022 rwa-villages "${HAZARDS[@]}"; do
  until grep -q "prepared for exposure.*layer=$l " "$work/server.log"; do sleep 1; done
done
declare -A warm_b warm_p wall_b
for h in "${HAZARDS[@]}"; do
  t0=$(now)
  warm_b[$h]=$(curl -sf "http://127.0.0.1:18090/api/exposure?hazard=$h&exposure=buildings&by=village" | compute_ms)
  wall_b[$h]=$(secs "$t0" "$(now)")
  warm_p[$h]=$(curl -sf "http://127.0.0.1:18090/api/exposure?hazard=$h&exposure=population-2022&by=village" | compute_ms)
done
rss_server=$(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 ))

# 3. The ad hoc area query: one district's outline (Nyabihu, 34), 200 requests.
python3 - "$MIRROR/admin/rwa_districts.geojson" > "$work/area.json" <<'PY'
import json, sys
for f in json.load(open(sys.argv[1]))["features"]:
    if f["properties"]["id"] == 34:
        print(json.dumps(f["geometry"]))
PY
"$OHA" --no-tui --output-format json -n 200 -c 1 -m POST -T application/json -D "$work/area.json" \
  "http://127.0.0.1:18090/api/exposure/area?hazard=flood-zones&exposure=buildings" > "$work/area-oha.json"
read -r area_p50 area_p99 area_ok < <(python3 - "$work/area-oha.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["latencyPercentiles"]
print(f'{p["p50"]*1000:.1f} {p["p99"]*1000:.1f} {r["summary"]["successRate"]:.3f}')
PY
)
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=

# 4. PostGIS: the same computations in SQL (set-up of the class zones included, as our
#    cold figure includes our grids).
pg() { # HAZARD EXPOSURE SCRIPT
  local t0; t0=$(now)
  psql -q "$DB" -v hazard="$1" -v exposure="$2" -v units=rwa-villages \
    -f scripts/sql/exposure-common.sql -f "scripts/sql/$3" > "$work/pg.csv"
  secs "$t0" "$(now)"
}
echo "PostGIS runs…" >&2
pg_b=$(pg flood-zones buildings exposure-points.sql)
pg_p=$(pg flood-zones population-2022 exposure-polygons.sql)
# The area query in SQL, with the class zones prepared once: 20 timed runs.
{
  echo "\\set area '$(cat "$work/area.json")'"
  cat <<'SQL'
\timing on
SQL
  for _ in $(seq 20); do cat <<'SQL'
SELECT COALESCE((SELECT min(z.r) FROM zones z WHERE ST_Intersects(z.g, p.g)), 0) AS class,
       count(*), SUM(COALESCE(p.population, 0))
FROM (SELECT f.population, ST_Transform(f.geom, 3857) AS g FROM features f
      JOIN layers l ON l.id = f.layer_id AND l.current_version = f.version
      WHERE f.layer_id = 'buildings'
        AND ST_Intersects(f.geom, ST_SetSRID(ST_GeomFromGeoJSON(:'area'), 4326))) p
GROUP BY 1;
SQL
  done
} > "$work/area.sql"
psql -q "$DB" -v hazard=flood-zones -v exposure=buildings -v units=rwa-villages \
  -f scripts/sql/exposure-common.sql -f "$work/area.sql" > "$work/area-pg.txt"
read -r pg_area_p50 pg_area_max < <(grep -o 'Time: [0-9.]*' "$work/area-pg.txt" | tail -20 | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f\n", a[int((NR+1)/2)], a[NR]}')

ratio() { python3 -c "print(f'{$1/$2:.0f}')"; }
ms() { python3 -c "print(f'{$1*1000:.0f}')"; }
{
  echo "# Exposure benchmark"
  echo
  echo "\`scripts/bench-exposure.sh $N\` on $(date -u +%Y-%m-%d): $(nproc) cores, PostgreSQL $(psql -At "$DB" -c 'SHOW server_version' | cut -d' ' -f1) with PostGIS $(psql -At "$DB" -c 'SELECT PostGIS_Lib_Version()'),"
  echo "the same store (sitroom on PostGIS) for both. National exposure by village with every roll-up"
  echo "(cell, sector, district, province, country); $N synthetic buildings (seed 20261126, placed in"
  echo "villages in proportion to population) and the 14,814 census village polygons."
  echo
  echo "| computation | sitroom cold | sitroom warm | PostGIS SQL | PostGIS / sitroom cold |"
  echo "|---|---:|---:|---:|---:|"
  echo "| $N buildings x flood zones | ${cold_b} ms | ${warm_b[flood-zones]} ms | $(ms "$pg_b") ms | $(ratio "$pg_b*1000" "$cold_b")x |"
  echo "| census polygons x flood zones | ${cold_p} ms | ${warm_p[flood-zones]} ms | $(ms "$pg_p") ms | $(ratio "$pg_p*1000" "$cold_p")x |"
  echo
  echo "- cold: a new process, first result: builds the cell grids of the hazard and village layers"
  echo "  and sorts the points by cell (compute_ms of \`sitroom exposure\`; reading the store excluded)."
  echo "- warm: a running server that prepared its layers in the background after start; the first"
  echo "  request per hazard computes (later ones are served from the kept result)."
  for h in "${HAZARDS[@]}"; do
    echo "  - $h: buildings ${warm_b[$h]} ms (whole request with JSON of 14,813 villages: $(ms "${wall_b[$h]}") ms), census polygons ${warm_p[$h]} ms"
  done
  echo "- PostGIS SQL: \`scripts/sql/exposure-common.sql\` + \`exposure-points.sql\` / \`exposure-polygons.sql\`,"
  echo "  wall time of psql (merging and cutting the class zones included, as our cold figure includes our grids)."
  echo
  echo "Ad hoc area query (Nyabihu district's outline, flood zones x buildings, 200 sequential requests):"
  echo "sitroom p50 ${area_p50} ms, p99 ${area_p99} ms (success ${area_ok}); PostGIS SQL (zones prepared) median ${pg_area_p50} ms, max ${pg_area_max} ms of 20."
  echo
  echo "Memory: server ${rss_server} MiB resident with the demo and $N buildings loaded and prepared;"
  echo "\`sitroom exposure\` (one process, all layers read) peaked at ${rss_cli} MiB."
} > docs/benchmarks/exposure.md
cat docs/benchmarks/exposure.md
