"""Turn the figures gathered by run.py into the Markdown of bench/RESULTS.md, and keep a small
JSON history next to it (one entry per JSON backend) so a run after the backend changes shows
the figures before and after side by side.
"""
import json
import os

MIB = 1024.0


def fmt(value, digits=2):
    if value is None:
        return "n/a"
    if abs(value) >= 100:
        return "{:,.0f}".format(value)
    return "{:.{}f}".format(value, digits)


def ratio(num, den):
    return num / den if num is not None and den else None


class Goals:
    """The goal table: every check with what was measured and, when missed, by how much."""

    def __init__(self):
        self.rows = []

    def at_least(self, name, value, target, unit="×"):
        if value is None:
            self.rows.append((name, "not measured", "≥ %s%s" % (fmt(target), unit), "n/a"))
            return
        verdict = "met" if value >= target else "missed: %.3f%s short (%.1f%% of the goal)" % (
            target - value, unit, 100 * value / target)
        self.rows.append((name, fmt(value, 3) + unit, "≥ %s%s" % (fmt(target), unit), verdict))

    def at_most(self, name, value, target, unit="×"):
        if value is None:
            self.rows.append((name, "not measured", "≤ %s%s" % (fmt(target), unit), "n/a"))
            return
        if value <= target:
            verdict = "met"
        elif target:
            verdict = "missed by %s%s (%.1f%% over)" % (fmt(value - target, 3), unit,
                                                        100 * (value - target) / target)
        else:
            verdict = "missed by %s%s" % (fmt(value - target, 3), unit)
        self.rows.append((name, fmt(value, 3) + unit, "≤ %s%s" % (fmt(target, 3), unit),
                          verdict))

    def markdown(self):
        out = ["| goal | measured | target | verdict |", "|---|---|---|---|"]
        out += ["| %s | %s | %s | %s |" % row for row in self.rows]
        return out


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def per_request_section(results, kind, goals, label):
    rows = results.get("per_request_" + kind, {})
    lib = rows.get("libapilo", {})
    n = lib.get("n") or 1

    def per(row, key):
        return row[key] / row["n"] if key in row and row.get("n") else None

    out = []
    body = []
    names = {"libapilo": "(a) libapilo", "raw": "(b) raw libcurl + same parser",
             "php": "(c) PHP 8.2 + Guzzle 7", "python": "(d) Python + requests"}
    for key in ("libapilo", "raw", "php", "python"):
        row = rows.get(key, {})
        if "error" in row or not row:
            body.append((names[key], "failed: " + row.get("error", "not run")[:160],
                         "", "", "", "", "", ""))
            continue
        cpu, wall = per(row, "cpu_s"), per(row, "wall_s")
        rss = row["maxrss_kb"] / MIB
        body.append((names[key], fmt(cpu * 1e3, 3), fmt(wall * 1e3, 3), fmt(rss, 1),
                     fmt(ratio(cpu, per(lib, "cpu_s"))), fmt(ratio(wall, per(lib, "wall_s"))),
                     fmt(ratio(rss, lib.get("maxrss_kb", 0) / MIB)),
                     fmt(per(row, "server_cpu_s") * 1e3, 3)))
    out += table(["client", "client CPU/request (ms)", "wall/request (ms)", "peak RSS (MiB)",
                  "CPU ÷ (a)", "wall ÷ (a)", "RSS ÷ (a)", "sandbox CPU/request (ms)"], body)
    out.append("")
    out.append("%d requests per client per run (after one untimed warm-up request), median of "
               "%d runs; %s." % (n, results["config"]["reps"], label))

    raw, php, py = rows.get("raw", {}), rows.get("php", {}), rows.get("python", {})
    if raw.get("maxrss_kb") and php.get("maxrss_kb") and py.get("maxrss_kb"):
        out.append("For scale: the floor (b) itself has PHP ÷ (b) RSS = %.2f and Python ÷ (b) "
                   "RSS = %.2f, CPU ratios PHP ÷ (b) = %.2f and Python ÷ (b) = %.2f; (b) parses "
                   "without building any typed model." % (
                       php["maxrss_kb"] / raw["maxrss_kb"], py["maxrss_kb"] / raw["maxrss_kb"],
                       ratio(per(php, "cpu_s"), per(raw, "cpu_s")),
                       ratio(per(py, "cpu_s"), per(raw, "cpu_s"))))
    lib_cpu, lib_wall = per(lib, "cpu_s"), per(lib, "wall_s")
    goals.at_most("%s: (a) CPU ÷ (b) CPU" % kind, ratio(lib_cpu, per(raw, "cpu_s")), 1.10)
    goals.at_most("%s: (a) wall ÷ (b) wall" % kind, ratio(lib_wall, per(raw, "wall_s")), 1.10)
    goals.at_least("%s: (c) PHP CPU ÷ (a) CPU" % kind, ratio(per(php, "cpu_s"), lib_cpu), 5)
    goals.at_least("%s: (d) Python CPU ÷ (a) CPU" % kind, ratio(per(py, "cpu_s"), lib_cpu), 5)
    lib_rss = lib.get("maxrss_kb")
    goals.at_least("%s: (c) PHP RSS ÷ (a) RSS" % kind, ratio(php.get("maxrss_kb"), lib_rss), 5)
    goals.at_least("%s: (d) Python RSS ÷ (a) RSS" % kind, ratio(py.get("maxrss_kb"), lib_rss), 5)
    return out


