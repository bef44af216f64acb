"""Python side of the decode benchmark: json.loads of one list page, ITERS times.

    python3 decode.py PAGE_FILE ITERS
"""
import json
import sys
import time

from measure import cpu_seconds, print_result


def main():
    with open(sys.argv[1], "rb") as f:
        text = f.read()
    iters = int(sys.argv[2])
    page = json.loads(text)  # untimed check and warm-up
    t0, c0 = time.perf_counter(), cpu_seconds()
    for _ in range(iters):
        page = json.loads(text)
    wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    del page
    print_result("decode", iters, wall, cpu, len(text) * iters)


if __name__ == "__main__":
    main()
