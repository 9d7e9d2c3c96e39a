#!/bin/bash
# deploy/stack.sh -- the local stack: Postgres, Redis, the five services and
# nginx on 127.0.0.1, data and logs under one directory. Used by `make run`
# (directory var/, public port 5000) and by the tests (a temp directory,
# every port free), so both start the system the same way.
#
#   deploy/stack.sh start DIR    start everything, wait until healthy, write
#                                DIR/stack.env, return
#   deploy/stack.sh stop DIR     stop everything started in DIR, by PID
#   deploy/stack.sh run          start in var/, print where things are,
#                                stop everything on Ctrl-C (make run)
#   deploy/stack.sh stop         stop the var/ stack (make stop)
#   deploy/stack.sh kill DIR NAME     SIGKILL one process (tests)
#   deploy/stack.sh restart DIR redis stop Redis (SHUTDOWN, AOF written)
#                                     and start it again on the same port
#
# Settings (environment): PUBLIC_PORT (run: 5000; start: a free port),
# GATEWAYS (1), RELAYS (1), PRESENCES (1), BUILD (build), STACK_FAST=1
# (Postgres without fsync: tests only), STACK_PG_TEMPLATE (tests: copy a
# cached empty cluster instead of running initdb), and every service variable
# (OPENAI_API_KEY, KEEP_ALIVE_DELAY_BETWEEN_EVENTS, ...) which is passed on
# to the services that read it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)