def decode_section(results, goals):
    dec = results.get("decode", {})
    rows = dec.get("rows", {})
    size = dec.get("bytes", 0)

    def mbps(row):
        return row["units"] / row["cpu_s"] / 1e6 if row.get("cpu_s") else None

    lib = mbps(rows.get("libapilo", {}))
    body = []
    names = {"libapilo": "libapilo → typed orders (%s)" % results["machine"]["backend"],
             "php": "PHP json_decode → arrays", "python": "Python json.loads → dicts"}
    for key in ("libapilo", "php", "python"):
        row = rows.get(key, {})
        if "error" in row or not row:
            body.append((names[key], "failed: " + row.get("error", "not run")[:160], "", "", ""))
            continue
        speed = mbps(row)
        body.append((names[key], fmt(speed, 1), fmt(row["cpu_s"] / row["n"] * 1e3, 2),
                     fmt(row["maxrss_kb"] / MIB, 1), fmt(ratio(lib, speed))))
    out = table(["decoder", "MB/s (CPU time)", "ms per page", "peak RSS (MiB)",
                 "libapilo speed ÷ this"], body)
    out.append("")
    out.append("Input: one generated page (bench/make_page.py) of 512 orders with 1-3 items, "
               "three addresses, a payment and a note: %s bytes (%.2f MB). %d decodes per run "
               "after one untimed decode, median of %d runs. MB = 10^6 bytes."
               % ("{:,}".format(size), size / 1e6, results["config"]["decode_iters"],
                  results["config"]["reps"]))
    goals.at_least("decode: libapilo typed ÷ PHP json_decode", ratio(lib, mbps(rows.get("php",
                                                                                       {}))), 3)
    return out


