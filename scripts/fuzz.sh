#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo fuzz (libFuzzer, AddressSanitizer, nightly Rust) of
# the three places hostile input enters: uploads (any bytes as a GeoJSON file, read as a
# hazard and as an exposure layer), the CQL2 filter parser, and tile and query
# parameters through the real router (any 5xx is a finding, like a panic or a crash).
#
#   scripts/fuzz.sh                 # 5 minutes per target
#   scripts/fuzz.sh 3600 upload     # one target, an hour
#
# The corpus is kept in fuzz/corpus/<target> (seeds written by hand, plus what the runs
# found, minimised with `cargo fuzz cmin` at the end); crashes land in
# fuzz/artifacts/<target> with the command that replays them.
set -euo pipefail
cd "$(dirname "$0")/.."
each=${1:-300}
shift || true
targets=${*:-upload filter requests}

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cargo +nightly fuzz --version >/dev/null 2>&1 || cargo install cargo-fuzz --locked

cd fuzz
for t in $targets; do
  echo "== $t: ${each} s" >&2
  # Leak checking is off: GDAL/GEOS keep (and on some error paths lose) small C++
  # allocations that LeakSanitizer reports at exit without a frame of ours.
  ASAN_OPTIONS=detect_leaks=0 CPL_LOG=/dev/null \
    cargo +nightly fuzz run "$t" -- -max_total_time="$each" -timeout=30 \
    -rss_limit_mb=4096 -print_final_stats=1 2>&1 | grep -v '^Warning 1:\|^ERROR 1:'
  [ "${PIPESTATUS[0]}" -eq 0 ] || exit 1
  cargo +nightly fuzz cmin "$t" >/dev/null 2>&1
done
