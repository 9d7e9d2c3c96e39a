#!/bin/sh
# tests/auth/run.sh -- auth's integration tests: every authit_t_* binary of
# BUILD (default build) against a throwaway Postgres cluster (with-postgres.sh;
# the tests stop and restart it on purpose), their own redis-servers, and
# the real auth and iseecubes-admin binaries of BUILD/bin. Run from the
# top of the checkout, after `make bins tests-bins`.
#
#   tests/auth/run.sh [BUILD]
#   AUTHIT_WRAPPER="valgrind --leak-check=full --error-exitcode=99" \
#       AUTHIT_SLOW=20 tests/auth/run.sh      (auth under valgrind)
#
# Output: cmocka's, then one summary line. Exit status: failed binaries.
set -u
cd "$(dirname "$0")/../.."
build=${1:-build}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
export AUTHIT_BIN=$build/bin
for b in auth iseecubes-admin; do
    [ -x "$AUTHIT_BIN/$b" ] || { echo "auth-it: missing $AUTHIT_BIN/$b (make first)" >&2; exit 1; }
done
bins=$(ls "$build"/tests/auth/authit_t_* 2>/dev/null | grep -v '\.[od]$')
[ -n "$bins" ] || { echo "auth-it: no test binaries in $build/tests/auth (make tests-bins)" >&2; exit 1; }

exec tests/auth/with-postgres.sh sh -c '
    failed=0 total=0
    for t in '"$(echo $bins)"'; do
        total=$((total + 1))
        echo "== auth-it: $(basename "$t")"
        "$t" 2>&1 || { failed=$((failed + 1)); echo "== auth-it FAILED: $(basename "$t")"; }
    done
    echo "auth-it: $((total - failed)) of $total test binaries passed"
    exit $failed'