def export_section(results, goals):
    rows = results.get("export", {})
    body, rss = [], []
    for size, row in rows.items():
        if "error" in row:
            body.append(("{:,}".format(int(size)), "failed: " + row["error"][:200], "", "", "",
                         "", "", "", ""))
            continue
        rss.append(row["maxrss_kb"] / MIB)
        body.append(("{:,}".format(int(size)), "{:,}".format(int(row["orders"])),
                     fmt(row["wall_s"], 2), fmt(row["orders"] / row["wall_s"], 0),
                     fmt(row["maxrss_kb"] / MIB, 1), fmt(row["cpu_s"], 2),
                     fmt(row["server_cpu_s"], 2), fmt(row.get("rate_wait_s"), 2),
                     fmt(row["orders"] / max(row["wall_s"] - row.get("rate_wait_s", 0), 1e-9),
                         0)))
    out = table(["orders in sandbox", "ndjson lines", "wall (s)", "orders/s", "peak RSS (MiB)",
                 "client CPU (s)", "sandbox CPU (s)", "CLI rate-governor waits (s)",
                 "orders/s without those waits"], body)
    out.append("")
    out.append("`apilo orders list --all --output ndjson` as one process, stdout read through a "
               "pipe (lines counted); whole-process peak RSS and CPU from wait4 in bench_spawn; "
               "median of %d runs. Rate limit off in the sandbox, but the CLI keeps its own "
               "governor at the real API's 150 requests per minute (it has no setting to change "
               "it), so an export of more than 150 pages of 512 orders is paced by that budget: "
               "the waits it reported (`--stats`) are shown, and orders/s without them gives the "
               "client's own speed." % results["config"]["reps"])
    sizes = list(rows)
    for size, row in rows.items():
        goals.at_most("export %s: peak RSS" % "{:,}".format(int(size)),
                      row["maxrss_kb"] / MIB if "maxrss_kb" in row else None, 16, " MiB")
    goals.at_most("export: RSS difference %s vs %s" % tuple("{:,}".format(int(s)) for s in sizes),
                  abs(rss[1] - rss[0]) if len(rss) == 2 else None, 2, " MiB")
    return out


