#!/bin/sh
# deploy/docker/gateway-entrypoint.sh -- start one gateway replica in a
# container. The replica's route id (GW_ID: every sid it hands out starts
# with "<GW_ID>.") is the container's hostname. Docker makes that the
# container's short id (12 hex digits), different for every replica of
# `docker compose up --scale gateway=N`, and its DNS resolves it on the
# compose network; nginx (deploy/nginx/nginx.conf.tmpl, DNS mode) turns a
# long-polling request's sid back into "<hostname>:8082" that way. So do
# not give the gateway service a `hostname:`; GW_ID from the environment
# is for running one replica by hand (it must then match what nginx
# expects: GW_ROUTE_RE of deploy/nginx/render.sh).
set -eu

if [ -z "${GW_ID:-}" ]; then
    GW_ID=$(cat /proc/sys/kernel/hostname)
    if ! printf '%s\n' "$GW_ID" | grep -Eqx '[0-9a-f]{12}'; then
        echo "gateway-entrypoint: hostname '$GW_ID' is not a container short" \
             "id (12 hex digits), which nginx routes long-polling sessions" \
             "by; remove the service's hostname: setting" >&2
        exit 2
    fi
fi
# the gateway's sid buffer holds a route id of up to 18 characters
case $GW_ID in
    *[!A-Za-z0-9_-]*)
        echo "gateway-entrypoint: GW_ID '$GW_ID': only A-Z a-z 0-9 _ - allowed" >&2
        exit 2 ;;
esac
if [ ${#GW_ID} -gt 18 ]; then
    echo "gateway-entrypoint: GW_ID '$GW_ID' is longer than 18 characters" >&2
    exit 2
fi
export GW_ID
exec gateway "$@"
