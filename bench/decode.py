"""Python side of the decode benchmark: json.loads of one list page, ITERS times.

    python3 decode.py PAGE_FILE ITERS
"""
import json
import resource
import sys
import time


def peak_rss_kb():
    """VmHWM: this process's own peak since exec (ru_maxrss would inherit the driver's)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


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
    maxrss = peak_rss_kb()
    print(json.dumps({"client": "python", "mode": "decode", "n": iters, "wall_s": wall,
                      "cpu_s": cpu, "maxrss_kb": maxrss, "units": len(text) * iters}))


if __name__ == "__main__":
    main()
