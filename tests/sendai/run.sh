#!/usr/bin/env bash
# The demo's Sendai indicators against an independent computation (tests/sendai/check.py:
# the records as exported, parsed by libhxl; population and household sizes by SQL from
# the store), on a server holding the demo. Settings as tests/demo-server.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${SITROOM_CHECKERS_PYTHON:-$(tests/checkers/venv.sh)}
# shellcheck source=tests/demo-server.sh
. tests/demo-server.sh
token=$("$BIN" --db "$db" token create sendai-check --role viewer | head -1)
serve_demo
"$python" tests/sendai/check.py "$base" "$token" "$db"
