#!/usr/bin/env python3
"""Side-by-side runs of wrk and ringfire against servers that scripts/bench/bench-vs-wrk.sh
started.

The shell script owns the servers (start, pin, kill); this file owns the measurements:

  * client CPU time from the kernel's own accounting: the rusage that wait4() returns for the
    client process (user + system time of all its threads);
  * requests completed from the client's own totals (wrk's "N requests in", ringfire's JSON);
  * server CPU share from /proc/PID/stat (utime + stime of the server and its children, e.g. an
    nginx master and its worker) sampled just before and just after each client run;
  * syscalls per request from separate short runs (perf's raw_syscalls:sys_enter counter when perf
    works, strace -c otherwise; strace also gives the per-syscall breakdown). Those runs are never
    used for CPU or throughput figures: tracing slows the traced process.

Python 3 standard library only. Every loop here is bounded by the configured repeats and cases,
and every client run by its -d duration plus a hard timeout.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import ringfire_result  # noqa: E402
from child_rusage import wait_rusage  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")
# A client that overstays its duration by this much is killed and its run marked failed.
GRACE_S = 30.0
# The 1-connection latency case: the blocking ping-pong is the floor ringfire is held to.
LATENCY_CLIENTS = ("pingpong", "wrk", "ringfire")
# Where the receive side of loopback runs: the sender's CPU (plain), or the reader's (--rfs).
LOOPBACK_PLAIN = "loopback: each packet's receive runs on the sender's CPU"
LOOPBACK_RFS = "loopback in a private netns with RPS+RFS: each receive runs on the reader's CPU"
# Steady-state syscall counts leave out the first second: connection set-up and warm-up.
STEADY_DELAY_S = 1.0


# ----------------------------------------------------------------------------------------------
# Kernel accounting


def proc_ticks(pid):
    """utime + stime (clock ticks) of one process, all its threads; 0 if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode()
    except OSError:
        return 0
    # The command name may hold spaces and parentheses: fields start after the last ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def children_of(pid):
    """Direct children of pid, from /proc/PID/task/*/children."""
    kids = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return kids
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return kids


def tree_cpu_s(pid):
    """CPU seconds used so far by pid and its descendants (an nginx master and its workers)."""
    total, todo, seen = 0, [pid], set()
    while todo and len(seen) < 4096:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        total += proc_ticks(p)
        todo.extend(children_of(p))
    return total / CLK_TCK


