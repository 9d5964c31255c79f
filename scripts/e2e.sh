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
# The run's output is kept so that, after the server log, the failures come last:
# CI shows only the tail, and a failure once scrolled out of it behind the log.
BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@" 2>&1 | tee "$WORK/e2e.log" || {
  echo "--- server panics ---"; panics
  echo "--- server log (end; SMS lines left out) ---"; grep -v "SMS (log only" "$WORK/server.log" | tail -30
  echo "--- failed tests (from the run above) ---"
  sed -n '/^ *[0-9]* failed$/,$p' "$WORK/e2e.log" | head -20
  grep -E -A8 "^ +[0-9]+\) " "$WORK/e2e.log" | head -60
  exit 1; }
if grep -q "panicked at" "$WORK/server.log"; then echo "--- server panics (tests passed) ---"; panics; fi
# A test that passed only on its retry (CI allows one) is named, not hidden.
if grep -qE "^ +[0-9]+ flaky$" "$WORK/e2e.log"; then
  echo "--- flaky: passed only when retried ---"; sed -n '/^ *[0-9]* flaky$/,/passed/p' "$WORK/e2e.log"
fi
