#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started server on a throwaway
# SQLite database (demo data loaded), then stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${E2E_PORT:-3107}
BIN=${SERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/server}
source scripts/demo-server.sh
start_demo_server "$BIN" "$PORT"
cd end2end
BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@" || { echo "--- server log ---"; tail -50 "$WORK/server.log"; exit 1; }
