#!/usr/bin/env bash
# Smoke test of the benchmark suite: scripts/bench.sh --tiny runs every case once on tiny
# sizes and writes its results to a temporary file (never bench/RESULTS.md). It checks that
# the suite runs, not the figures. Env APILO_CLI_BIN and APILO_SANDBOX_BIN come from CTest.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
: "${APILO_CLI_BIN:?set by CTest}" "${APILO_SANDBOX_BIN:?set by CTest}"
build=$(dirname "$APILO_CLI_BIN")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

results_before=""
[[ -f $root/bench/RESULTS.md ]] && results_before=$(cksum < "$root/bench/RESULTS.md")

start=$SECONDS
timeout 120 "$root/scripts/bench.sh" --tiny "$build" "$tmp/results.md" 2> "$tmp/log" || {
    cat "$tmp/log" >&2
    echo "FAIL: bench.sh --tiny failed" >&2
    exit 1
}
elapsed=$((SECONDS - start))

fail() { echo "FAIL: $*" >&2; exit 1; }
[[ -s $tmp/results.md ]] || fail "no results file"
for heading in "## Goals" "## 1. Per-request cost" "## 2. Decoding one page" \
               "## 3. Streaming export" "## 4. Use of the rate budget" "## 5. Cold start" \
               "## 6. The sandbox alone" "## Machine and versions"; do
    grep -qF "$heading" "$tmp/results.md" || fail "missing section: $heading"
done
grep -q "Tiny smoke-test run" "$tmp/results.md" || fail "not marked as a tiny run"
if grep -q "failed:\|Not measured" "$tmp/results.md"; then
    grep "failed:\|Not measured" "$tmp/results.md" >&2
    fail "a case failed"
fi
now=""
[[ -f $root/bench/RESULTS.md ]] && now=$(cksum < "$root/bench/RESULTS.md")
[[ $now == "$results_before" ]] || fail "bench/RESULTS.md was overwritten"
(( elapsed < 60 )) || fail "took ${elapsed}s, the tiny run must stay well under a minute"
echo "ok: bench smoke test in ${elapsed}s"
