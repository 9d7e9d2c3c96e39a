#!/bin/sh
# deploy/nginx/render.sh -- fill in nginx.conf.tmpl.
#
# Usage: render.sh PREFIX LISTEN GATEWAYS AUTHS [RESOLVER]
#   PREFIX   nginx prefix dir (pid, temp dirs, default logs)
#   LISTEN   listen address, e.g. 127.0.0.1:5000 or 5000
# Static mode (no RESOLVER; the local stack):
#   GATEWAYS "route=host:port ..." one per gateway replica (route = GW_ID)
#   AUTHS    "host:port ..." one per auth replica
# DNS mode (RESOLVER given; docker compose):
#   GATEWAYS "name:port" the gateway service, which the resolver answers
#            with every replica; a replica's route id is a name the
#            resolver knows (its container hostname) and it listens on the
#            same port
#   AUTHS    "name:port" the auth service
#   RESOLVER resolver address(es), e.g. 127.0.0.11 (Docker's DNS)
# Env: ACCESS_LOG (default PREFIX/logs/access.log), ERROR_LOG (default
# PREFIX/logs/error.log; "stderr" in containers), WORKERS (auto: one per core), LOGIN_RATE
# (r/s per address, default 20), LOGIN_BURST (40); DNS mode only:
# GW_ROUTE_RE (what a route id looks like, default [0-9a-f]{12}: a Docker
# container's hostname), RESOLVER_VALID (how long an answer is cached, 5s).
# TRUSTED_PROXIES: addresses/CIDRs of proxies in front of nginx (TLS) whose
# X-Forwarded-For names the client (login limits, X-Real-IP to auth).
set -eu
prefix=$1 listen=$2 gws=$3 auths=$4 resolver=${5:-}
tmpl=$(dirname "$0")/nginx.conf.tmpl
access=${ACCESS_LOG:-$prefix/logs/access.log}
errlog=${ERROR_LOG:-$prefix/logs/error.log}

die() { echo "render.sh: $*" >&2; exit 2; }

nl='
'
routes="" ups="" resolv=""
if [ -z "$resolver" ]; then
    gwdefault=gateways authtarget=auth
    servers="" authsrv=""
    for g in $gws; do
        r=${g%%=*} addr=${g#*=}
        [ "$r" != "$g" ] || die "gateway '$g' is not route=host:port"
        routes="$routes        ~^$r\\. gw_$r;$nl"
        servers="$servers        server $addr max_fails=0;$nl"
        ups="$ups    upstream gw_$r { server $addr max_fails=0; keepalive 8; }$nl"
    done
    [ -n "$servers" ] || die "no gateway given"
    for a in $auths; do
        authsrv="$authsrv        server $a max_fails=0;$nl"
    done
    [ -n "$authsrv" ] || die "no auth given"
    ups="    upstream gateways {$nl$servers        keepalive 32;$nl    }$nl$ups"
    ups="$ups    upstream auth {$nl$authsrv        keepalive 16;$nl    }$nl"
else
    set -- $gws
    [ $# -eq 1 ] && [ "${1#*:}" != "$1" ] || die "DNS mode: GATEWAYS must be one name:port"
    gwdefault=$1 gwport=${1##*:}
    set -- $auths
    [ $# -eq 1 ] && [ "${1#*:}" != "$1" ] || die "DNS mode: AUTHS must be one name:port"
    authtarget=$1
    default_re='[0-9a-f]{12}'
    re=${GW_ROUTE_RE:-$default_re}
    routes="        '~^(?<gw_route>$re)\\.' \$gw_route:$gwport;$nl"
    resolv="    # names are looked up per request (answers cached RESOLVER_VALID),$nl"
    resolv="$resolv    # so replicas that come and go are followed without a reload$nl"
    resolv="$resolv    resolver $resolver valid=${RESOLVER_VALID:-5s} ipv6=off;$nl"
    resolv="$resolv    resolver_timeout 3s;$nl"
fi

realip=""
for p in ${TRUSTED_PROXIES:-}; do
    realip="$realip    set_real_ip_from $p;$nl"
done
if [ -n "$realip" ]; then
    realip="    # the client is who these proxies say (X-Forwarded-For)$nl$realip"
    realip="$realip    real_ip_header X-Forwarded-For;$nl    real_ip_recursive on;$nl"
fi

# awk reads the blocks from the environment (no escape processing) and
# prints one block per placeholder line
R_ROUTES=$routes R_UPS=$ups R_RESOLV=$resolv R_REALIP=$realip R_GWDEFAULT=$gwdefault \
R_AUTH=$authtarget R_PREFIX=$prefix R_LISTEN=$listen R_ACCESS=$access \
R_ERRLOG=$errlog R_WORKERS=${WORKERS:-auto} R_RATE=${LOGIN_RATE:-20} \
R_BURST=${LOGIN_BURST:-40} awk '
function sub_all(s, name, value,    i, out) {
    out = ""
    while ((i = index(s, name)) > 0) {
        out = out substr(s, 1, i - 1) value
        s = substr(s, i + length(name))
    }
    return out s
}
{
    if ($0 == "@GATEWAY_ROUTES@") { printf "%s", ENVIRON["R_ROUTES"]; next }
    if ($0 == "@UPSTREAMS@") { printf "%s", ENVIRON["R_UPS"]; next }
    if ($0 == "@RESOLVER@@REAL_IP@") {
        printf "%s%s", ENVIRON["R_RESOLV"], ENVIRON["R_REALIP"]; next
    }
    s = $0
    s = sub_all(s, "@PREFIX@", ENVIRON["R_PREFIX"])
    s = sub_all(s, "@LISTEN@", ENVIRON["R_LISTEN"])
    s = sub_all(s, "@ACCESS_LOG@", ENVIRON["R_ACCESS"])
    s = sub_all(s, "@ERROR_LOG@", ENVIRON["R_ERRLOG"])
    s = sub_all(s, "@WORKERS@", ENVIRON["R_WORKERS"])
    s = sub_all(s, "@LOGIN_RATE@", ENVIRON["R_RATE"])
    s = sub_all(s, "@LOGIN_BURST@", ENVIRON["R_BURST"])
    s = sub_all(s, "@GATEWAY_DEFAULT@", ENVIRON["R_GWDEFAULT"])
    s = sub_all(s, "@AUTH_TARGET@", ENVIRON["R_AUTH"])
    if (s ~ /@[A-Z_]+@/) {
        print "render.sh: unknown placeholder in: " s > "/dev/stderr"
        exit 2
    }
    print s
}' "$tmpl"
