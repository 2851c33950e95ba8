#!/usr/bin/env bash
# Load benchmark: rwa_villages.geojson (87 MB, 14,814 village polygons) loaded by sitroom
# into each store backend, next to ogr2ogr loading the same file into PostGIS and into a
# GeoPackage, in one run on one machine. Each is run RUNS times; the median is reported.
# Writes docs/benchmarks/load.md. Usage: scripts/bench-load.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
MIRROR=${SITROOM_MIRROR:-$PWD/../shared/data}
FILE=$MIRROR/admin/rwa_villages.geojson
scripts/setup.sh
cargo build --release --locked -q
BIN=$PWD/target/release/sitroom
admin=$(scripts/pg-cluster.sh start)
trap 'scripts/pg-cluster.sh stop' EXIT
base=${admin%/postgres}
port=${base##*:}
work=$(mktemp -d)
trap 'scripts/pg-cluster.sh stop; rm -rf "$work"' EXIT

fresh_db() {
  psql -q "$admin" -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench TEMPLATE sitroom_template" >/dev/null
  echo "$base/bench"
}

# time_one NAME PREPARE_CMD RUN_CMD: prints the median wall time in seconds.
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_cmd() {
  local t0 t1
  t0=$(date +%s.%N)
  if ! "$@" >/dev/null 2>"$work/err"; then
    echo "failed: $*" >&2; cat "$work/err" >&2; exit 1
  fi
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# Every loader must have written all 14,814 villages, or its time means nothing.
expect() {
  [ "$2" = 14814 ] || { echo "$1 wrote $2 features, not 14814" >&2; exit 1; }
}

declare -A result
for run in $(seq "$RUNS"); do
  rm -f "$work"/s.db*
  "$BIN" --db "$work/s.db" load "$FILE" --layer villages --kind boundary --theme village --code-field id --json >/dev/null 2>&1 || true
  rm -f "$work"/s.db*
  result[sqlite]+="$(time_cmd "$BIN" --db "$work/s.db" load "$FILE" --layer villages --kind boundary --theme village --code-field id --json) "
  expect sitroom-sqlite "$("$BIN" --db "$work/s.db" layers --json | grep -o '"feature_count": [0-9]*' | grep -o '[0-9]*')"
  url=$(fresh_db); "$BIN" --db "$url" layers >/dev/null  # migrate outside the timing
  result[postgis]+="$(time_cmd "$BIN" --db "$url" load "$FILE" --layer villages --kind boundary --theme village --code-field id --json) "
  expect sitroom-postgis "$(psql -tA "$url" -c 'SELECT count(*) FROM features')"
  url=$(fresh_db)
  # GDAL's PG driver takes a key=value connection string (its URI form mangles dbname).
  result[ogr_pg]+="$(time_cmd ogr2ogr -f PostgreSQL "PG:host=127.0.0.1 port=$port user=postgres dbname=bench" "$FILE" -nln villages -lco GEOMETRY_NAME=geom) "
  expect ogr2ogr-postgis "$(psql -tA "$url" -c 'SELECT count(*) FROM villages')"
  rm -f "$work/v.gpkg"
  result[ogr_gpkg]+="$(time_cmd ogr2ogr -f GPKG "$work/v.gpkg" "$FILE" -nln villages) "
  expect ogr2ogr-gpkg "$(ogrinfo -so "$work/v.gpkg" villages | sed -n 's/^Feature Count: //p')"
done

m() { tr ' ' '\n' <<<"${result[$1]}" | grep . | median | xargs printf '%.2f'; }
s=$(m sqlite); p=$(m postgis); op=$(m ogr_pg); og=$(m ogr_gpkg)
ratio() { printf '%.2f' "$(echo "scale=4; $1 / $2" | bc)"; }
mkdir -p docs/benchmarks
{
  echo "# Load benchmark"
  echo
  echo "\`scripts/bench-load.sh $RUNS\` on $(date -u +%Y-%m-%d), $(nproc) cores, GDAL $(gdal-config --version)."
  echo "File: rwa_villages.geojson ($(du -m "$FILE" | cut -f1) MB, 14,814 polygons). Median of $RUNS runs, wall time."
  echo
  echo "| loader | target | seconds | vs ogr2ogr to the same kind of store |"
  echo "|---|---|---|---|"
  echo "| sitroom load | SQLite (embedded) | $s | $(ratio "$s" "$og")x ogr2ogr→GeoPackage |"
  echo "| sitroom load | PostGIS | $p | $(ratio "$p" "$op")x ogr2ogr→PostGIS |"
  echo "| ogr2ogr | PostGIS | $op | 1 |"
  echo "| ogr2ogr | GeoPackage | $og | 1 |"
  echo
  echo "sitroom does more per feature than ogr2ogr: a GEOS validity check (and repair), a"
  echo "coordinate range check, field mapping, a SHA-256 of the file and a versioned,"
  echo "single-transaction commit. Below 1 is faster than ogr2ogr."
} > docs/benchmarks/load.md
cat docs/benchmarks/load.md
