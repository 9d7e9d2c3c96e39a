#!/bin/sh
# tests/run-all.sh -- everything `make test` runs, in order, after the build:
#   1. unit tests (cmocka, one binary per module; a throwaway Redis)
#   2. auth's HTTP integration tests (their own Postgres and Redis)
#   3. the integration suite against the real stack (tests/integration)
#   4. the other suites that register a run script in tests/suites
# Keeps going past failures; the last lines are the summary.
# Usage: TESTS="..." tests/run-all.sh BUILD
BUILD=${1:-build}
cd "$(dirname "$0")/.." || exit 1
results=""
failed=0

run_suite() {
    name=$1
    shift
    echo
    echo "######## $name"
    if "$@"; then
        results="$results
  PASS  $name"
    else
        failed=$((failed + 1))
        results="$results
  FAIL  $name"
    fi
}

# shellcheck disable=SC2086
run_suite unit tests/with-redis.sh tests/run-unit.sh $TESTS
run_suite auth-http tests/auth/run.sh "$BUILD"
run_suite integration tests/integration/run.sh "$BUILD"
for s in tests/suites/*.sh; do
    [ -x "$s" ] || continue
    run_suite "$(basename "$s" .sh)" "$s" "$BUILD"
done

echo
echo "######## summary"
echo "$results" | sed '/^$/d'
if [ $failed -eq 0 ]; then
    echo "make test: all suites passed"
else
    echo "make test: $failed suite(s) failed"
fi
exit $failed