def cpu_busy_s(cpu):
    """Seconds CPU `cpu` has spent on anything but idle and iowait since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{cpu} "):
                ticks = [int(x) for x in line.split()[1:]]
                return (sum(ticks[:8]) - ticks[3] - ticks[4]) / CLK_TCK
    return None


def run_client(cmd, server_pid, timeout_s, client_cpu=None):
    """Runs cmd to completion; returns its output and the kernel's view of what it cost: the
    client's own rusage and, when it is pinned, how busy its CPU was meanwhile (that also counts
    interrupt and softirq work done on that CPU while the client slept, which rusage does not)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        server_before = tree_cpu_s(server_pid) if server_pid else 0.0
        core_before = cpu_busy_s(client_cpu) if client_cpu is not None else None
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err)
        status, usage = wait_bounded(proc, timeout_s)
        wall = time.monotonic() - start
        core_after = cpu_busy_s(client_cpu) if client_cpu is not None else None
        server_after = tree_cpu_s(server_pid) if server_pid else 0.0
        out.seek(0)
        err.seek(0)
        return {
            "cmd": cmd,
            "status": status,
            "wall_s": wall,
            "client_cpu_s": usage.ru_utime + usage.ru_stime if usage else None,
            "client_user_s": usage.ru_utime if usage else None,
            "client_sys_s": usage.ru_stime if usage else None,
            "server_cpu_s": server_after - server_before,
            "client_core_busy_s": (core_after - core_before
                                   if core_before is not None and core_after is not None else None),
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def wait_bounded(proc, timeout_s):
    """wait4() the child (for its rusage) without ever waiting longer than timeout_s; a child
    killed at the limit is a failed run: status -9 and no usage."""
    status, usage = wait_rusage(proc, timeout_s)
    return (-9, None) if status is None else (status, usage)


# ----------------------------------------------------------------------------------------------
# Clients

UNITS_S = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_wrk_time_ns(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    return float(m.group(1)) * UNITS_S[m.group(2)] * 1e9 if m else None


def parse_wrk(stdout):
    """Totals from wrk's text report (wrk 4.x)."""
    res = {}
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", stdout)
    if m:
        res["completed"] = int(m.group(1))
    m = re.search(r"Requests/sec:\s+([\d.]+)", stdout)
    if m:
        res["rps"] = float(m.group(1))
    m = re.search(r"^\s+50%\s+(\S+)", stdout, re.M)
    if m:
        res["p50_ns"] = parse_wrk_time_ns(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", stdout)
    res["errors"] = sum(int(x) for x in m.groups()) if m else 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", stdout)
    res["non2xx"] = int(m.group(1)) if m else 0
    return res


def parse_ringfire(json_path):
    result = ringfire_result.load(json_path)
    if not result.finished:
        raise ringfire_result.ResultError(f"{json_path}: the run failed: {result.failure}")
    res = {
        "completed": result.completed,
        "rps": result.rps,
        "errors": result.failed,
        "non2xx": result.non_2xx,
        "p50_ns": result.latency.percentile("50"),
    }
    for key in ("wakeups", "cqes"):
        if key in result.run:
            res[key] = result.run[key]
    return res


def parse_pingpong(json_path):
    """ringfire-pingpong's own small JSON (not a ringfire result: no schema of its own)."""
    with open(json_path) as f:
        doc = json.load(f)
    return {"completed": doc["completed"], "rps": doc["requests_per_second"], "errors": 0,
            "non2xx": 0, "p50_ns": doc["latency_ns"]["p50"]}


class Clients:
    def __init__(self, args):
        self.args = args
        netns = ["ip", "netns", "exec", args.netns] if args.netns else []
        self.pin = netns + ["taskset", "-c", str(args.client_cpu)]

    def command(self, client, url, conns, pipeline, duration_s, json_path, latency=False,
                warmup_s=0):
        """warmup_s: ringfire excludes that first part from its counts; wrk runs it on top."""
        d = f"{duration_s + (warmup_s if client == 'wrk' else 0):g}s"
        if client == "wrk":
            cmd = self.pin + ["wrk", "-t1", f"-c{conns}", f"-d{d}", "--timeout", "5s"]
            if latency:
                cmd.append("--latency")
            if pipeline > 1:
                cmd += ["-s", self.args.pipeline_lua, url, "--", str(pipeline)]
            else:
                cmd.append(url)
            return cmd
        if client == "pingpong":
            return self.pin + [self.args.pingpong, "-d", d, "--json", json_path, url]
        return self.pin + [self.args.ringfire, "-t", "1", "--cpus", str(self.args.client_cpu),
                           "-c", str(conns), "-p", str(pipeline), "-d", d, "--timeout", "5s",
                           "--warmup", f"{warmup_s:g}s", "-q", "--json", json_path, url]

    def run(self, client, server, case, duration_s, latency=False):
        with tempfile.TemporaryDirectory() as tmp:
            json_path = os.path.join(tmp, "ringfire.json")
            cmd = self.command(client, server["url"], case["conns"], case["pipeline"],
                               duration_s, json_path, latency)
            r = run_client(cmd, server["pid"], duration_s + GRACE_S, self.args.client_cpu)
            try:
                parsed = (parse_wrk(r["stdout"]) if client == "wrk" else
                          parse_pingpong(json_path) if client == "pingpong" else
                          parse_ringfire(json_path))
            except (OSError, ValueError, KeyError, ringfire_result.ResultError) as e:
                parsed = {"parse_error": str(e)}
        r.update(parsed)
        ok = r["status"] == 0 and r.get("completed", 0) > 0 and r["client_cpu_s"] is not None
        r["ok"] = ok
        if ok:
            r["client_us_per_req"] = r["client_cpu_s"] * 1e6 / r["completed"]
            r["client_cpu_pct"] = 100.0 * r["client_cpu_s"] / r["wall_s"]
            r["server_cpu_pct"] = 100.0 * r["server_cpu_s"] / r["wall_s"]
            if r.get("client_core_busy_s") is not None:
                r["core_us_per_req"] = r["client_core_busy_s"] * 1e6 / r["completed"]
        else:
            print(f"  FAILED: {' '.join(cmd)}\n  {r['stderr'].strip()[-400:]}", file=sys.stderr)
        r["stdout"] = r["stdout"][-2000:]
        return r

    def syscalls(self, client, server, case, duration_s, tmp):
        """Syscalls per request from a traced run: perf's count if perf works, strace's breakdown."""
        res = {}
        json_path = os.path.join(tmp, "sc.json")
        if self.args.perf:
            perf_out = os.path.join(tmp, "perf.txt")
            cmd = ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-o", perf_out, "--"]
            cmd += self.command(client, server["url"], case["conns"], case["pipeline"],
                                duration_s, json_path)
            r = run_client(cmd, None, duration_s + GRACE_S)
            count = parse_perf(perf_out)
            done = completed_of(client, r, json_path)
            if count and done:
                res["perf_syscalls"] = count
                res["perf_completed"] = done
                res["syscalls_per_req"] = count / done
            # Steady state: perf starts counting STEADY_DELAY_S after the start (connections are
            # up by then); ringfire counts only the responses after an equal warm-up, wrk's total
            # is prorated to the same window (it has no warm-up of its own).
            cmd = ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-o", perf_out,
                   "-D", str(int(STEADY_DELAY_S * 1000)), "--"]
            cmd += self.command(client, server["url"], case["conns"], case["pipeline"],
                                duration_s, json_path, warmup_s=STEADY_DELAY_S)
            r = run_client(cmd, None, duration_s + STEADY_DELAY_S + GRACE_S)
            count = parse_perf(perf_out)
            done = completed_of(client, r, json_path)
            if client == "wrk":
                done = done * duration_s / (duration_s + STEADY_DELAY_S)
            if count and done:
                res["steady_syscalls_per_req"] = count / done
        strace_out = os.path.join(tmp, "strace.txt")
        cmd = ["strace", "-c", "-f", "-o", strace_out]
        cmd += self.command(client, server["url"], case["conns"], case["pipeline"], duration_s,
                            json_path)
        r = run_client(cmd, None, duration_s + GRACE_S)
        calls = parse_strace(strace_out)
        done = completed_of(client, r, json_path)
        if calls and done:
            total = sum(calls.values())
            res["strace_completed"] = done
            res["strace_syscalls"] = total
            res["strace_per_req"] = {k: v / done for k, v in sorted(calls.items(),
                                                                      key=lambda kv: -kv[1])}
            res.setdefault("syscalls_per_req", total / done)
        return res


def completed_of(client, r, json_path):
    try:
        parsed = parse_wrk(r["stdout"]) if client == "wrk" else parse_ringfire(json_path)
    except (OSError, ValueError, KeyError, ringfire_result.ResultError):
        return 0
    return parsed.get("completed", 0)


def parse_perf(path):
    try:
        with open(path) as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) > 2 and parts[2] == "raw_syscalls:sys_enter" and parts[0].isdigit():
                    return int(parts[0])
    except OSError:
        pass
    return 0


def parse_strace(path):
    """{syscall: calls} from `strace -c` output (the taskset exec is in there, but tiny)."""
    calls = {}
    try:
        with open(path) as f:
            for line in f:
                cols = line.split()
                # % time, seconds, usecs/call, calls, [errors], syscall
                if len(cols) >= 5 and re.fullmatch(r"[\d.]+", cols[0]) and cols[-1] != "total":
                    calls[cols[-1]] = int(cols[3])
    except OSError:
        pass
    return calls


def perf_works():
    if shutil.which("perf") is None:
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "--", "true"],
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0 and "raw_syscalls:sys_enter" in r.stderr and "not supported" \
        not in r.stderr


