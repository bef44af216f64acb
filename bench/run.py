"""Driver of `make bench` (started by scripts/bench.sh): starts sandboxes on 127.0.0.1 with
free ports, runs every case a few times, takes medians and writes the results in Markdown.

    python3 run.py [--tiny] --cli APILO --sandbox SANDBOX --bench-dir DIR --out OUT.md

Each client program prints one JSON result line: loop wall time, loop CPU (user + sys from
getrusage) and peak RSS (ru_maxrss) of its own process. Whole processes (CLI export, cold
start) are measured by bench_spawn. Sandbox CPU is read from /proc/PID/stat.
"""
import argparse
import base64
import datetime
import json
import os
import platform
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
TICKS = os.sysconf("SC_CLK_TCK")
CLIENT_ID, CLIENT_SECRET = "1", "sandbox-secret"

FULL = dict(reps=3, list_n=200, get_n=2000, decode_iters=30, export_sizes=(1000, 100000),
            rate_budget=150, rate_window_ms=2000, rate_page=5, rate_orders=3000,
            cold_runs=20, timeout=900)
TINY = dict(reps=1, list_n=3, get_n=10, decode_iters=2, export_sizes=(100, 1000),
            rate_budget=20, rate_window_ms=300, rate_page=5, rate_orders=250,
            cold_runs=2, timeout=60)


def child_env(extra=None):
    """The environment of every child: no proxy, so nothing leaves loopback."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.update(extra or {})
    return env


class Sandbox:
    """One apilo-sandbox process on 127.0.0.1:0; stop() is safe to call twice."""

    def __init__(self, binary, args):
        self.proc = subprocess.Popen([binary, "--listen", "127.0.0.1:0", "--quiet"] + args,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=child_env())
        ready, _, _ = select.select([self.proc.stdout], [], [], 120)
        line = self.proc.stdout.readline().decode() if ready else ""
        match = re.search(r"(http://127\.0\.0\.1:\d+)", line)
        if not match:
            self.stop()
            raise RuntimeError("sandbox did not start: %r" % line)
        self.url = match.group(1)

    def cpu_s(self):
        """User + system CPU of the sandbox, including threads that have ended (those serving
        a client's connection end with it), from /proc/PID/stat in clock ticks."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def http(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, method=method, headers=headers or {},
                                     data=json.dumps(body).encode() if body else None)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def token(self, code):
        basic = base64.b64encode(("%s:%s" % (CLIENT_ID, CLIENT_SECRET)).encode()).decode()
        answer = self.http("POST", "/rest/auth/token/",
                           {"grantType": "authorization_code", "token": code},
                           {"Authorization": "Basic " + basic, "Accept": "application/json",
                            "Content-Type": "application/json"})
        return answer["accessToken"]

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Runner:
    def __init__(self, opts, cfg):
        self.opts, self.cfg = opts, cfg
        self.sandboxes = []
        self.tmp = tempfile.mkdtemp(prefix="apilo-bench-")

    def sandbox(self, args):
        sb = Sandbox(self.opts.sandbox, args)
        self.sandboxes.append(sb)
        return sb

    def close(self):
        for sb in self.sandboxes:
            sb.stop()
        subprocess.run(["rm", "-rf", self.tmp])

    def run_process(self, argv, env=None, count_lines=False):
        """Run one process to the end; returns wall, rusage, stdout (or its line count) and
        stderr."""
        with tempfile.TemporaryFile(dir=self.tmp) as errfile:
            t0 = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errfile,
                                    env=child_env(env))
            chunks, lines = [], 0
            deadline = t0 + self.cfg["timeout"]
            while True:
                ready, _, _ = select.select([proc.stdout], [], [], 1.0)
                if not ready:
                    if time.perf_counter() > deadline:
                        proc.kill()
                        proc.wait()
                        raise RuntimeError("%s: timed out" % os.path.basename(argv[0]))
                    continue
                chunk = proc.stdout.read1(1 << 16)
                if not chunk:
                    break
                if count_lines:
                    lines += chunk.count(b"\n")
                else:
                    chunks.append(chunk)
            # wait4 rather than Popen.wait: it also returns the child's rusage.
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
            proc.stdout.close()
            errfile.seek(0)
            err = errfile.read().decode(errors="replace").strip()
            if proc.returncode != 0:
                raise RuntimeError("%s exited %d: %s" % (
                    " ".join(os.path.basename(a) for a in argv[:3]), proc.returncode, err[-400:]))
        return wall, usage, lines if count_lines else b"".join(chunks).decode(), err

    def client(self, argv, sb=None, env=None):
        """Run a bench client; its JSON lines merged, plus the sandbox's CPU meanwhile."""
        before = sb.cpu_s() if sb else 0.0
        out = self.run_process(argv, env)[2]
        result = {}
        for line in out.splitlines():
            if line.startswith("{"):
                result.update(json.loads(line))
        result["server_cpu_s"] = (sb.cpu_s() - before) if sb else 0.0
        return result

    def spawn(self, argv, env=None, count_lines=False):
        """One whole process measured by bench_spawn (wall, CPU, peak RSS, stdout lines)."""
        launcher = [bench_bin(self.opts, "bench_spawn"), "count" if count_lines else "null"]
        _, _, out, err = self.run_process(launcher + argv, env)
        result = json.loads(out)
        # The CLI's --stats line: how long its rate governor made it wait.
        match = re.search(r"(\d+) rate-limit waits \(([\d.]+) s\)", err)
        if match:
            result["rate_waits"], result["rate_wait_s"] = int(match[1]), float(match[2])
        return result

    def medians(self, cases, sb=None, env=None):
        """Run every case `reps` times, interleaved (a, b, c, a, b, c...) so that a burst of
        load from elsewhere on the machine hits all clients alike; median of each figure."""
        runs = {name: [] for name in cases}
        errors = {}
        for _ in range(self.cfg["reps"]):
            for name, argv in cases.items():
                if name in errors:
                    continue
                try:
                    runs[name].append(self.client(argv, sb, env))
                except RuntimeError as e:
                    errors[name] = {"error": str(e)}
        out = dict(errors)
        for name, results in runs.items():
            if name in errors:
                continue
            merged = dict(results[0])
            for key, value in results[0].items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    merged[key] = statistics.median(r[key] for r in results)
            out[name] = merged
        return out


