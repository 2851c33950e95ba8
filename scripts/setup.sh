#!/usr/bin/env bash
# Installs what sitroom needs to build and run on Debian/Ubuntu: GDAL, PostgreSQL +
# PostGIS (for the PostGIS store and its tests), a C toolchain, DejaVu
# fonts (map labels), and, with --web, Chromium for the web map's end-to-end tests.
# Node.js 20+ with npm must already be there for the web map. Safe to run again.
set -euo pipefail

packages=(gdal-bin libgdal-dev libpq-dev libsqlite3-dev pkg-config clang postgresql-15-postgis-3
  fonts-dejavu-core)
[ "${1:-}" = --web ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }
if [ "${1:-}" = --web ] || [ -d web-map ]; then
  command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or later for the web map" >&2; exit 1; }
fi
