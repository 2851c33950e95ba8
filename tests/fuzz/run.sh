#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo fuzz (libFuzzer, AddressSanitizer, nightly Rust) of
# where hostile input enters: uploads (any bytes as a GeoJSON file, read as a hazard and
# as an exposure layer), the CQL2 filter parser, tile and query parameters through the
# real router (any 5xx is a finding, like a panic or a crash), and deep and wide
# structures built on purpose (parentheses, NOT and OR chains, nested coordinates,
# geometry collections, properties and incident areas thousands deep).
#
#   tests/fuzz/run.sh                 # 5 minutes per target
#   tests/fuzz/run.sh 3600 deep       # one target, an hour
#
# The corpus is generated, never committed: each run starts from the seeds this script
# writes into tests/fuzz/corpus/<target> and grows them; crashes land in
# tests/fuzz/artifacts/<target> with the command that replays them.
set -euo pipefail
cd "$(dirname "$0")"
each=${1:-300}
shift || true
targets=${*:-upload filter requests deep}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

seed() { # target name content
  mkdir -p "corpus/$1"
  printf '%b' "$3" > "corpus/$1/$2"
}
seed upload point '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"class":"high","name":"A"},"geometry":{"type":"Point","coordinates":[30.06,-1.95]}}]}'
seed upload polygon '{"type":"Feature","properties":{"class":"low"},"geometry":{"type":"Polygon","coordinates":[[[30,-2],[30.1,-2],[30.1,-1.9],[30,-1.9],[30,-2]]]}}'
seed upload collection '{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"GeometryCollection","geometries":[{"type":"MultiPoint","coordinates":[[30,-2],[30.2,-2.1,5]]}]}}]}'
seed filter compare "name = 'Gitega' AND population >= 1000"
seed filter lists "hazard_class IN ('high','medium') OR NOT (code LIKE '11%')"
seed filter nulls "\"name\" IS NOT NULL AND ok = TRUE"
seed requests tile 'zones/8/151/130.mvt?filter=class%3D%27high%27'
seed requests items 'limit=5&offset=2&bbox=30,-2,30.2,-1.9'
seed requests exposure 'by=district&format=csv'
seed deep parens '\x00\x10\x00x'
seed deep nots '\x01\x10\x00x'
seed deep ors '\x02\x10\x00'
seed deep coordinates '\x03\x10\x00'
seed deep collections '\x04\x10\x00'
seed deep properties '\x05\x10\x00x'
seed deep areas '\x06\x10\x00'

for t in $targets; do
  echo "== $t: ${each} s" >&2
  # Leak checking is off: GDAL/GEOS keep (and on some error paths lose) small C++
  # allocations that LeakSanitizer reports at exit without a frame of ours.
  ASAN_OPTIONS=detect_leaks=0 CPL_LOG=/dev/null \
    cargo +nightly fuzz run "$t" -- -max_total_time="$each" -timeout=30 \
    -rss_limit_mb=4096 -print_final_stats=1 2>&1 | grep -v '^Warning 1:\|^ERROR 1:'
  [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
done
