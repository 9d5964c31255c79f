#!/usr/bin/env bash
# A private PostgreSQL for tests: Debian's server binaries, its own data
# directory and port, trust auth on loopback only.
#   scripts/pg.sh start   installs the server if missing, starts it, prints the URL
#   scripts/pg.sh createdb NAME   starts it, makes database NAME if missing, prints its URL
#   scripts/pg.sh restart (fast: every connection cut), scripts/pg.sh stop
set -euo pipefail
PGPORT=${GRIDLINK_PG_PORT:-55432}
PGDIR=${GRIDLINK_PG_DIR:-/tmp/gridlink-pg}
URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }

# The server refuses to run as root; run it as the `postgres` user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$(bindir)" ]; then
      echo "==> installing PostgreSQL from Debian's packages" >&2
      as_root apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2 \
        || { as_root apt-get install -y -f -qq >&2; DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2; }
    fi
    BIN=$(bindir)
    if [ ! -f "$PGDIR/PG_VERSION" ]; then
      rm -rf "$PGDIR"; mkdir -p "$PGDIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDIR"
      as_owner "$BIN/initdb" -D "$PGDIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_owner "$BIN/pg_ctl" -D "$PGDIR" status >/dev/null 2>&1; then
      as_owner "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -w -t 60 \
        -o "-p $PGPORT -k $PGDIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >&2
    fi
    # Databases left by earlier test runs.
    [ -n "${GRIDLINK_PG_KEEP:-}" ] || as_owner "$BIN/psql" -h "$PGDIR" -p "$PGPORT" -U postgres -Atc \
      "select datname from pg_database where datname like 'gl_test_%'" postgres 2>/dev/null |
      while read -r db; do as_owner "$BIN/psql" -h "$PGDIR" -p "$PGPORT" -U postgres -qc "DROP DATABASE \"$db\"" postgres >/dev/null 2>&1 || true; done
    echo "$URL"
    ;;
  createdb)
    # A database of its own (scripts/cluster-demo.sh), kept between runs.
    NAME=${2:?usage: $0 createdb NAME}
    [[ "$NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "a database name is lowercase letters, digits and _" >&2; exit 2; }
    # Started without `start`'s clean-up: a running `make test` keeps its databases.
    GRIDLINK_PG_KEEP=1 bash "$0" start >/dev/null
    BIN=$(bindir)
    if ! as_owner "$BIN/psql" -h "$PGDIR" -p "$PGPORT" -U postgres -Atc \
        "select 1 from pg_database where datname = '$NAME'" postgres | grep -q 1; then
      as_owner "$BIN/psql" -h "$PGDIR" -p "$PGPORT" -U postgres -qc "CREATE DATABASE \"$NAME\"" postgres >/dev/null
    fi
    echo "postgres://postgres@127.0.0.1:$PGPORT/$NAME"
    ;;
  restart)
    # The fault test (server/tests/faults.rs): the same server, its
    # connections cut, back when ready; the test databases are kept.
    BIN=$(bindir)
    as_owner "$BIN/pg_ctl" -D "$PGDIR" -l "$PGDIR/server.log" -m fast -w -t 60 restart >/dev/null
    ;;
  stop)
    BIN=$(bindir || true)
    if [ -n "$BIN" ] && [ -f "$PGDIR/PG_VERSION" ]; then
      as_owner "$BIN/pg_ctl" -D "$PGDIR" -m fast stop >&2 || true
    fi
    ;;
  *) echo "usage: $0 start|createdb NAME|restart|stop" >&2; exit 2 ;;
esac
