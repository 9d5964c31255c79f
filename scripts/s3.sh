#!/usr/bin/env bash
# An S3-compatible object store for the tests: moto's server (PyPI, every
# package pinned in scripts/moto-requirements.txt), in a virtualenv outside
# the clone, on loopback only.
#   scripts/s3.sh start   installs it if missing, starts it, prints the URL
#   scripts/s3.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${GRIDLINK_S3_PORT:-55900}
VENV=${GRIDLINK_MOTO_VENV:-$HOME/.cache/gridlink-moto}
URL="http://127.0.0.1:$PORT"
REQS=scripts/moto-requirements.txt
STAMP="$VENV/.requirements"
PIDFILE="${TMPDIR:-/tmp}/gridlink-moto-$PORT.pid"
LOG="${TMPDIR:-/tmp}/gridlink-moto-$PORT.log"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# Stops the moto this script started, if the pid is still that process.
stop_ours() {
  if [ -f "$PIDFILE" ]; then
    local pid
    pid=$(cat "$PIDFILE")
    if grep -qa moto_server "/proc/$pid/cmdline" 2>/dev/null; then kill "$pid" 2>/dev/null || true; fi
    rm -f "$PIDFILE"
  fi
}

# Whether what answers on the port is an S3 store (an empty GET of the
# service lists buckets), not some other program left there.
answers() {
  "$VENV/bin/python" - "$URL" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    # Straight to loopback, whatever http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    body = opener.open(sys.argv[1] + "/", timeout=2).read()
except Exception:
    sys.exit(1)
sys.exit(0 if b"ListAllMyBucketsResult" in body else 1)
PY
}

case "${1:-start}" in
  start)
    # Reinstalled when the pins change or the virtualenv broke (its Python
    # gone after an upgrade, say).
    if ! cmp -s "$REQS" "$STAMP" 2>/dev/null || ! "$VENV/bin/python" -c 'import moto' 2>/dev/null; then
      echo "==> installing moto (S3-compatible test store) into $VENV" >&2
      rm -rf "$VENV"
      # Debian's own python3 needs python3-venv for this; pyenv's has it.
      if ! python3 -m venv "$VENV" >&2 2>/dev/null; then
        as_root apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq python3-venv >&2
        rm -rf "$VENV"
        python3 -m venv "$VENV" >&2
      fi
      # Wheels only: a source build would need compilers and headers.
      "$VENV/bin/pip" install -q --disable-pip-version-check --only-binary=:all: -r "$REQS" >&2
      cp "$REQS" "$STAMP"
    fi
    if ! answers; then
      stop_ours
      nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 </dev/null &
      echo $! >"$PIDFILE"
      # A cold start imports a lot; give it half a minute.
      for _ in $(seq 1 150); do answers && break; sleep 0.2; done
      answers || { echo "the S3 test store did not start (see $LOG)" >&2; exit 1; }
    fi
    echo "$URL"
    ;;
  stop)
    stop_ours
    ;;
  *)
    echo "usage: scripts/s3.sh start|stop" >&2
    exit 2
    ;;
esac
