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
# A panic in the server is reported even when every test passed: it is a bug.
panics() { grep -n -A3 "panicked at" "$WORK/server.log" | head -60 || true; }
BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@" || {
  echo "--- server panics ---"; panics
  echo "--- server log (end) ---"; tail -50 "$WORK/server.log"; exit 1; }
if grep -q "panicked at" "$WORK/server.log"; then echo "--- server panics (tests passed) ---"; panics; fi
