#!/bin/sh
# tests/run-unit.sh -- run every cmocka unit-test binary given as argument,
# keep going past failures, and print one summary line at the end.
# Exit status: number of failed binaries (0 = all passed).
failed=0
total=0
for t in "$@"; do
    total=$((total + 1))
    echo "== unit: $t"
    if ! "$t" 2>&1; then
        failed=$((failed + 1))
        echo "== unit FAILED: $t"
    fi
done
echo "unit: $((total - failed)) of $total test binaries passed"
exit $failed
