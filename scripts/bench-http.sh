#!/usr/bin/env bash
# HTTP-level load: wrk (Debian's package) against a release server on the
# demo district (SQLite), 50 connections for 10 s per endpoint, through the
# real router with its security layers. wrk and the server share this
# machine's cores. Prints wrk's figures for docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { sudo_or() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }; sudo_or apt-get install -y -qq wrk; }
PORT=${PORT:-3307}
CONNS=${CONNS:-50}
SECS=${SECS:-10}
WORK=$(mktemp -d)
cargo build -q --release -p server
BIN=${CARGO_TARGET_DIR:-target}/release/server
export DATABASE_URL="sqlite://$WORK/demo.db" LEPTOS_SITE_ADDR="127.0.0.1:$PORT" GRIDLINK_DEMO=1 RUST_LOG=error
export GRIDLINK_PHOTO_DIR="$WORK/photos" LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site}
"$BIN" > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do curl -fs "$BASE/healthz" >/dev/null && break; sleep 0.5; done

# A session cookie for a demo account.
cookie() {
  curl -fs -c - -o /dev/null --data-urlencode "phone=$1" --data-urlencode "password=demo1234" "$BASE/api/login" \
    | awk '$6 == "gl_sid" { print "gl_sid=" $7 }'
}
COMMUNITY=$(cookie 13800000003)
WORKER=$(cookie 13800000005)

cat > "$WORK/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = os.getenv("CTYPE")
wrk.headers["Cookie"] = os.getenv("COOKIE")
LUA

run() {
  local name=$1; shift
  echo "### $name"
  wrk -t2 -c"$CONNS" -d"${SECS}s" --latency "$@" | grep -E "Latency|50%|90%|99%|Requests/sec|Non-2xx"
}
run "GET /api/v1/wishes.json (wall, first page)" "$BASE/api/v1/wishes.json"
run "GET /api/v1/board.json (public board, first page)" "$BASE/api/v1/board.json"
BODY="" CTYPE="application/x-www-form-urlencoded" COOKIE="$COMMUNITY" \
  run "POST /api/map_cases (community admin's case layer)" -s "$WORK/post.lua" "$BASE/api/map_cases"
BODY='{"queue":{"grid":"370103-001-001-01"},"statuses":[],"after":null}' CTYPE="application/json" COOKIE="$WORKER" \
  run "POST /api/case_queue (grid inbox, first page)" -s "$WORK/post.lua" "$BASE/api/case_queue"
run "GET /wishes (server-rendered page)" "$BASE/wishes"
