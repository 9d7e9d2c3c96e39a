#!/bin/sh
# deploy/nginx/render.sh -- fill in nginx.conf.tmpl.
#
# Usage: render.sh PREFIX LISTEN "route=host:port ..." "host:port ..." [RESOLVER]
#   PREFIX   nginx prefix dir (pid, logs, temp dirs)
#   LISTEN   listen address, e.g. 127.0.0.1:5000 or 5000
#   routes   one route=host:port per gateway replica (route = GW_ID)
#   auth     one host:port per auth replica
#   RESOLVER optional "resolver 127.0.0.11 valid=5s;" line (docker)
# Env: ACCESS_LOG (default PREFIX/logs/access.log), LOGIN_RATE (r/s per
# address, default 20), LOGIN_BURST (default 40).
set -eu
prefix=$1 listen=$2 gws=$3 auths=$4 resolver=${5:-}
tmpl=$(dirname "$0")/nginx.conf.tmpl
access=${ACCESS_LOG:-$prefix/logs/access.log}

routes="" servers="" ups="" authsrv=""
for g in $gws; do
    r=${g%%=*} addr=${g#*=}
    routes="$routes        ~^$r\\\\. gw_$r;\n"
    servers="$servers        server $addr max_fails=0;\n"
    ups="$ups    upstream gw_$r { server $addr max_fails=0; keepalive 8; }\n"
done
for a in $auths; do
    authsrv="$authsrv        server $a max_fails=0;\n"
done

# printf %b expands the \n; sed gets one line per placeholder
awk -v routes="$(printf '%b' "$routes")" -v servers="$(printf '%b' "$servers")" \
    -v ups="$(printf '%b' "$ups")" -v authsrv="$(printf '%b' "$authsrv")" \
    -v prefix="$prefix" -v listen="$listen" -v access="$access" \
    -v resolver="$resolver" -v rate="${LOGIN_RATE:-20}" \
    -v burst="${LOGIN_BURST:-40}" '
{
    if ($0 == "@GATEWAY_ROUTES@") { print routes; next }
    if ($0 == "@GATEWAY_SERVERS@") { print servers; next }
    if ($0 == "@GATEWAY_UPSTREAMS@") { print ups; next }
    if ($0 == "@AUTH_SERVERS@") { print authsrv; next }
    if ($0 == "@RESOLVER@") { print "    " resolver; next }
    gsub(/@PREFIX@/, prefix); gsub(/@LISTEN@/, listen)
    gsub(/@ACCESS_LOG@/, access); gsub(/@LOGIN_RATE@/, rate)
    gsub(/@LOGIN_BURST@/, burst)
    print
}' "$tmpl"