# ----------------------------------------------------------------------------------------------
# Summaries


def spread(values, fmt):
    if not values:
        return "n/a"
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def median_of(runs, key):
    vals = [r[key] for r in runs if r.get("ok") and r.get(key) is not None]
    return statistics.median(vals) if vals else None


def summarize(results):
    rows = []
    for case in results["cases"]:
        med, core = {}, {}
        for client in ("wrk", "ringfire"):
            runs = case["runs"][client]
            med[client] = median_of(runs, "client_us_per_req")
            core[client] = median_of(runs, "core_us_per_req")
            ok = [r for r in runs if r.get("ok")]
            sc = case["syscalls"].get(client, {}).get("syscalls_per_req")
            steady = case["syscalls"].get(client, {}).get("steady_syscalls_per_req")
            row = {
                "case": case["label"],
                "client": client,
                "runs_ok": len(ok),
                "runs": len(runs),
                "rps": [r["rps"] for r in ok],
                "us_per_req": [r["client_us_per_req"] for r in ok],
                "client_cpu_pct": median_of(runs, "client_cpu_pct"),
                "server_cpu_pct": median_of(runs, "server_cpu_pct"),
                "core_us_per_req": core[client],
                "core_ratio": None,
                "syscalls_per_req": sc,
                "steady_syscalls_per_req": steady,
                "ratio": None,
            }
            rows.append(row)
        if med["wrk"] and med["ringfire"]:
            rows[-1]["ratio"] = med["ringfire"] / med["wrk"]
        if core["wrk"] and core["ringfire"]:
            rows[-1]["core_ratio"] = core["ringfire"] / core["wrk"]
    return rows


