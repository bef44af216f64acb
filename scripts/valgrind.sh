#!/usr/bin/env bash
# Run every C test program under valgrind's memcheck (the sandbox they start runs natively),
# then the CLI's output and auth scripts with every `apilo` process under memcheck.
# Fails on any memory error or definite/indirect leak.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(cd "${1:-build}" && pwd)
"$root/scripts/deps.sh" valgrind

memcheck=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect
          --error-exitcode=97)

failed=0
for test in "$build"/tests/test_*; do
    [[ -x "$test" && -f "$test" ]] || continue
    name=$(basename "$test")
    if "${memcheck[@]}" --child-silent-after-fork=yes "$test" >"$build/$name.valgrind.log" 2>&1
    then
        echo "valgrind: $name clean"
    else
        echo "valgrind: $name FAILED (see $build/$name.valgrind.log)"
        failed=1
    fi
done

# The CLI scripts run unchanged; `apilo` is a wrapper that runs the real one under memcheck,
# one log per process. An error changes the exit code (97), which the scripts catch too.
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
wrapper="$logs/apilo"
{
    echo '#!/bin/sh'
    printf 'exec'
    printf ' %q' "${memcheck[@]}" "--log-file=$logs/cli.%p.log" "$build/apilo"
    echo ' "$@"'
} > "$wrapper"
chmod +x "$wrapper"
for script in test_orders_output test_auth_flow test_c7_filters; do
    if APILO_CLI_BIN="$wrapper" APILO_SANDBOX_BIN="$build/apilo-sandbox" \
        APILO_FIXTURES_DIR="$root/tests/fixtures" \
        bash "$root/tests/cli/$script.sh" >"$build/cli_$script.valgrind.log" 2>&1
    then
        echo "valgrind: cli $script clean"
    else
        echo "valgrind: cli $script FAILED (see $build/cli_$script.valgrind.log)"
        failed=1
    fi
done
runs=$(find "$logs" -name 'cli.*.log' | wc -l)
reports=$(find "$logs" -name 'cli.*.log' -size +0 | wc -l)
if (( reports > 0 )); then
    find "$logs" -name 'cli.*.log' -size +0 -exec cat {} + | tee "$build/cli.valgrind.log"
    echo "valgrind: $reports of $runs apilo processes reported errors"
    failed=1
else
    echo "valgrind: $runs apilo processes clean"
fi
exit $failed
