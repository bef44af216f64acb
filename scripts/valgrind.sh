#!/usr/bin/env bash
# Run every C test program under valgrind's memcheck (the sandbox they start runs natively).
# Fails on any memory error or definite/indirect leak.
set -euo pipefail
build=${1:-build}
scripts/deps.sh valgrind

failed=0
for test in "$build"/tests/test_*; do
    [[ -x "$test" && -f "$test" ]] || continue
    name=$(basename "$test")
    if valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --error-exitcode=97 --child-silent-after-fork=yes "$test" >"$build/$name.valgrind.log" 2>&1
    then
        echo "valgrind: $name clean"
    else
        echo "valgrind: $name FAILED (see $build/$name.valgrind.log)"
        failed=1
    fi
done
exit $failed
