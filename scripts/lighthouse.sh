#!/usr/bin/env bash
# make lighthouse: the release build, a server with the demo district on a
# throwaway database, and Lighthouse 12 (tools/lighthouse) on /, /wishes, /board.
# Figures go to docs/performance.md by hand; nothing here is a test.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${LH_PORT:-3190}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
export LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-$PWD/target/release-site}
if [ -z "${SKIP_BUILD:-}" ]; then PROFILE=release bash scripts/build-site.sh; fi
if [ ! -d tools/lighthouse/node_modules/lighthouse ]; then
  echo "==> installing Lighthouse 12 in tools/lighthouse (once)"
  (cd tools/lighthouse && npm ci --no-audit --no-fund --loglevel=error)
fi
WORK=$(mktemp -d)
DATABASE_URL="sqlite://$WORK/lh.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" GRIDLINK_DEMO=1 \
  "$TARGET_DIR/release/server" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
  kill -0 $PID 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
(cd tools/lighthouse && node run.mjs "http://127.0.0.1:$PORT" "$@")
