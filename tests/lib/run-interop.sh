#!/bin/sh
# tests/lib/run-interop.sh -- the sioc interop test: install the pinned
# stock socket.io server (tests/lib/node, `npm ci`, offline-tolerant),
# start it on a free loopback port, run the cmocka binary
# build/tests/lib/tests/interop_sioc against it, stop the server by PID.
#
#   tests/lib/run-interop.sh            from the top of the checkout
#   tests/lib/run-interop.sh BUILD      build dir as tests/run-all.sh passes
#                                       it (build, or build/san = SAN=1)
#   SAN=1 tests/lib/run-interop.sh      the ASan+UBSan build
#   VALGRIND=1 tests/lib/run-interop.sh under valgrind (leak check)
#
# Prints cmocka's output; exits nonzero when anything fails.
set -eu
cd "$(dirname "$0")/../.."
node_dir=tests/lib/node
san=${SAN:-0}
case "${1:-}" in
    */san) san=1 ;;
    ?*) san=0 ;;
esac
build=build
[ "$san" = 1 ] && build=build/san
bin=$build/tests/lib/tests/interop_sioc

command -v node >/dev/null 2>&1 || { echo "interop: node is not installed" >&2; exit 1; }
command -v npm >/dev/null 2>&1 || { echo "interop: npm is not installed" >&2; exit 1; }

# the server: reuse node_modules when it matches the lock file; else try
# the cache first (works offline after one install), then the registry
if ! (cd "$node_dir" && node -e 'require("socket.io")' >/dev/null 2>&1 &&
      npm ls --depth=0 >/dev/null 2>&1); then
    echo "interop: installing the socket.io server (npm ci)"
    log=$(mktemp /tmp/sioc-npm.XXXXXX)
    if ! (cd "$node_dir" &&
          { npm ci --offline --no-audit --no-fund --loglevel=error >"$log" 2>&1 ||
            npm ci --prefer-offline --no-audit --no-fund --loglevel=error >>"$log" 2>&1; }); then
        echo "interop: npm ci failed in $node_dir (offline cache, then registry):" >&2
        cat "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
fi

make --no-print-directory -s SAN="$san" "$bin"

dir=$(mktemp -d /tmp/sioc-interop.XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT INT TERM

node "$node_dir/server.js" "$dir/port.json" >"$dir/server.log" 2>&1 &
pid=$!
i=0
until [ -s "$dir/port.json" ]; do
    i=$((i + 1))
    if [ $i -gt 200 ] || ! kill -0 "$pid" 2>/dev/null; then
        echo "interop: the node server did not start:" >&2
        cat "$dir/server.log" >&2
        exit 1
    fi
    sleep 0.05
done
port=$(sed 's/[^0-9]//g' "$dir/port.json")
echo "interop: node socket.io $(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$node_dir/node_modules/socket.io/package.json" | head -1) on 127.0.0.1:$port"

rc=0
if [ "${VALGRIND:-0}" = 1 ]; then
    SIOC_TEST_PORT=$port valgrind --error-exitcode=99 --leak-check=full \
        --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \
        "$bin" || rc=$?
else
    SIOC_TEST_PORT=$port "$bin" || rc=$?
fi
[ $rc -eq 0 ] || { echo "interop: FAILED (exit $rc); server log:" >&2; cat "$dir/server.log" >&2; }
exit $rc
