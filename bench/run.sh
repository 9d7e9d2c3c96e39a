#!/bin/bash
# bench/run.sh -- the benchmarks of ISeeCubes (make bench): every scenario
# of tools/loadgen against private stacks on this machine, each run
# RUNS times (3; 1 with QUICK=1), results in bench/results/<time>/ as one
# JSON per run plus summary.json and summary.md (medians, the run each
# median came from, the targets). Asserts nothing about time.
#
#   bench/run.sh [SCENARIO...]     default: all of them, in this order:
#     throughput   stepped offered load, latency, CPU, Redis commands/msg
#     backlog      offline inbox of one user delivered on connect
#     presence     heartbeat sweep over many online users
#     logins       POST /log_in at auth's real argon2id cost
#     connections  sessions on one gateway (presence off: see below)
#     connections3 the same over three gateways and three loadgen procs
#                  (CN3_USERS sessions in all: 15,000 by default, so that
#                  the ten-minute budget holds; 45,000 takes 4 minutes per
#                  run with today's gateway: see docs/performance.md)
#
# Environment: QUICK=1 (small sizes, one run, < 2 min), RUNS, BUILD (build),
# OUT (result directory), BENCH_DIR (where the stacks live; a temp dir),
# KEEP=1 (leave the stacks running, for profiling), CN_USERS, CN3_USERS.
#
# The stacks get bench-only settings through deploy/stack.sh's
# environment: LOG_LEVEL=warn, GW_EVENT_RATE=0 (one sender fills the
# backlog), GW_SEND_QUEUE_MAX=20000 (the default 1000 closes the receiver
# of a 10,000-message backlog as a "slow reader" in some runs: a finding,
# see docs/performance.md), LOGIN_RATE/LOGIN_BURST high (nginx's
# per-address login limit), STACK_FAST=1 (Postgres without fsync), and
# for the connection stacks nginx WORKERS=4/6 (one worker's 16,384
# connections carry at most ~8,190 proxied sessions). They run without
# presence (PRESENCES=0): every online transition is broadcast to every
# socket, so bringing N users online costs N^2/2 frames, which would
# measure the broadcast fan-out (the throughput set-up and presence
# scenario do) rather than what a session costs.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
BUILD_ARG=$BUILD
QUICK=${QUICK:-}
[ "$QUICK" = 0 ] && QUICK=
if [ -n "$QUICK" ]; then RUNS=${RUNS:-1}; else RUNS=${RUNS:-3}; fi
STAMP=$(date -u +%Y%m%d-%H%M%S)
OUT=${OUT:-$ROOT/bench/results/$STAMP${QUICK:+-quick}}
LG=$ROOT/$BUILD/bin/loadgen
ADMIN=$ROOT/$BUILD/bin/iseecubes-admin
AUTH=$ROOT/$BUILD/bin/auth
SRC=127.0.0.2-127.0.0.41
SCENARIOS=${*:-throughput backlog presence logins connections connections3}

# sizes: full / quick
if [ -n "$QUICK" ]; then
    TP_USERS=200 TP_STEPS=1000,5000,10000 TP_STEP_S=2 TP_AUTO=10000 TP_MAX=40000
    BL_MSGS=2000 PR_USERS=2000 PR_OBS=5 LI_S=2 CN_USERS=${CN_USERS:-2000}
    CN3_USERS=${CN3_USERS:-3000} HOLD_S=2
else
    TP_USERS=1000 TP_STEPS=1000,5000,10000,20000 TP_STEP_S=3 TP_AUTO=10000
    TP_MAX=100000 BL_MSGS=10000 PR_USERS=10000 PR_OBS=20 LI_S=4
    CN_USERS=${CN_USERS:-15000} CN3_USERS=${CN3_USERS:-15000} HOLD_S=4
fi

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ -x "$LG" ] && [ -x "$ADMIN" ] || die "build first: make bins"
command -v python3 >/dev/null || die "python3 is needed for the summary"
mkdir -p "$OUT"
WORK=${BENCH_DIR:-}
if [ -z "$WORK" ]; then
    WORK=$(mktemp -d /tmp/iseecubes-bench.XXXXXX)
    WORK_TMP=1                  # ours: removed at the end (unless KEEP)
fi
mkdir -p "$WORK"
chmod 755 "$WORK"             # postgres must reach its data directory
STACKS=()

stop_all() {
    [ -n "${KEEP:-}" ] && { log "stacks left running under $WORK"; return; }
    local d
    for d in "${STACKS[@]}"; do
        deploy/stack.sh stop "$d" >/dev/null 2>&1 || true
    done
    STACKS=()
    [ -n "${WORK_TMP:-}" ] && rm -rf "$WORK"
    return 0
}
trap stop_all EXIT

# stack_up NAME VAR=VALUE...: start a stack in $WORK/NAME with the bench
# settings plus the given ones (again after stack_down: same data, fresh
# processes); loads its stack.env into this shell
stack_up() {
    local name=$1 dir=$WORK/$1
    shift
    log "starting stack $name ($*)"
    env STACK_FAST=1 STACK_PG_TEMPLATE="$WORK/pg-template" BUILD="$BUILD" \
        LOG_LEVEL=warn GW_EVENT_RATE=0 GW_SEND_QUEUE_MAX=20000 \
        LOGIN_RATE=1000000 LOGIN_BURST=1000000 \
        "$@" deploy/stack.sh start "$dir" >"$WORK/$name.start.log" 2>&1 \
        || { cat "$WORK/$name.start.log" >&2; die "stack $name did not start"; }
    case " ${STACKS[*]} " in *" $dir "*) ;; *) STACKS+=("$dir") ;; esac
    # (its BUILD is absolute; ours stays as given)
    set -a
    # shellcheck disable=SC1091
    . "$dir/stack.env"
    set +a
    BUILD=$BUILD_ARG
}

