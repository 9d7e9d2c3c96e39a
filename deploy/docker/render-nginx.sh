#!/bin/sh
# deploy/docker/render-nginx.sh -- the nginx config docker compose runs,
# rendered from the same template as the local stack's
# (deploy/nginx/nginx.conf.tmpl) in DNS mode: Docker's DNS (127.0.0.11)
# names the gateway replicas and auth, looked up per request, so
# `docker compose up --scale gateway=N` needs no reload. Run by the image
# build (deploy/docker/nginx.Dockerfile, then `nginx -t`) and by the tests
# (tests/deploy), which override the addresses to run it on loopback.
#
# Env (defaults are what the image uses): PREFIX (/var/lib/iseecubes/nginx),
# LISTEN (5000), GATEWAY (gateway:8082), AUTH (auth:8081), RESOLVER
# (127.0.0.11), RESOLVER_VALID (5s), ACCESS_LOG (/dev/stdout), ERROR_LOG
# (stderr), WORKERS (auto), LOGIN_RATE, LOGIN_BURST, GW_ROUTE_RE,
# TRUSTED_PROXIES (none).
set -eu
here=$(dirname "$0")
ACCESS_LOG=${ACCESS_LOG:-/dev/stdout} ERROR_LOG=${ERROR_LOG:-stderr} \
WORKERS=${WORKERS:-auto} RESOLVER_VALID=${RESOLVER_VALID:-5s} \
    exec sh "$here/../nginx/render.sh" "${PREFIX:-/var/lib/iseecubes/nginx}" \
    "${LISTEN:-5000}" "${GATEWAY:-gateway:8082}" "${AUTH:-auth:8081}" \
    "${RESOLVER:-127.0.0.11}"
