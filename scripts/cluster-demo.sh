#!/usr/bin/env bash
# Two GridLink servers behind nginx on one PostgreSQL (issue 13), the layout
# the README's "Several servers on one PostgreSQL" describes:
#   nginx 127.0.0.1:$PORT (default 3000) -> server A :3001, server B :3002
#   -> the PostgreSQL of scripts/pg.sh, database gridlink_cluster_demo
# Run through `make cluster-demo` (it builds the site first). Ctrl-C stops
# all three. CHECK=1 starts them, proves a report made through A reaches a
# live stream on B and that nginx spreads pages over both, then stops.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-3000}
SERVER=${SERVER_BIN:?set SERVER_BIN (make cluster-demo does)}
RUN=${GRIDLINK_CLUSTER_DIR:-/tmp/gridlink-cluster}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "==> installing nginx from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nginx-light >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

URL=$(bash scripts/pg.sh createdb gridlink_cluster_demo)
# The key and the photos stay with the database, which is kept between runs.
mkdir -p "$RUN/photos" && rm -rf "$RUN/tmp" && mkdir -p "$RUN/tmp"
cat > "$RUN/nginx.conf" <<CONF
worker_processes 1;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $RUN/tmp/body;
  proxy_temp_path $RUN/tmp/proxy;
  fastcgi_temp_path $RUN/tmp/fastcgi;
  uwsgi_temp_path $RUN/tmp/uwsgi;
  scgi_temp_path $RUN/tmp/scgi;
  upstream gridlink {
    server 127.0.0.1:3001;
    server 127.0.0.1:3002;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$PORT;
    client_max_body_size 40m;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$http_host;
    proxy_set_header X-Forwarded-For \$remote_addr;
    # Live updates: passed on as they come, held open for an hour.
    location /api/v1/stream {
      proxy_pass http://gridlink;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://gridlink;
      add_header X-GridLink-Upstream \$upstream_addr always;
    }
  }
}
CONF

PIDS=()
stop() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT
trap 'stop; exit 130' INT TERM

start_server() { # name port demo
  DATABASE_URL=$URL LEPTOS_SITE_ADDR=127.0.0.1:$2 GRIDLINK_DEMO=$3 \
    GRIDLINK_PHOTO_DIR=$RUN/photos GRIDLINK_DATA_KEY_FILE=$RUN/gridlink.key \
    GRIDLINK_TRUSTED_PROXIES=127.0.0.1 HOSTNAME=$1 \
    "$SERVER" > "$RUN/$1.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    # A server that died (its port taken by an older one) is not waited for.
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server $1 did not start; its log:" >&2; cat "$RUN/$1.log" >&2; exit 1
}
# A first, alone: it loads the demo district into the empty database.
start_server a 3001 1
start_server b 3002 0
"$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
up=0
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && { up=1; break; }; sleep 0.1; done
[ "$up" = 1 ] || { echo "nginx did not start on :$PORT; its log:" >&2; cat "$RUN/nginx-error.log" >&2; exit 1; }

echo
echo "GridLink 网格通 on two servers: http://127.0.0.1:$PORT (nginx) -> :3001 (A), :3002 (B)"
echo "Database: $URL   logs: $RUN/{a,b}.log"
[ "${CHECK:-0}" = 1 ] || { echo "Ctrl-C stops both servers and nginx."; wait; exit 0; }

echo "==> check: a report through A reaches a live stream on B"
node scripts/cluster-check.mjs "http://127.0.0.1:3001" "http://127.0.0.1:3002" "http://127.0.0.1:$PORT"