# ---- the cases ------------------------------------------------------------------------------

def bench_bin(opts, name):
    return os.path.join(opts.bench_dir, name)


def per_request(r, results):
    """1 and 6: list pages and single-order GETs by the four clients, rate limit off."""
    cfg, opts = r.cfg, r.opts
    sb = r.sandbox(["--no-rate-limit", "--seed-orders", "2000", "--auth-code", "bench-a",
                    "--auth-code", "bench-c", "--auth-code", "bench-t"])
    token = sb.token("bench-a")
    headers = {"Authorization": "Bearer " + token, "Accept": "application/json"}
    page = sb.http("GET", "/rest/api/orders/?limit=512", headers=headers)
    ids_file = os.path.join(r.tmp, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(o["id"] for o in page["orders"][:100]) + "\n")
    raw_page = json.dumps(page, separators=(",", ":"))
    results["sandbox_page"] = dict(orders=len(page["orders"]), bytes=len(raw_page.encode()))

    env = {"APILO_BENCH_TOKEN": token}
    php, py = ["php", os.path.join(HERE, "client.php")], ["/usr/bin/python3", "-B",
                                                          os.path.join(HERE, "client.py")]
    clients = [("libapilo", [bench_bin(opts, "bench_libapilo")]),
               ("raw", [bench_bin(opts, "bench_raw")]), ("php", php), ("python", py)]
    for kind, n, extra in (("list", cfg["list_n"], []), ("get", cfg["get_n"], [ids_file])):
        cases = {name: argv + [kind, sb.url, str(n)] + extra for name, argv in clients}
        results["per_request_" + kind] = r.medians(cases, sb, env)
    return sb, token, ids_file


def decode(r, results):
    """2: one ~1 MB page decoded by libapilo (typed), PHP json_decode, Python json.loads."""
    page = os.path.join(r.tmp, "page.json")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "make_page.py"), page], check=True)
    iters = str(r.cfg["decode_iters"])
    cases = {"libapilo": [bench_bin(r.opts, "bench_decode"), page, iters],
             "php": ["php", os.path.join(HERE, "decode.php"), page, iters],
             "python": ["/usr/bin/python3", "-B", os.path.join(HERE, "decode.py"), page,
                        iters]}
    results["decode"] = dict(bytes=os.path.getsize(page), rows=r.medians(cases))


