#!/usr/bin/env bash
# A throwaway PostGIS cluster for tests, on loopback, on a free port, in target/pg.
#   scripts/pg-cluster.sh start   -> prints the admin URL (postgres://…/postgres)
#   scripts/pg-cluster.sh stop
#   scripts/pg-cluster.sh restart [SECONDS]   stop (ending every connection), stay down
#                                             SECONDS (default 0), start again: soak test
# It also makes the template database `sitroom_template` (PostGIS enabled) from which
# each test creates its own database. Never touches a PostgreSQL it did not start.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
PGDATA=$PWD/target/pg
PORTFILE=$PGDATA/port

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

run_server() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w \
    -o "-p $1 -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=200" start >/dev/null
}

case "${1:-}" in
  start)
    if [ -f "$PORTFILE" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
      echo "postgres://postgres@127.0.0.1:$(cat "$PORTFILE")/postgres"
      exit 0
    fi
    rm -rf "$PGDATA"
    mkdir -p "$PGDATA"
    [ "$(id -u)" -ne 0 ] || { chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"; }
    as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    port=$(free_port)
    run_server "$port"
    echo "$port" | as_pg tee "$PORTFILE" >/dev/null
    psql -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE sitroom_template" >/dev/null
    psql -q -h 127.0.0.1 -p "$port" -U postgres -d sitroom_template -c "CREATE EXTENSION postgis" >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -d "$PGDATA" ]; then
      as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    fi
    ;;
  restart)
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    sleep "${2:-0}"
    run_server "$(cat "$PORTFILE")"
    ;;
  *)
    echo "usage: $0 start|stop|restart" >&2
    exit 2
    ;;
esac