stack_down() {
    [ -n "${KEEP:-}" ] && return
    deploy/stack.sh stop "$STACK_DIR" >/dev/null 2>&1 || true
}

# users PREFIX PWPREFIX COUNT [--fast-hash]
users() {
    "$ADMIN" bulk --prefix "$1" --password-prefix "$2" --count "$3" ${4:-} \
        >>"$WORK/admin.log" 2>&1 || die "iseecubes-admin bulk failed (see $WORK/admin.log)"
}

# --watch arguments for every process of the current stack
watches() {
    local f n
    for f in "$STACK_DIR"/run/*.pid; do
        n=$(basename "$f" .pid)
        case $n in
            nginx) printf -- '--watch nginx=%s+ ' "$(cat "$f")" ;;
            *) printf -- '--watch %s=%s ' "$n" "$(cat "$f")" ;;
        esac
    done
    [ -f "$STACK_DIR/pg/data/postmaster.pid" ] &&
        printf -- '--watch postgres=%s+ ' "$(head -n 1 "$STACK_DIR/pg/data/postmaster.pid")"
}

# run_lg SCENARIO-NAME RUN LOADGEN-ARGS...
run_lg() {
    local name=$1 run=$2 scen
    shift 2
    scen=$1
    shift
    log "$name run $run/$RUNS"
    # shellcheck disable=SC2046
    "$LG" "$scen" --port "$PUBLIC_PORT" --redis-port "$REDIS_PORT" \
        --src "$SRC" --label "$name run $run" $(watches) "$@" \
        --json "$OUT/$name-$run.json" 2>>"$OUT/loadgen.log" \
        | tee -a "$OUT/summary.txt" || log "$name run $run failed (see $OUT/loadgen.log)"
}

# ---- scenarios ---------------------------------------------------------------

main_stack() {
    [ -n "${MAIN_UP:-}" ] && return
    stack_up main
    users lgt pwt "$TP_USERS" --fast-hash
    users lgb pwb $((2 * RUNS)) --fast-hash
    users lgp pwp $((PR_USERS + PR_OBS)) --fast-hash
    users lgr pwr 16                 # auth's real argon2id cost
    MAIN_UP=1
}

sc_throughput() {
    main_stack
    for r in $(seq "$RUNS"); do
        run_lg throughput "$r" throughput --prefix lgt --password-prefix pwt \
            --users "$TP_USERS" --steps "$TP_STEPS" --step-s "$TP_STEP_S" \
            --gap-s 2 --auto-step "$TP_AUTO" --max-rate "$TP_MAX" --drain-s 10
    done
}

sc_backlog() {
    main_stack
    for r in $(seq "$RUNS"); do
        run_lg backlog "$r" backlog --prefix lgb --password-prefix pwb \
            --first $((2 * r - 1)) --messages "$BL_MSGS" --timeout-s 60
    done
}

sc_presence() {
    main_stack
    for r in $(seq "$RUNS"); do
        run_lg presence "$r" presence --prefix lgp --password-prefix pwp \
            --users "$PR_USERS" --observers "$PR_OBS" --stop-fraction 0.2 \
            --presence-health-port "${PRESENCE_HEALTH_PORTS%% *}" --timeout-s 40
    done
}

sc_logins() {
    main_stack
    local p
    p=$("$AUTH" --help 2>&1 | awk '/AUTH_ARGON2_OPSLIMIT|AUTH_ARGON2_MEMLIMIT_MIB|AUTH_HASH_CONCURRENCY/ {printf "%s=%s ", $1, $2}' || true)
    for r in $(seq "$RUNS"); do
        run_lg logins "$r" logins --prefix lgr --password-prefix pwr \
            --users 16 --login-concurrency 8 --duration-s "$LI_S" \
            --label "logins run $r: $p"
    done
}

# conn_runs NAME USERS PROCS INFLIGHT STACK-SETTINGS...: each run on freshly
# started processes (resident memory only shows growth once per process);
# the tokens of the first run's logins are reused by the next ones
conn_runs() {
    local name=$1 n=$2 procs=$3 inflight=$4
    shift 4
    [ -n "${MAIN_UP:-}" ] && { stack_down; MAIN_UP=; }
    for r in $(seq "$RUNS"); do
        stack_up "$name" "$@"
        [ "$r" = 1 ] && users lgc pwc "$n" --fast-hash
        run_lg "$name" "$r" connections --prefix lgc --password-prefix pwc \
            --users "$n" --procs "$procs" --inflight "$inflight" \
            --hold-s "$HOLD_S" --login-concurrency 64 \
            --tokens "$WORK/$name.tokens"
        stack_down
    done
}

sc_connections() {
    conn_runs connections "$CN_USERS" 1 200 PRESENCES=0 WORKERS=4
}

sc_connections3() {
    conn_runs connections3 "$CN3_USERS" 3 100 PRESENCES=0 GATEWAYS=3 WORKERS=6
}

START=$(date +%s)
log "results in $OUT (runs: $RUNS${QUICK:+, quick})"
for s in $SCENARIOS; do
    case $s in
        throughput|backlog|presence|logins|connections|connections3) "sc_$s" ;;
        *) die "unknown scenario $s" ;;
    esac
done
stop_all
trap - EXIT
python3 bench/summarize.py "$OUT" || log "summary failed"
log "done in $(( $(date +%s) - START )) s: $OUT/summary.md"