def cli_env(r, sb, name):
    return {"APILO_BASE_URL": sb.url, "APILO_CLIENT_ID": CLIENT_ID,
            "APILO_CLIENT_SECRET": CLIENT_SECRET,
            "APILO_TOKEN_FILE": os.path.join(r.tmp, name + "-tokens.json")}


def cli_login(r, sb, name, code):
    env = cli_env(r, sb, name)
    r.run_process([r.opts.cli, "auth", "login", "--code", code], env)
    return env


def export(r, results):
    """3: apilo orders list --all --output ndjson of two sizes: peak RSS and orders/s."""
    rows = {}
    for size in r.cfg["export_sizes"]:
        try:
            sb = r.sandbox(["--no-rate-limit", "--no-fixtures", "--seed-orders", str(size),
                            "--auth-code", "bench-e"])
            env = cli_login(r, sb, "export%d" % size, "bench-e")
            runs = []
            for _ in range(r.cfg["reps"]):
                before = sb.cpu_s()
                run = r.spawn([r.opts.cli, "--stats", "orders", "list", "--all", "--output",
                               "ndjson"], env, count_lines=True)
                run["orders"] = run.pop("lines")
                run["server_cpu_s"] = sb.cpu_s() - before
                runs.append(run)
            rows[size] = {k: statistics.median(run[k] for run in runs) for k in runs[0]}
            sb.stop()
        except RuntimeError as e:
            rows[size] = {"error": str(e)}
    results["export"] = rows


def min_time_s(requests, budget, window_s):
    """Least time K requests need under B per sliding window W: floor((K-1)/B)*W."""
    return ((requests - 1) // budget) * window_s if requests > 0 else 0.0


def rate_budget(r, results):
    """4: the library's iterator with its rate governor against the sandbox's limit."""
    cfg = r.cfg
    budget, window_ms, page, orders = (cfg["rate_budget"], cfg["rate_window_ms"],
                                       cfg["rate_page"], cfg["rate_orders"])
    runs = []
    try:
        for rep in range(cfg["reps"]):
            code = "bench-r%d" % rep
            sb = r.sandbox(["--rate-limit", str(budget), "--rate-window-ms", str(window_ms),
                            "--no-fixtures", "--seed-orders", str(orders), "--auth-code", code])
            env = {"APILO_BENCH_TOKEN": sb.token(code)}
            # The token request counts against the window: let it slide out first.
            time.sleep(window_ms / 1000 + 0.2)
            sb.http("DELETE", "/sandbox/requests")
            result = r.client([bench_bin(r.opts, "bench_libapilo"), "export", sb.url,
                               str(orders), str(page), str(budget), str(window_ms)], sb, env)
            stats = sb.http("GET", "/sandbox/stats")
            result["server_requests"] = stats["requests"]
            result["rate_limited"] = stats["rateLimited"]
            runs.append(result)
            sb.stop()
    except RuntimeError as e:
        results["rate"] = {"error": str(e)}
        return
    median = {k: statistics.median(run[k] for run in runs) for k in runs[0]
              if isinstance(runs[0][k], (int, float))}
    median["rate_limited_max"] = max(run["rate_limited"] for run in runs)
    median["walls"] = [run["wall_s"] for run in runs]
    k = -(-orders // page)
    results["rate"] = dict(budget=budget, window_ms=window_ms, page=page, orders=orders,
                           expected_requests=k,
                           min_s=min_time_s(k, budget, window_ms / 1000), run=median)


def cold_start(r, results, sb, ids_file):
    """5: one process fetching one order: apilo orders get vs a PHP and a Python script."""
    with open(ids_file) as f:
        order_id = f.readline().strip()
    rows = {}
    try:
        env = cli_login(r, sb, "cold", "bench-c")
    except RuntimeError as e:
        env = None
        rows["apilo"] = {"error": str(e)}
    token_env = {"APILO_BASE_URL": sb.url, "APILO_BENCH_TOKEN": sb.token("bench-t")}
    cases = [("php", ["php", os.path.join(HERE, "getone.php"), order_id], token_env),
             ("python", ["/usr/bin/python3", os.path.join(HERE, "getone.py"), order_id],
              token_env)]
    if env:
        cases.insert(0, ("apilo", [r.opts.cli, "orders", "get", order_id], env))
        # Context: the CLI's start-up and exit alone, and libcurl's own start-up floor.
        cases.append(("apilo_help", [r.opts.cli, "--help"], env))
        cases.append(("curlinit", [bench_bin(r.opts, "bench_curlinit")], env))
    runs = {name: [] for name, _, _ in cases}
    for rep in range(r.cfg["cold_runs"] + 1):
        for name, argv, cenv in cases:
            if name in rows:
                continue
            try:
                run = r.spawn(argv, cenv)
            except RuntimeError as e:
                rows[name] = {"error": str(e)}
                continue
            if rep > 0:  # the first round only warms the page cache
                runs[name].append(run)
    for name, got in runs.items():
        if name not in rows:
            rows[name] = {k: statistics.median(run[k] for run in got)
                          for k in ("wall_s", "cpu_s", "maxrss_kb")}
            rows[name]["runs"] = len(got)
    results["cold"] = dict(order_id=order_id, rows=rows)


# ---- machine and versions -------------------------------------------------------------------

def first_line(argv):
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, env=child_env())
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return "not found"


def revision():
    """The source revision measured: the commit, marked when the tree has other changes."""
    root = os.path.dirname(HERE)
    commit = first_line(["git", "-C", root, "rev-parse", "--short", "HEAD"])
    if commit == "not found":
        return "unknown revision"
    try:
        changes = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no",
                                  "--", ".", ":!bench/RESULTS.md", ":!bench/RESULTS.json"],
                                 capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        changes = ""
    return commit + (" with local changes" if changes else "")