def markdown(results):
    rows = summarize(results)
    lines = [
        "| case | client | req/s median (min–max) | client µs CPU/req median (min–max) | "
        "syscalls/req whole run | steady state | client CPU % | server CPU % | "
        "CPU/req ringfire/wrk | client core µs busy/req | core/req ringfire/wrk |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        fail = "" if r["runs_ok"] == r["runs"] else f" ({r['runs'] - r['runs_ok']} failed)"
        lines.append(
            f"| {r['case']} | {r['client']}{fail} | {spread(r['rps'], '{:,.0f}')} | "
            f"{spread(r['us_per_req'], '{:.2f}')} | "
            f"{fmt_opt(r['syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['steady_syscalls_per_req'], '.3f')} | "
            f"{fmt_opt(r['client_cpu_pct'], '.0f')} | {fmt_opt(r['server_cpu_pct'], '.0f')} | "
            f"{'—' if r['ratio'] is None else format(r['ratio'], '.2f')} | "
            f"{fmt_opt(r['core_us_per_req'], '.2f')} | "
            f"{'—' if r['core_ratio'] is None else format(r['core_ratio'], '.2f')} |")
    lat = results.get("latency")
    if lat:
        lines += ["", f"Light load, 1 connection against {lat['server']} (no delay):", "",
                  "| client | p50 median (min–max) | req/s median | client µs CPU/req median |",
                  "| --- | --- | --- | --- |"]
        p50 = {}
        for client in LATENCY_CLIENTS:
            ok = [r for r in lat["runs"].get(client, []) if r.get("ok") and r.get("p50_ns")]
            p50[client] = median_of(ok, "p50_ns")
            name = "blocking ping-pong (ringfire-pingpong)" if client == "pingpong" else client
            lines.append(
                f"| {name} | {spread([r['p50_ns'] / 1000 for r in ok], '{:.1f} µs')} | "
                f"{fmt_opt(median_of(ok, 'rps'), ',.0f')} | "
                f"{fmt_opt(median_of(ok, 'client_us_per_req'), '.2f')} |")
        if p50.get("pingpong") and p50.get("ringfire"):
            gap = (p50["ringfire"] - p50["pingpong"]) / 1000
            lines += ["", f"ringfire's p50 minus the blocking ping-pong's: {gap:+.1f} µs "
                      f"(target: within 20 µs) — {'met' if gap <= 20 else 'NOT met'}."]
    top = syscall_breakdown(results)
    if top:
        lines += ["", "Syscalls per request by name (strace -c -f, separate short runs; "
                  "includes connection setup):", ""] + top
    return "\n".join(lines)


def syscall_breakdown(results, limit=6):
    out = []
    for case in results["cases"]:
        for client in ("wrk", "ringfire"):
            per = case["syscalls"].get(client, {}).get("strace_per_req")
            if not per:
                continue
            items = [f"{k} {v:.3g}" for k, v in list(per.items())[:limit]]
            out.append(f"- {case['label']}, {client}: " + ", ".join(items))
    return out


def fmt_opt(v, spec):
    return "n/a" if v is None else format(v, spec)


def loadavg():
    """The 1-minute load average: other work on the machine skews every figure here."""
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass

    def version(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "unknown"

    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "loadavg_start": loadavg(),
        "cpu_model": cpu,
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "wrk": version(["wrk", "--version"]),
        "nginx": version(["nginx", "-v"]),
    }


# ----------------------------------------------------------------------------------------------
# Main


def parse_server(text):
    name, pid, url = text.split("=", 2)
    return {"name": name, "pid": int(pid), "url": url}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ringfire", required=True)
    ap.add_argument("--pingpong", required=True, help="the ringfire-pingpong binary")
    ap.add_argument("--pipeline-lua", required=True)
    ap.add_argument("--server", action="append", type=parse_server, required=True,
                    help="NAME=PID=URL; repeatable (cases run against each, in order)")
    ap.add_argument("--close-server", type=parse_server,
                    help="NAME=PID=URL of a server closing every connection after one response")
    ap.add_argument("--latency-server", help="NAME of the server for the 1-connection case")
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--netns", help="run the clients in this network namespace (--rfs)")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--syscall-duration", type=float, default=2.0)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ringfire-version", default="unknown")
    args = ap.parse_args()
    if not 1 <= args.repeats <= 100 or not 0 < args.duration <= 3600:
        ap.error("repeats must be 1..100 and duration 0..3600 s")
    args.perf = perf_works()
    load = loadavg()
    if load is not None and load > 1.0:
        print(f"bench: warning: load average {load} before the first run; other work on this "
              "machine will inflate CPU time and latency", file=sys.stderr)
    clients = Clients(args)
    os.makedirs(args.out, exist_ok=True)

    cases = [
        {"name": "c100", "conns": 100, "pipeline": 1},
        {"name": "c100 p10", "conns": 100, "pipeline": 10},
        {"name": "c1000", "conns": 1000, "pipeline": 1},
    ]
    results = {
        "schema": 1,
        "machine": machine(),
        "ringfire_version": args.ringfire_version,
        "settings": {"duration_s": args.duration, "repeats": args.repeats,
                     "loopback": LOOPBACK_RFS if args.netns else LOOPBACK_PLAIN,
                     "client_cpu": args.client_cpu, "syscall_duration_s": args.syscall_duration,
                     "syscall_counter": "perf raw_syscalls:sys_enter" if args.perf else "strace -c"},
        "cases": [],
    }
    plan = [(server, case) for server in args.server for case in cases]
    if args.close_server:
        # A new connection for every request: what the connection set-up costs each client.
        plan.append((args.close_server, {"name": "c100 new connection per response",
                                         "conns": 100, "pipeline": 1}))
    for server, case in plan:
        label = f"{server['name']} {case['name']}"
        entry = {"label": label, "server": server["name"], **case,
                 "runs": {"wrk": [], "ringfire": []}, "syscalls": {}}
        for rep in range(args.repeats):
            for client in ("wrk", "ringfire"):  # alternate A B A B: drift hits both alike
                print(f"[{label}] {client} run {rep + 1}/{args.repeats}", file=sys.stderr)
                entry["runs"][client].append(clients.run(client, server, case, args.duration))
        for client in ("wrk", "ringfire"):
            print(f"[{label}] {client} syscall count", file=sys.stderr)
            with tempfile.TemporaryDirectory() as tmp:
                entry["syscalls"][client] = clients.syscalls(client, server, case,
                                                             args.syscall_duration, tmp)
        results["cases"].append(entry)

    lat_server = next((s for s in args.server if s["name"] == args.latency_server), None)
    if lat_server:
        case = {"conns": 1, "pipeline": 1}
        lat = {"server": lat_server["name"], "runs": {c: [] for c in LATENCY_CLIENTS}}
        for rep in range(args.repeats):
            for client in LATENCY_CLIENTS:
                print(f"[latency c1] {client} run {rep + 1}/{args.repeats}", file=sys.stderr)
                lat["runs"][client].append(
                    clients.run(client, lat_server, case, args.duration, latency=True))
        results["latency"] = lat

    results["machine"]["loadavg_end"] = loadavg()
    results["summary"] = summarize(results)
    table = markdown(results)
    m = results["machine"]
    header = (f"{m['date']} · {m['cpu_model']} · {m['cpus']} CPUs · Linux {m['kernel']} · "
              f"{m['wrk']} · {m['nginx']} · ringfire {args.ringfire_version} · "
              f"{args.repeats} × {args.duration:g} s per cell · "
              f"{results['settings']['loopback']} · syscalls by "
              f"{results['settings']['syscall_counter']} · load average "
              f"{m['loadavg_start']} at start, {m['loadavg_end']} at end")
    results["table_markdown"] = table
    with open(os.path.join(args.out, "bench-vs-wrk.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, "bench-vs-wrk.md"), "w") as f:
        f.write(header + "\n\n" + table + "\n")
    print(header + "\n\n" + table)
    bad = sum(1 for c in results["cases"] for rs in c["runs"].values() for r in rs if not r["ok"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