def rate_section(results, goals):
    rate = results.get("rate", {})
    if "error" in rate or not rate:
        goals.at_most("rate: elapsed ÷ minimum", None, 1 / 0.99)
        return ["Not measured: " + rate.get("error", "not run")]
    run = rate["run"]
    budget, window_s = rate["budget"], rate["window_ms"] / 1000
    k = int(run["server_requests"])
    min_s = ((k - 1) // budget) * window_s
    elapsed = run["wall_s"]
    out = table(["figure", "value"], [
        ("sandbox limit / client governor", "%d requests per %g s sliding window" % (budget,
                                                                                      window_s)),
        ("orders exported (page size)", "%s (%d per request)" % ("{:,}".format(rate["orders"]),
                                                                 rate["page"])),
        ("requests seen by the sandbox K (expected ceil(N/page))",
         "%d (%d)" % (k, rate["expected_requests"])),
        ("minimum time floor((K-1)/B)·W", "%.3f s" % min_s),
        ("elapsed, median of %d runs" % len(run["walls"]),
         "%.3f s (runs: %s)" % (elapsed, ", ".join("%.3f" % w for w in run["walls"]))),
        ("budget use: minimum ÷ elapsed", "%.1f %%" % (100 * min_s / elapsed if elapsed else 0)),
        ("429 answers (sandbox rateLimited, worst run)", "%d" % run["rate_limited_max"]),
        ("client governor waits / time waiting", "%d / %.3f s" % (run.get("rate_waits", 0),
                                                                  run.get("rate_wait_s", 0))),
    ])
    out.append("")
    out.append("Minimum time: with a budget of B requests in any sliding window of W, the first "
               "B requests may leave at once and request k (1-based) cannot leave before "
               "floor((k-1)/B)·W, so K requests need at least floor((K-1)/B)·W; the elapsed "
               "time runs from the iterator's creation to its end, so it also includes the "
               "last responses. The goal is elapsed ≤ minimum ÷ 0.99. Measured with "
               "bench_libapilo's iterator (rate_limit_requests=%d, rate_limit_window_ms=%d). "
               "The 8-process figure (several processes sharing one budget) belongs to later "
               "work and is not measured here." % (budget, rate["window_ms"]))
    goals.at_most("rate: elapsed ÷ minimum time", ratio(elapsed, min_s), 1 / 0.99)
    goals.at_most("rate: 429 answers", run["rate_limited_max"], 0, "")
    return out


def cold_section(results, goals):
    cold = results.get("cold", {})
    rows = cold.get("rows", {})
    php_wall = rows.get("php", {}).get("wall_s")
    body = []
    names = {"apilo": "`apilo orders get ID`", "php": "PHP + Guzzle (bench/getone.php)",
             "python": "Python + requests (bench/getone.py)",
             "apilo_help": "context: `apilo --help` (start-up only, no request)",
             "curlinit": "context: bench_curlinit (load libcurl, global init, exit)"}
    for key in ("apilo", "php", "python", "apilo_help", "curlinit"):
        if key.startswith(("apilo_", "curl")) and key not in rows:
            continue
        row = rows.get(key, {})
        if "error" in row or not row:
            body.append((names[key], "failed: " + row.get("error", "not run")[:200], "", "", ""))
            continue
        body.append((names[key], fmt(row["wall_s"] * 1e3, 1), fmt(row["cpu_s"] * 1e3, 1),
                     fmt(row["maxrss_kb"] / MIB, 1), fmt(ratio(row["wall_s"], php_wall))))
    out = table(["process", "wall (ms)", "CPU (ms)", "peak RSS (MiB)", "wall ÷ PHP"], body)
    out.append("")
    out.append("One process per run fetching order %s and printing it; median of %d runs after "
               "one untimed run (warm page cache). The CLI reads its token file; the scripts "
               "get a token in the environment." % (cold.get("order_id"),
                                                    results["config"]["cold_runs"]))
    floor = rows.get("curlinit", {}).get("wall_s")
    if floor and php_wall:
        out.append("")
        out.append("bench_curlinit only loads Debian's libcurl (a shared library pulling in "
                   "OpenSSL, nghttp2, libssh2, LDAP, Kerberos and more) and runs "
                   "curl_global_init: %.1f ms, %.2f of PHP's time, so with this libcurl no "
                   "client can start in under a tenth of PHP's time (%.1f ms)."
                   % (floor * 1e3, floor / php_wall, php_wall * 100))
    goals.at_most("cold start: apilo wall ÷ PHP wall",
                  ratio(rows.get("apilo", {}).get("wall_s"), php_wall), 0.10)
    return out


def sandbox_section(results):
    body = []
    for kind in ("list", "get"):
        for key in ("raw", "libapilo"):
            row = results.get("per_request_" + kind, {}).get(key, {})
            if "wall_s" not in row:
                continue
            share = row["server_cpu_s"] / row["wall_s"]
            body.append(("%s, driven by %s" % (kind, key), fmt(row["n"] / row["wall_s"], 0),
                         fmt(row["server_cpu_s"] / row["n"] * 1e3, 3),
                         fmt(row["cpu_s"] / row["n"] * 1e3, 3), "%.0f %%" % (100 * share)))
    for size, row in results.get("export", {}).items():
        if "wall_s" not in row:
            continue
        pages = -(-int(row["orders"]) // 512)
        share = row["server_cpu_s"] / row["wall_s"]
        body.append(("CLI export of %s orders (%d pages of 512)" % ("{:,}".format(int(size)),
                                                                    pages),
                     fmt(pages / row["wall_s"], 0), fmt(row["server_cpu_s"] / pages * 1e3, 3),
                     fmt(row["cpu_s"] / pages * 1e3, 3), "%.0f %%" % (100 * share)))
    out = table(["load", "requests/s", "sandbox CPU/request (ms)", "client CPU/request (ms)",
                 "sandbox CPU share of one core"], body)
    out.append("")
    out.append("The sandbox is the bottleneck only if its share approaches 100 %% of a core "
               "(it serves one request at a time per connection); the client and the sandbox "
               "run on the same %d-core machine, so per-request wall times include both."
               % results["machine"]["nproc"])
    return out


def history(results, path):
    """Merge this run into PATH (one entry per backend and source revision, so a change of
    backend or decoder keeps the figures from before it) and return every entry."""
    entries = {}
    if os.path.exists(path):
        try:
            with open(path) as f:
                entries = json.load(f).get("history", {})
        except (OSError, ValueError):
            entries = {}
    m = results["machine"]
    key = "%s @ %s" % (m["backend"], m.get("revision", "unknown revision"))

    def per(kind, key):
        row = results.get("per_request_" + kind, {}).get("libapilo", {})
        return row[key] / row["n"] * 1e3 if key in row else None

    dec = results.get("decode", {}).get("rows", {}).get("libapilo", {})
    # Earlier entries of the same backend made from a tree with local changes are superseded.
    for old in [k for k in entries if k.startswith(m["backend"] + " @ ") and
                k.endswith(" with local changes")]:
        del entries[old]
    entries[key] = {
        "date": m["date"],
        "decode_mb_s": dec["units"] / dec["cpu_s"] / 1e6 if dec.get("cpu_s") else None,
        "list_cpu_ms": per("list", "cpu_s"), "get_cpu_ms": per("get", "cpu_s"),
        "list_rss_mib": results.get("per_request_list", {}).get("libapilo", {}).get(
            "maxrss_kb", 0) / MIB or None,
    }
    with open(path, "w") as f:
        json.dump({"history": entries, "last_run": results}, f, indent=1, sort_keys=True,
                  default=str)
    return entries


def write(results, out_path):
    m = results["machine"]
    goals = Goals()
    sections = []
    sections += ["## 1. Per-request cost, rate limit off", "",
                 "### GET /rest/api/orders/?limit=512 (pages of %s orders, %s bytes)" % (
                     results.get("sandbox_page", {}).get("orders", "?"),
                     "{:,}".format(results.get("sandbox_page", {}).get("bytes", 0))), ""]
    sections += per_request_section(results, "list", goals, "each page decoded (typed orders "
                                    "for (a), a parsed DOM for (b), arrays/dicts for (c)/(d))")
    sections += ["", "### GET /rest/api/orders/{id}/ (100 ids cycled)", ""]
    sections += per_request_section(results, "get", goals, "each order decoded likewise")
    sections += ["", "## 2. Decoding one page", ""] + decode_section(results, goals)
    sections += ["", "## 3. Streaming export", ""] + export_section(results, goals)
    sections += ["", "## 4. Use of the rate budget", ""] + rate_section(results, goals)
    sections += ["", "## 5. Cold start", ""] + cold_section(results, goals)
    sections += ["", "## 6. The sandbox alone", ""] + sandbox_section(results)

    hist = history(results, os.path.splitext(out_path)[0] + ".json")
    sections += ["", "## Before/after: JSON backend and decoder", ""]
    sections += table(["backend @ revision", "date", "decode MB/s", "list CPU/request (ms)",
                       "get CPU/request (ms)", "list peak RSS (MiB)"],
                      [(name, e["date"], fmt(e["decode_mb_s"], 1), fmt(e["list_cpu_ms"], 3),
                        fmt(e["get_cpu_ms"], 3), fmt(e["list_rss_mib"], 1))
                       for name, e in sorted(hist.items(), key=lambda kv: kv[1]["date"])])
    sections += ["", "One row per JSON backend and source revision libapilo was measured at "
                 "(kept in %s), oldest first; each row's figures come from its own run, so "
                 "compare rows for large changes only." % os.path.basename(
                     os.path.splitext(out_path)[0] + ".json")]

    head = ["# libapilo benchmark results", ""]
    if results["tiny"]:
        head += ["**Tiny smoke-test run: sizes are too small for the figures to mean anything.**",
                 ""]
    head += ["Produced by `make bench` (scripts/bench.sh) on %s. Every figure comes from one run "
             "against `apilo-sandbox` on 127.0.0.1; ratios compare clients measured in that same "
             "run, absolute times are context only. CPU is user + system time of the client "
             "process (getrusage), memory its peak RSS (ru_maxrss)." % m["date"], "",
             "JSON backend of libapilo: **%s**." % m["backend"], "",
             "## Goals", ""]
    head += goals.markdown()
    head += ["", "## Machine and versions", ""]
    head += table(["", ""], [("CPU", "%s, %d cores online" % (m["cpu"], m["nproc"])),
                             ("memory", "%s GiB" % m["memory_gib"]),
                             ("kernel", m["kernel"])] + list(m["versions"].items()))
    head += [""]
    with open(out_path, "w") as f:
        f.write("\n".join(head + sections) + "\n")
