#!/usr/bin/env bash
# Runs the Playwright suite against a freshly started server on a throwaway
# SQLite database (demo data loaded), then stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${E2E_PORT:-3107}
WORK=$(mktemp -d)
export DATABASE_URL="sqlite://$WORK/e2e.db"
export LEPTOS_SITE_ADDR="127.0.0.1:$PORT" GRIDLINK_DEMO=1
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
BIN=${SERVER_BIN:-${CARGO_TARGET_DIR:-target}/debug/server}
"$BIN" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
healthy() { node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; }
for _ in $(seq 1 120); do
  healthy && break
  kill -0 $PID 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
healthy || { echo "server did not start"; cat "$WORK/server.log"; exit 1; }
cd end2end
BASE_URL="http://127.0.0.1:$PORT" npx playwright test "$@" || { echo "--- server log ---"; tail -50 "$WORK/server.log"; exit 1; }