def machine(opts):
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kb = int(f.readline().split()[1])
    guzzle = first_line(["dpkg-query", "-W", "-f=${Version}", "php-guzzlehttp-guzzle"])
    backend = first_line([os.path.join(opts.bench_dir, "bench_decode"), "--backend"])
    return {
        "nproc": os.cpu_count(), "cpu": model, "memory_gib": round(mem_kb / 1048576, 1),
        "kernel": platform.release(), "backend": backend, "revision": revision(),
        "versions": {
            "gcc": first_line(["gcc", "--version"]),
            "libcurl": first_line(["pkg-config", "--modversion", "libcurl"]),
            "jansson": first_line(["pkg-config", "--modversion", "jansson"]),
            "simdjson": first_line(["pkg-config", "--modversion", "simdjson"]),
            "PHP": first_line(["php", "-r", "echo PHP_VERSION, ' opcache.enable_cli=', "
                                            "var_export((bool)ini_get('opcache.enable_cli'), "
                                            "true);"]),
            "Guzzle": guzzle + " (Debian php-guzzlehttp-guzzle)",
            "Python": first_line(["/usr/bin/python3", "--version"]),
            "requests": first_line(["/usr/bin/python3", "-c",
                                    "import requests; print(requests.__version__)"]),
        },
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", action="store_true")
    parser.add_argument("--cli", required=True)
    parser.add_argument("--sandbox", required=True)
    parser.add_argument("--bench-dir", required=True)
    parser.add_argument("--out", required=True)
    opts = parser.parse_args()
    cfg = TINY if opts.tiny else FULL

    # SIGTERM (the script's trap, a timeout) ends the run through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    r = Runner(opts, cfg)
    results = {"tiny": opts.tiny, "config": cfg, "machine": machine(opts)}
    try:
        print("bench: per-request", file=sys.stderr, flush=True)
        sb, _, ids_file = per_request(r, results)
        for name, step in (("decode", lambda: decode(r, results)),
                           ("cold start", lambda: cold_start(r, results, sb, ids_file)),
                           ("export", lambda: export(r, results)),
                           ("rate budget", lambda: rate_budget(r, results))):
            print("bench: %s" % name, file=sys.stderr, flush=True)
            step()
    finally:
        r.close()

    sys.path.insert(0, HERE)
    sys.dont_write_bytecode = True  # no __pycache__ in the source tree
    import report  # noqa: E402 (next to this file)
    report.write(results, opts.out)
    print("bench: wrote %s" % opts.out, file=sys.stderr)


if __name__ == "__main__":
    main()
