#!/bin/sh
# tests/deploy/stack_replicas.sh -- `make run GATEWAYS=3` without the
# foreground part: deploy/stack.sh starts three gateways behind nginx
# (the static rendering of the shared template), every replica is healthy,
# and new Engine.IO sessions through nginx reach all three; then each
# session's next poll reaches its own replica (a wrong one answers 400).
# Usage: stack_replicas.sh BUILD
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
dir=$(mktemp -d /tmp/iseecubes-deploy.XXXXXX)
fail=0
cleanup() { deploy/stack.sh stop "$dir" >/dev/null 2>&1; rm -rf "$dir"; }
trap cleanup EXIT

if ! GATEWAYS=3 STACK_FAST=1 STACK_PG_TEMPLATE=${STACK_PG_TEMPLATE:-build/pg-template} \
        BUILD=$BUILD deploy/stack.sh start "$dir"; then
    echo "stack-replicas: GATEWAYS=3 stack did not start (logs: $dir/logs)"
    trap - EXIT
    exit 1
fi
. "$dir/stack.env"
set -- $GW_PORTS
[ $# -eq 3 ] || { echo "stack-replicas: GW_PORTS=$GW_PORTS (want 3)"; exit 1; }
for p in $GW_HEALTH_PORTS; do
    curl -sf -o /dev/null "http://127.0.0.1:$p/healthz" \
        || { echo "stack-replicas: gateway health :$p not ok"; fail=1; }
done

seen="" sids="" i=0
while [ $i -lt 30 ]; do
    i=$((i + 1))
    sid=$(curl -sf "http://127.0.0.1:$PUBLIC_PORT/socket.io/?EIO=4&transport=polling" \
          | sed -n 's/^0{"sid":"\([^"]*\)".*/\1/p')
    [ -n "$sid" ] || { echo "stack-replicas: handshake $i failed"; fail=1; break; }
    sids="$sids $sid"
    r=${sid%%.*}
    case " $seen " in *" $r "*) ;; *) seen="$seen $r" ;; esac
    [ "$(echo $seen | wc -w)" -eq 3 ] && break
done
for r in g1 g2 g3; do
    case " $seen " in *" $r "*) ;; *) echo "stack-replicas: no session on $r (saw$seen)"; fail=1 ;; esac
done
# each session's next request must reach its replica: the CONNECT of
# namespace "/" is accepted only by the gateway that holds the sid
for sid in $sids; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -d '40' \
           "http://127.0.0.1:$PUBLIC_PORT/socket.io/?EIO=4&transport=polling&sid=$sid")
    [ "$code" = 200 ] || { echo "stack-replicas: POST for $sid: $code"; fail=1; }
done
[ $fail -eq 0 ] && echo "stack-replicas: 3 gateways, sessions on$seen, every poll on its replica"
exit $fail
