"""What the Python baselines measure of themselves, the same way in every script: their own
CPU time and peak RSS, and the one JSON result line the C programs print too."""
import json
import resource


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


def print_result(mode, n, wall, cpu, units):
    print(json.dumps({"client": "python", "mode": mode, "n": n, "wall_s": wall, "cpu_s": cpu,
                      "maxrss_kb": peak_rss_kb(), "units": units}), flush=True)
