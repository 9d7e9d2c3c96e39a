#!/bin/sh
# tests/integration/run.sh -- run every integration test binary (each starts
# its own stack on free ports in a temp dir), keep going past failures,
# and end with one summary line. Usage: run.sh BUILD [name-filter]
BUILD=${1:-build}
filter=${2:-}
failed=0
total=0
names=""
for t in "$BUILD"/tests/integration/test_*; do
    case $t in *.o|*.d) continue ;; esac
    [ -x "$t" ] || continue
    [ -z "$filter" ] || case $t in *$filter*) ;; *) continue ;; esac
    total=$((total + 1))
    echo "== integration: $(basename "$t")"
    if ! BUILD="$BUILD" "$t" 2>&1; then
        failed=$((failed + 1))
        names="$names $(basename "$t")"
    fi
done
echo "integration: $((total - failed)) of $total test binaries passed${names:+ (failed:$names)}"
exit $failed
