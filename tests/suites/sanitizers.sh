#!/bin/sh
# tests/suites/sanitizers.sh -- the services and their tests built with
# ASan+UBSan (make SAN=1, objects under build/san), then the unit tests and
# the core integration tests run on them. A leak or undefined behaviour in
# a service shows in its log and fails the test group (itest.c); in a test
# binary it fails that binary.
set -eu
[ "${SKIP_SAN:-0}" = 1 ] && { echo "sanitizers: skipped (SKIP_SAN=1)"; exit 0; }
make --no-print-directory -j2 SAN=1 bins tests-bins >/dev/null
tests="$(make --no-print-directory -s SAN=1 -pn 2>/dev/null | sed -n 's/^TESTS := //p' | head -1)"
failed=0
tests/with-redis.sh tests/run-unit.sh $tests || failed=$((failed + 1))
for t in message_path relay gateway_limits presence; do
    tests/integration/run.sh build/san "test_$t" || failed=$((failed + 1))
done
echo "sanitizers: $failed failing group(s)"
exit $failed