log() { printf 'stack: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# wait_for DESC TIMEOUT_S CMD...: poll CMD every 50 ms until it succeeds
wait_for() {
    local desc=$1 limit=$(( $2 * 20 )) i=0
    shift 2
    until "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt $limit ] || return 1
        sleep 0.05
    done
}

http_ok() { curl -sf -o /dev/null --max-time 1 "http://127.0.0.1:$1$2"; }

# start_proc NAME CMD...: run in the background with its log and pid file
start_proc() {
    local name=$1
    shift
    ( ulimit -n 20000 2>/dev/null || true
      exec "$@" >>"$DIR/logs/$name.log" 2>&1 ) &
    echo $! >"$DIR/run/$name.pid"
}

# running PID: exists and is not a zombie (our daemons are reparented to
# init, which may reap them late)
running() {
    local st
    st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$st" ] && [ "$st" != Z ]
}

alive() { [ -f "$DIR/run/$1.pid" ] && running "$(cat "$DIR/run/$1.pid")"; }

# stop_proc NAME: SIGTERM, wait up to 10 s, then SIGKILL
stop_proc() {
    local name=$1 pid i=0
    [ -f "$DIR/run/$name.pid" ] || return 0
    pid=$(cat "$DIR/run/$name.pid")
    if kill -TERM "$pid" 2>/dev/null; then
        while running "$pid" && [ $i -lt 200 ]; do
            sleep 0.05
            i=$((i + 1))
        done
        if running "$pid"; then
            log "$name did not stop in 10 s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$DIR/run/$name.pid"
}

# ---- ports and settings --------------------------------------------------

choose_ports() {
    local n=$((8 + 2 * GATEWAYS + RELAYS + PRESENCES)) ports
    mapfile -t ports < <("$ROOT/deploy/free-port.sh" $n)
    local i=0
    take() { REPLY=${ports[$i]}; i=$((i + 1)); }
    if [ "$MODE" = run ]; then PUBLIC_PORT=${PUBLIC_PORT:-5000}; fi
    take; PUBLIC_PORT=${PUBLIC_PORT:-$REPLY}
    [ "$PUBLIC_PORT" = 0 ] && PUBLIC_PORT=$REPLY
    take; REDIS_PORT=$REPLY
    take; PG_PORT=$REPLY
    take; AUTH_PORT=$REPLY
    take; AUTH_HEALTH_PORT=$REPLY
    take; AIB_HEALTH_PORT=$REPLY
    GW_PORTS="" GW_HEALTH_PORTS="" RELAY_HEALTH_PORTS="" PRESENCE_HEALTH_PORTS=""
    for _ in $(seq "$GATEWAYS"); do
        take; GW_PORTS="$GW_PORTS $REPLY"
        take; GW_HEALTH_PORTS="$GW_HEALTH_PORTS $REPLY"
    done
    for _ in $(seq "$RELAYS"); do take; RELAY_HEALTH_PORTS="$RELAY_HEALTH_PORTS $REPLY"; done
    for _ in $(seq "$PRESENCES"); do take; PRESENCE_HEALTH_PORTS="$PRESENCE_HEALTH_PORTS $REPLY"; done
}

write_env() {
    cat >"$DIR/stack.env" <<EOF
STACK_DIR=$DIR
BUILD=$BUILD
PUBLIC_PORT=$PUBLIC_PORT
REDIS_HOST=127.0.0.1
REDIS_PORT=$REDIS_PORT
PG_PORT=$PG_PORT
PG_SOCKET_DIR=$DIR/pg
SQL_HOST=127.0.0.1
SQL_PORT=$PG_PORT
SQL_USER=postgres
SQL_DATABASE=iseecubes
JWT_SECRET_FILE=$DIR/jwt.secret
AUTH_PORT=$AUTH_PORT
AUTH_HEALTH_PORT=$AUTH_HEALTH_PORT
AIB_HEALTH_PORT=$AIB_HEALTH_PORT
GATEWAYS=$GATEWAYS
GW_PORTS="${GW_PORTS# }"
GW_HEALTH_PORTS="${GW_HEALTH_PORTS# }"
RELAYS=$RELAYS
RELAY_HEALTH_PORTS="${RELAY_HEALTH_PORTS# }"
PRESENCES=$PRESENCES
PRESENCE_HEALTH_PORTS="${PRESENCE_HEALTH_PORTS# }"
EOF
}

# ---- Postgres --------------------------------------------------------------

# pg_initdb DATA: a new cluster; with STACK_PG_TEMPLATE (tests) the first
# cluster is kept as a template and later ones are copies of it
pg_initdb() {
    local data=$1 tmpl=${STACK_PG_TEMPLATE:-} nosync=""
    [ "${STACK_FAST:-0}" = 1 ] && nosync=-N
    if [ -n "$tmpl" ] && [ -f "$tmpl/PG_VERSION" ]; then
        cp -a "$tmpl" "$data"
        return
    fi
    log "initdb $data"
    runuser -u postgres -- "$PGBIN/initdb" -D "$data" -U postgres $nosync \
        --auth=trust -E UTF8 --locale=C.UTF-8 >>"$DIR/logs/postgres.log" 2>&1 \
        || die "initdb failed (see $DIR/logs/postgres.log)"
    if [ -n "$tmpl" ]; then
        mkdir -p "$(dirname "$tmpl")"
        rm -rf "$tmpl.tmp" && cp -a "$data" "$tmpl.tmp" && mv "$tmpl.tmp" "$tmpl" || true
    fi
}

pg_start() {
    local data=$DIR/pg/data opts
    mkdir -p "$DIR/pg"
    chmod a+x "$DIR"            # postgres must reach its directory
    chown postgres:postgres "$DIR/pg"
    if [ ! -f "$data/PG_VERSION" ]; then
        pg_initdb "$data"
    fi
    opts="-k $DIR/pg -p $PG_PORT -c listen_addresses=127.0.0.1"
    if [ "${STACK_FAST:-0}" = 1 ]; then
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    touch "$DIR/logs/postgres.log"
    chown postgres:postgres "$DIR/logs/postgres.log"
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$data" -l "$DIR/logs/postgres.log" \
        -w -t 30 -o "$opts" start >/dev/null || die "Postgres did not start (see $DIR/logs/postgres.log)"
    if ! psql -h "$DIR/pg" -p "$PG_PORT" -U postgres -tAc \
            "select 1 from pg_database where datname='iseecubes'" | grep -q 1; then
        psql -h "$DIR/pg" -p "$PG_PORT" -U postgres -qc "create database iseecubes" \
            || die "cannot create database iseecubes"
    fi
}

pg_stop() {
    [ -f "$DIR/pg/data/postmaster.pid" ] || return 0
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}

# ---- Redis -----------------------------------------------------------------

redis_start() {
    mkdir -p "$DIR/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DIR/redis" \
        --appendonly yes --appendfsync everysec --save '' \
        --daemonize yes --pidfile "$DIR/run/redis.pid" \
        --logfile "$DIR/logs/redis.log" >/dev/null
    wait_for redis 10 redis-cli -p "$REDIS_PORT" ping || die "Redis did not start"
}

redis_stop() {
    [ -f "$DIR/run/redis.pid" ] || return 0
    # SHUTDOWN writes the AOF out before exiting
    redis-cli -p "$(sed -n 's/^REDIS_PORT=//p' "$DIR/stack.env")" shutdown >/dev/null 2>&1 || true
    local i=0 pid
    pid=$(cat "$DIR/run/redis.pid" 2>/dev/null || true)
    while [ -n "$pid" ] && running "$pid" && [ $i -lt 100 ]; do
        sleep 0.05; i=$((i + 1))
    done
    rm -f "$DIR/run/redis.pid"
}

# ---- services ---------------------------------------------------------------

common_env() {
    export LOG_LEVEL=${LOG_LEVEL:-info}
    export REDIS_HOST=127.0.0.1 REDIS_PORT HEALTH_BIND=127.0.0.1
    export JWT_SECRET_FILE=$DIR/jwt.secret
    export SQL_HOST=127.0.0.1 SQL_PORT=$PG_PORT SQL_USER=postgres SQL_DATABASE=iseecubes
    export USERS_FILE=${USERS_FILE:-$ROOT/deploy/users.json}
    export MIGRATIONS_DIR=${MIGRATIONS_DIR:-$ROOT/deploy/migrations}
    export BOTS_FILE=${BOTS_FILE:-$ROOT/deploy/bots.json}
}

# start_service NAME HEALTH_PORT ENV... -- BIN
start_service() {
    local name=$1 hport=$2
    shift 2
    local envs=()
    while [ "$1" != -- ]; do envs+=("$1"); shift; done
    shift
    [ -x "$1" ] || die "missing binary $1 (run make first)"
    # the bots' secrets are for the bridge alone
    [ "$name" = ai-bridge ] || envs=(-u OPENAI_API_KEY -u LEONID_JWT_SECRET \
                                   -u LEONID_AUTH_TOKEN "${envs[@]}")
    start_proc "$name" env "${envs[@]}" "$@"
    if ! wait_for "$name" 30 http_ok "$hport" /healthz; then
        alive "$name" || die "$name exited at start (see $DIR/logs/$name.log)"
        die "$name did not become healthy (see $DIR/logs/$name.log)"
    fi
}

services_start() {
    local i=0 p hp routes=""
    common_env
    start_service auth "$AUTH_HEALTH_PORT" AUTH_BIND=127.0.0.1 AUTH_PORT="$AUTH_PORT" \
        AUTH_HEALTH_PORT="$AUTH_HEALTH_PORT" -- "$BUILD/bin/auth"
    for hp in $PRESENCE_HEALTH_PORTS; do
        i=$((i + 1))
        start_service "presence$i" "$hp" PRESENCE_HEALTH_PORT="$hp" -- "$BUILD/bin/presence"
    done
    i=0
    for hp in $RELAY_HEALTH_PORTS; do
        i=$((i + 1))
        start_service "relay$i" "$hp" RELAY_HEALTH_PORT="$hp" -- "$BUILD/bin/relay"
    done
    local hports=($GW_HEALTH_PORTS)
    i=0
    for p in $GW_PORTS; do
        start_service "gateway$((i + 1))" "${hports[$i]}" GW_ID="g$((i + 1))" GW_BIND=127.0.0.1 \
            GW_PORT="$p" GW_HEALTH_PORT="${hports[$i]}" -- "$BUILD/bin/gateway"
        i=$((i + 1))
    done
    start_service ai-bridge "$AIB_HEALTH_PORT" AIB_HEALTH_PORT="$AIB_HEALTH_PORT" -- "$BUILD/bin/ai-bridge"
}

# ---- nginx ------------------------------------------------------------------

nginx_start() {
    local gws="" i=0 p
    mkdir -p "$DIR/nginx/logs" "$DIR/nginx/tmp"
    for p in $GW_PORTS; do
        i=$((i + 1))
        gws="$gws g$i=127.0.0.1:$p"
    done
    "$ROOT/deploy/nginx/render.sh" "$DIR/nginx" "127.0.0.1:$PUBLIC_PORT" \
        "$gws" "127.0.0.1:$AUTH_PORT" >"$DIR/nginx/nginx.conf"
    nginx -t -q -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/logs/nginx.log" \
        || die "nginx config invalid ($DIR/nginx/nginx.conf)"
    nginx -p "$DIR/nginx" -c "$DIR/nginx/nginx.conf" -e "$DIR/logs/nginx.log" \
        || die "nginx did not start (see $DIR/logs/nginx.log)"
    wait_for nginx 10 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PUBLIC_PORT" \
        || die "nginx is not listening on $PUBLIC_PORT"
    cp "$DIR/nginx/nginx.pid" "$DIR/run/nginx.pid"
}

nginx_stop() {
    [ -f "$DIR/run/nginx.pid" ] || return 0
    local i=0 pid
    pid=$(cat "$DIR/run/nginx.pid")
    # graceful quit: finish the requests in flight; long-lived websockets
    # would keep it waiting, so after 2 s a fast shutdown closes them
    kill -QUIT "$pid" 2>/dev/null || true
    while running "$pid" && [ $i -lt 40 ]; do
        sleep 0.05; i=$((i + 1))
    done
    if running "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        i=0
        while running "$pid" && [ $i -lt 100 ]; do
            sleep 0.05; i=$((i + 1))
        done
    fi
    rm -f "$DIR/run/nginx.pid"
}

# ---- commands ---------------------------------------------------------------

secret_init() {
    if [ ! -s "$DIR/jwt.secret" ]; then
        ( umask 077; head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DIR/jwt.secret" )
    fi
}

do_start() {
    GATEWAYS=${GATEWAYS:-1} RELAYS=${RELAYS:-1} PRESENCES=${PRESENCES:-1}
    mkdir -p "$DIR/logs" "$DIR/run"
    if [ -f "$DIR/stack.env" ] && alive auth; then
        die "a stack is already running in $DIR (deploy/stack.sh stop $DIR)"
    fi
    choose_ports
    write_env
    secret_init
    trap 'log "start failed; stopping what was started"; do_stop' ERR
    pg_start
    redis_start
    services_start
    nginx_start
    trap - ERR
}

do_stop() {
    [ -d "$DIR/run" ] || return 0
    nginx_stop
    local f
    # services in reverse start order, then the stores
    for f in ai-bridge $(cd "$DIR/run" && ls gateway*.pid relay*.pid presence*.pid 2>/dev/null | sed 's/\.pid$//') auth; do
        stop_proc "$f"
    done
    redis_stop
    pg_stop
}

print_summary() {
    cat <<EOF
ISeeCubes is running (data and logs under $DIR):
  public (nginx)   http://127.0.0.1:$PUBLIC_PORT   (Socket.IO at /socket.io/, HTTP API at /log_in ...)
  auth             127.0.0.1:$AUTH_PORT   health :$AUTH_HEALTH_PORT
  gateway(s)       127.0.0.1:${GW_PORTS# }   health :${GW_HEALTH_PORTS# }
  presence         health :${PRESENCE_HEALTH_PORTS# }
  relay            health :${RELAY_HEALTH_PORTS# }
  ai-bridge        health :$AIB_HEALTH_PORT
  redis            127.0.0.1:$REDIS_PORT   (AOF in $DIR/redis)
  postgres         127.0.0.1:$PG_PORT   (data in $DIR/pg/data)
  logs             $DIR/logs/<process>.log
Try: curl -s 127.0.0.1:$PUBLIC_PORT/log_in -H 'content-type: application/json' -d '{"username":"Era","password":"Come on"}'
Ctrl-C (or make stop) stops everything.
EOF
}

do_run() {
    do_start
    print_summary
    trap 'echo; log "stopping"; do_stop; exit 0' INT TERM
    # stay in the foreground until Ctrl-C; report a process that dies
    while sleep 2; do
        for f in "$DIR"/run/*.pid; do
            [ -f "$f" ] || continue
            running "$(cat "$f")" || { log "$(basename "$f" .pid) has exited (see its log)"; rm -f "$f"; }
        done
    done
}

cmd=${1:-}
case $cmd in
    start)   MODE=start DIR=${2:?usage: stack.sh start DIR}; mkdir -p "$DIR"; DIR=$(cd "$DIR" && pwd); do_start ;;
    stop)    DIR=${2:-$ROOT/var}; [ -d "$DIR" ] || exit 0; DIR=$(cd "$DIR" && pwd); do_stop ;;
    run)     MODE=run DIR=$ROOT/var; mkdir -p "$DIR"; do_run ;;
    kill)    DIR=$(cd "${2:?}" && pwd); kill -KILL "$(cat "$DIR/run/${3:?}.pid")"; rm -f "$DIR/run/$3.pid" ;;
    restart) DIR=$(cd "${2:?}" && pwd)
             case ${3:?} in
                 redis) REDIS_PORT=$(sed -n 's/^REDIS_PORT=//p' "$DIR/stack.env")
                        redis_stop; redis_start ;;
                 *) die "restart: only redis can be restarted" ;;
             esac ;;
    *)       sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
