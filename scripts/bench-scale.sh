#!/usr/bin/env bash
# City-scale load over real HTTP (issue 13): release servers' real routers
# driven by wrk (Debian's package) with 100 connections over the queues, a
# case page, the map layer, the board, Open311 GET and report submission,
# on a database of SMALL cases and one of CASES side by side, each route
# REPEATS times on each in turn (a shared machine's speed drifts within a
# run), each route's median p50/p99 with the budgets' ratios. PostgreSQL
# (scripts/pg.sh's server, databases of the bench's own, dropped at the
# end) at 10 M cases, then SQLite at 1 M.
#   DB=postgres|sqlite|both (both)  GRIDS (15000)  SMALL (100000)
#   PG_CASES (10000000)  SQLITE_CASES (1000000)  CLIENTS (100)  SECS (5)
#   REPEATS (3)
#   KEEP=1: the large PostgreSQL database is kept (its address is printed)
#   for a look at query plans; REUSE=gl_bench_scale_NNN drives a kept one
#   again instead of writing ten million rows; drop it by hand when done
#   (psql -c 'DROP DATABASE gl_bench_scale_NNN').
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
command -v wrk >/dev/null || { as_root apt-get update -qq; as_root apt-get install -y -qq wrk; }
cargo build -q --release -p server
BIN=${CARGO_TARGET_DIR:-target}/release/server
DB=${DB:-both}
args() {
  echo --grids "${GRIDS:-15000}" --small "${SMALL:-100000}" --clients "${CLIENTS:-100}" --seconds "${SECS:-5}" --repeats "${REPEATS:-3}"
}
export RUST_LOG=${RUST_LOG:-error}
if [ "$DB" = postgres ] || [ "$DB" = both ]; then
  # Started without `start`'s clean-up: a running `make test` keeps its databases.
  PG=$(GRIDLINK_PG_KEEP=1 bash scripts/pg.sh start)
  echo "==> PostgreSQL, ${PG_CASES:-10000000} cases"
  # shellcheck disable=SC2046
  GRIDLINK_BENCH_KEEP=${KEEP:-0} GRIDLINK_BENCH_REUSE=${REUSE:-} GRIDLINK_BENCH_DB="$PG" "$BIN" bench-scale $(args) --cases "${PG_CASES:-10000000}"
fi
if [ "$DB" = sqlite ] || [ "$DB" = both ]; then
  echo "==> SQLite, ${SQLITE_CASES:-1000000} cases"
  # shellcheck disable=SC2046
  env -u GRIDLINK_BENCH_DB "$BIN" bench-scale $(args) --cases "${SQLITE_CASES:-1000000}"
fi
