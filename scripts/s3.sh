#!/usr/bin/env bash
# An S3-compatible object store for the tests: moto's server (PyPI, pinned),
# in a virtualenv outside the clone, on loopback only.
#   scripts/s3.sh start   installs it if missing, starts it, prints the URL
#   scripts/s3.sh stop
set -euo pipefail
PORT=${GRIDLINK_S3_PORT:-55900}
VENV=${GRIDLINK_MOTO_VENV:-$HOME/.cache/gridlink-moto}
URL="http://127.0.0.1:$PORT"
MOTO_VERSION=5.2.5

up() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

case "${1:-start}" in
  start)
    if ! "$VENV/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
      echo "==> installing moto $MOTO_VERSION (S3-compatible test store) into $VENV" >&2
      rm -rf "$VENV"
      python3 -m venv "$VENV" >&2
      "$VENV/bin/pip" install -q --disable-pip-version-check "moto[s3,server]==$MOTO_VERSION" >&2
    fi
    if ! up; then
      nohup "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"${TMPDIR:-/tmp}/gridlink-moto.log" 2>&1 &
      for _ in $(seq 1 100); do up && break; sleep 0.1; done
      up || { echo "the S3 test store did not start (see ${TMPDIR:-/tmp}/gridlink-moto.log)" >&2; exit 1; }
    fi
    echo "$URL"
    ;;
  stop)
    pkill -f "moto_server -H 127.0.0.1 -p $PORT" || true
    ;;
  *)
    echo "usage: scripts/s3.sh start|stop" >&2
    exit 2
    ;;
esac
