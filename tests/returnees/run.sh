#!/usr/bin/env bash
# The demo's returnee progress against an independent computation
# (tests/returnees/check.py: the register as exported, counted in Python), on a server
# holding the demo. Settings as tests/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${SITROOM_CHECKERS_PYTHON:-$(tests/checkers/venv.sh)}
# shellcheck source=tests/demo-server.sh
. tests/demo-server.sh
token=$("$BIN" --db "$db" token create returnees-check --role analyst | head -1)
serve_demo
"$python" tests/returnees/check.py "$base" "$token"
