#!/bin/sh
# tests/fuzz/run.sh -- run libFuzzer targets for a short while each.
#
# Usage: tests/fuzz/run.sh FUZZ_DIR SECONDS TARGET...
#
# Each target starts from its seed corpus tests/fuzz/corpus/<target>/
# (read only: new inputs go to a scratch directory under FUZZ_DIR, so the
# checkout never changes) with the dictionary tests/fuzz/<target>.dict if
# there is one. A crash, a leak, a timeout or a sanitizer report stops
# that target; its input is kept as FUZZ_DIR/artifacts/<target>/crash-*
# and the script carries on with the next target. Exit status: the number
# of targets that failed (0 = all ran clean).
set -u
dir=$1
secs=$2
shift 2
failed=0
for t in "$@"; do
    bin=$dir/bin/$t
    seeds=tests/fuzz/corpus/$t
    work=$dir/corpus/$t
    art=$dir/artifacts/$t
    dict=tests/fuzz/$t.dict
    mkdir -p "$work" "$art"
    opts="-max_total_time=$secs -timeout=10 -rss_limit_mb=2048 -max_len=8192
          -print_final_stats=1 -artifact_prefix=$art/"
    [ -f "$dict" ] && opts="$opts -dict=$dict"
    echo "== fuzz: $t for ${secs}s (seeds: $seeds)"
    # shellcheck disable=SC2086  # opts holds several words, none with blanks
    if "$bin" $opts "$work" "$seeds" >"$dir/$t.log" 2>&1; then
        grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units)' \
            "$dir/$t.log" | tail -2
        echo "== fuzz ok: $t"
    else
        failed=$((failed + 1))
        # the sanitizer or libFuzzer report, then where the input is
        grep -E 'ERROR|SUMMARY|#[0-9]+ 0x|Test unit written|deadly signal' \
            "$dir/$t.log" | head -40
        echo "== fuzz FAILED: $t (full log: $dir/$t.log)"
    fi
done
echo "fuzz: $failed target(s) failed"
exit $failed
