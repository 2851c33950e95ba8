#!/usr/bin/env bash
# Installs what sitroom needs to build and run on Debian/Ubuntu: GDAL, PostgreSQL +
# PostGIS (for the PostGIS store and its tests), a C toolchain, DejaVu
# fonts (map labels); with --web, Chromium for the web map's end-to-end tests; with
# --tests, that and QGIS's Python bindings (headless) for the GIS-client tests.
# Node.js 20+ with npm must already be there for the web map. Safe to run again.
set -euo pipefail

packages=(gdal-bin libgdal-dev libpq-dev libsqlite3-dev pkg-config clang postgresql-15-postgis-3
  fonts-dejavu-core)
case "${1:-}" in
  --web) packages+=(chromium) ;;
  --tests) packages+=(chromium) ;;
esac
# QGIS without the packages it only recommends (the desktop application, GRASS, …).
bare=()
[ "${1:-}" = --tests ] && bare+=(python3-qgis qgis-providers)
missing=()
missing_bare=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
for p in "${bare[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing_bare+=("$p")
done
if ((${#missing[@]} + ${#missing_bare[@]})); then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]} ${missing_bare[*]}"
  $sudo apt-get update -qq
  if ((${#missing[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if ((${#missing_bare[@]})); then
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing_bare[@]}" >/dev/null
  fi
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }
if [ "${1:-}" = --web ] || [ "${1:-}" = --tests ] || [ -d web-map ]; then
  command -v npm >/dev/null || { echo "npm not found: install Node.js 20 or later for the web map" >&2; exit 1; }
fi
