# Sourced by scripts that need a throwaway server with the demo district
# (e2e.sh, lighthouse.sh): `start_demo_server BIN PORT` starts it on a fresh
# SQLite database in $WORK (made here), stops it and removes $WORK on exit, and
# returns once /healthz answers (or prints the log and fails). Sets PID and WORK.
start_demo_server() {
  local bin=$1 port=$2
  local healthy="fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
  # A server left on the port would answer the health check below and be the one
  # measured or tested (it happened: a Lighthouse run measured an older build).
  if node -e "$healthy"; then
    echo "port $port already has a server: stop it first"; return 1
  fi
  WORK=$(mktemp -d)
  # Every test signs in from 127.0.0.1: ~40 sign-ins a minute would meet the
  # default limit of 30 per address (it did, once the suite got faster).
  GRIDLINK_LOGINS_PER_MINUTE=${GRIDLINK_LOGINS_PER_MINUTE:-1000} \
  DATABASE_URL="sqlite://$WORK/demo.db?mode=rwc" LEPTOS_SITE_ADDR="127.0.0.1:$port" GRIDLINK_DEMO=1 \
    LEPTOS_SITE_ROOT=${LEPTOS_SITE_ROOT:-target/site} "$bin" > "$WORK/server.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
  # node, not curl: it is there wherever the end-to-end tests run.
  for _ in $(seq 1 120); do
    node -e "$healthy" && return 0
    kill -0 $PID 2>/dev/null || { cat "$WORK/server.log"; return 1; }
    sleep 0.5
  done
  echo "server did not start"; cat "$WORK/server.log"; return 1
}
