#!/usr/bin/env bash
# The map budget: a release server over a generated city of GRIDS grids (1,200
# by default), timed in Chromium. Prints the figures for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
GRIDS=${GRIDS:-1200}
PORT=${PORT:-3207}
WORK=$(mktemp -d)
BIN=${CARGO_TARGET_DIR:-target}/release/server
export DATABASE_URL="sqlite://$WORK/city.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" GRIDLINK_DEMO=0
"$BIN" gen-city --grids "$GRIDS"
"$BIN" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
healthy() { node -e "fetch('http://127.0.0.1:$PORT/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; }
for _ in $(seq 1 60); do healthy && break; sleep 0.5; done
node -e "
const u='http://127.0.0.1:$PORT/api/v1/grids.geojson';
Promise.all([fetch(u).then(r=>r.arrayBuffer()), fetch(u,{headers:{'accept-encoding':'gzip'}}).then(r=>r.headers.get('content-encoding'))])
  .then(([raw,enc])=>console.log('grid layer:', raw.byteLength, 'bytes raw; served with content-encoding', enc));"
cd end2end && node perf/map-timing.mjs "http://127.0.0.1:$PORT" "${RUNS:-7}"
