#!/bin/sh
# deploy/deps.sh -- install the Debian packages the build, the local stack and
# the tests need. Idempotent: quiet and fast (one dpkg query) when everything
# is present. Run by `make deps`, which `make run` and `make test` call first.
#
# Usage: deploy/deps.sh [--client]   (--client adds what only the GTK client's
#                                      end-to-end test needs: Xvfb, ImageMagick)
set -eu

PKGS="build-essential pkg-config
libmicrohttpd-dev libwebsockets-dev libhiredis-dev libpq-dev libjansson-dev
libjwt-dev libcurl4-openssl-dev libsodium-dev libcmocka-dev libssl-dev
libgtk-4-dev libsoup-3.0-dev libev-dev libwebsockets-evlib-ev
postgresql redis-server nginx curl
xvfb xauth imagemagick dbus-x11 python3-socketio python3-requests
python3-websocket nodejs npm docker-compose valgrind
clang libclang-rt-14-dev"

missing=""
for p in $PKGS; do
    # dpkg-query prints "install ok installed" only for a fully installed one
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$st" = "install ok installed" ] || missing="$missing $p"
done

# any Node.js 18+ will do (the machine may carry its own)
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
fi

[ -z "$(echo "$missing" | tr -d ' ')" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run 'sudo make deps' (or apt-get install them) and try again" >&2
    exit 1
fi

echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
