#!/usr/bin/env python3
"""Side-by-side runs of wrk, gcannon (when given) and ringfire against servers that
scripts/bench/bench-vs-wrk.sh started.

The shell script owns the servers (start, pin, kill); this program the measurements:

  * client CPU time from the kernel's own accounting: the rusage that wait4() returns for the
    client process (user + system time of all its threads);
  * requests completed from the client's own totals (wrk's "N requests in", gcannon's and
    ringfire's JSON);
  * server CPU share from /proc/PID/stat (utime + stime of the server and its children, e.g. an
    nginx master and its worker) sampled just before and just after each client run;
  * syscalls per request from separate short runs (perf's raw_syscalls:sys_enter counter when perf
    works, strace -c otherwise; strace also gives the per-syscall breakdown). Those runs are never
    used for CPU or throughput figures: tracing slows the traced process.

Python 3 standard library only. Every loop here is bounded by the configured repeats and cases,
and every client run by its -d duration plus a hard timeout.

This file runs the plan and writes the record; the modules beside it do the parts:
cpu_accounting.py (the kernel's CPU figures), client_reports.py (reading each client's report),
vs_wrk_clients.py (command lines, measured and traced runs), vs_wrk_table.py (the markdown table)
and machine_info.py (the machine in the header).
"""

import argparse
import json
import os
import sys
import tempfile

from machine_info import loadavg, machine
from vs_wrk_clients import LATENCY_CLIENTS, Clients, perf_works
from vs_wrk_table import markdown, summarize

# Where the receive side of loopback runs: the sender's CPU (plain), or the reader's (--rfs).
LOOPBACK_PLAIN = "loopback: each packet's receive runs on the sender's CPU"
LOOPBACK_RFS = "loopback in a private netns with RPS+RFS: each receive runs on the reader's CPU"


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
    ap.add_argument("--large-server", type=parse_server,
                    help="NAME=PID=URL whose URL answers with the large (120 KB) body")
    ap.add_argument("--slow-server", type=parse_server,
                    help="NAME=PID=URL of a slower server (nginx writing an access log)")
    ap.add_argument("--gcannon", help="the gcannon binary: a third client in every case")
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
                     "clients": list(clients.names), "gcannon": args.gcannon,
                     "syscall_counter": "perf raw_syscalls:sys_enter" if args.perf else "strace -c"},
        "cases": [],
    }
    plan = [(server, case) for server in args.server for case in cases]
    if args.large_server:
        # Large responses: the receive path and the bytes, not the per-request overhead.
        plan.append((args.large_server, {"name": "120 KB body c50", "conns": 50, "pipeline": 1,
                                            "big_body": True}))
    if args.slow_server:
        # A server that spends more per request than it needs (a log write each): how much of
        # the client's lead survives when the client waits more and batches less.
        plan.append((args.slow_server, {"name": "c100", "conns": 100, "pipeline": 1}))
    if args.close_server:
        # A new connection for every request: what the connection set-up costs each client.
        plan.append((args.close_server, {"name": "c100 new connection per response",
                                         "conns": 100, "pipeline": 1}))
    for server, case in plan:
        label = f"{server['name']} {case['name']}"
        entry = {"label": label, "server": server["name"], **case,
                 "runs": {c: [] for c in clients.names}, "syscalls": {}}
        for rep in range(args.repeats):
            for client in clients.names:  # alternate A B C A B C: drift hits all alike
                print(f"[{label}] {client} run {rep + 1}/{args.repeats}", file=sys.stderr)
                entry["runs"][client].append(clients.run(client, server, case, args.duration))
        for client in clients.names:
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
              f"{'gcannon ' + args.gcannon + ' · ' if args.gcannon else ''}"
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
