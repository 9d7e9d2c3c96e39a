#!/bin/sh
# tests/with-redis.sh -- run a command with a throwaway redis-server on a
# free loopback port (TEST_REDIS_PORT), as hiredis' test.sh does. The server
# and its directory are gone when the command ends.
set -eu
dir=$(mktemp -d /tmp/iseecubes-redis.XXXXXX)
port=$(deploy/free-port.sh)
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" \
    --logfile "$dir/redis.log" >/dev/null
i=0
until redis-cli -p "$port" ping >/dev/null 2>&1; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "with-redis: redis did not start" >&2; exit 1; }
    sleep 0.05
done
rc=0
TEST_REDIS_PORT=$port "$@" || rc=$?
kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
rm -rf "$dir"
exit $rc
