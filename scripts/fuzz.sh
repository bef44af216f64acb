#!/usr/bin/env bash
# Fuzz the JSON decoders with libFuzzer (tests/fuzz/fuzz_decode.c) under ASan and UBSan.
#
#   scripts/fuzz.sh [SECONDS] [simdjson|jansson]
#
# Builds build-fuzz-BACKEND with clang, seeds a corpus from tests/fixtures (kept in
# build-fuzz-BACKEND/corpus, so runs add up) and runs one fuzzer process for SECONDS (default
# 300). A crash leaves its input in build-fuzz-BACKEND/artifacts and fails the script. Not part
# of `make test`: it is for after changes to src/lib/json*, decode.c, error.c or arena.c.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-300}
backend=${2:-simdjson}
build="$root/build-fuzz-$backend"

"$root/scripts/deps.sh" clang libclang-rt-14-dev
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DAPILO_FUZZ=ON \
    -DAPILO_TESTS=OFF -DAPILO_JSON_BACKEND="$backend" >/dev/null
cmake --build "$build" --target fuzz_decode -j "$(nproc 2>/dev/null || echo 2)" >/dev/null

mkdir -p "$build/corpus" "$build/artifacts" "$build/seeds"
/usr/bin/python3 -B "$root/tests/fuzz/make_seeds.py" "$root" "$build"
cd "$build"
./fuzz_decode corpus seeds -dict=apilo.dict -max_total_time="$seconds" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix=artifacts/ -print_final_stats=1
