#!/usr/bin/env bash
# Run the benchmark suite: libapilo against a raw libcurl floor, PHP + Guzzle and Python +
# requests, all against apilo-sandbox instances this run starts on 127.0.0.1 and stops.
#
#   scripts/bench.sh [--tiny] BUILD_DIR [OUT.md]
#
# Writes bench/RESULTS.md (or OUT.md). --tiny runs every case once on tiny sizes: a smoke test
# that the suite works, whose figures mean nothing. See bench/run.py for the cases.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tiny=()
if [[ ${1:-} == "--tiny" ]]; then
    tiny=(--tiny)
    shift
fi
if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: scripts/bench.sh [--tiny] BUILD_DIR [OUT.md]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
out=${2:-$root/bench/RESULTS.md}

# Debian's own interpreters and libraries for the baselines (python3 on PATH may be another).
"$root/scripts/deps.sh" php8.2-cli php8.2-curl php-guzzlehttp-guzzle python3-requests

cli=${APILO_CLI_BIN:-$build/apilo}
sandbox=${APILO_SANDBOX_BIN:-$build/apilo-sandbox}
if [[ ! -x $build/bench/bench_raw || ! -x $build/bench/bench_libapilo ||
      ! -x $build/bench/bench_decode ]]; then
    cmake --build "$build" --target bench_programs -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
fi
for bin in "$cli" "$sandbox"; do
    [[ -x $bin ]] || { echo "bench: $bin is missing; build first" >&2; exit 1; }
done
[[ -f /usr/share/php/GuzzleHttp/autoload.php ]] || {
    echo "bench: Guzzle autoloader missing" >&2; exit 1; }

# The driver stops its sandboxes itself; the trap covers an interrupted run.
driver=""
cleanup() {
    if [[ -n $driver ]] && kill -0 "$driver" 2>/dev/null; then
        kill -TERM "$driver" 2>/dev/null || true
        wait "$driver" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

/usr/bin/python3 -B "$root/bench/run.py" "${tiny[@]}" --cli "$cli" --sandbox "$sandbox" \
    --bench-dir "$build/bench" --out "$out" &
driver=$!
wait "$driver"
