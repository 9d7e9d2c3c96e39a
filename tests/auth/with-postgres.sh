#!/bin/sh
# tests/auth/with-postgres.sh -- run a command with a throwaway PostgreSQL
# cluster: a temp dir, a free loopback port, fsync off. Exports SQL_HOST,
# SQL_PORT, SQL_USER, SQL_DATABASE (created: iseecubes), plus PG_BIN,
# PG_DATA, PG_SOCKET_DIR and PG_PORT so tests can stop and restart it.
# Postgres refuses to run as root, hence runuser -u postgres. The cluster
# and its directory are gone when the command ends.
#
#   tests/auth/with-postgres.sh CMD [ARGS...]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PG_BIN/initdb" ] || { echo "with-postgres: no PostgreSQL server found" >&2; exit 1; }
dir=$(mktemp -d /tmp/iseecubes-pg.XXXXXX)
chmod 755 "$dir"
chown postgres:postgres "$dir"
port=$("$root/deploy/free-port.sh")
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
    as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
PG_OPTS="-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/pg.log" -w -t 30 -o "$PG_OPTS" start >/dev/null \
    || { cat "$dir/pg.log" >&2; exit 1; }
psql -h "$dir" -p "$port" -U postgres -qc "create database iseecubes" >/dev/null

export SQL_HOST=127.0.0.1 SQL_PORT=$port SQL_USER=postgres SQL_DATABASE=iseecubes
export PG_BIN PG_DATA="$dir/data" PG_SOCKET_DIR="$dir" PG_PORT=$port PG_OPTS PG_LOG="$dir/pg.log"
rc=0
"$@" || rc=$?
exit $rc
