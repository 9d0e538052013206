#!/usr/bin/env python3
"""ringfire beside the HTTPS and HTTP/2 peers (wrk, h2load --h1, h2load) against the nginx servers
that scripts/bench/bench-peers.sh started: client CPU per response (user and system apart),
responses/s, handshakes per client CPU second, and ringfire's ratios to each peer.

Two modes, one machinery (the wrk comparison's: cpu_accounting.run_client for the kernel's CPU
figures, client_reports for each client's report, vs_wrk_clients.per_request for the division,
vs_wrk_table's medians and spreads):

  tls: nginx over TLS (TLS 1.3, session tickets on), keep-alive c100 and a handshake per request
       c100; clients wrk, h2load --h1 and ringfire (https, -k).
  h2:  nginx with h2c (prior knowledge), h2load -c 100 -m 10 and -m 100 and ringfire --h2c; and
       HTTP/1.1 against the same nginx (another port of the same process) for the h2/h1 rate.

When ringfire lacks what a case needs (https, --h2c: --ringfire-lacks tls=WHY / h2c=WHY), its runs
in those cases are skipped and the table says "pending" there; the peers still run.

In the handshake-per-request case the responses are counted by nginx, not by the clients: nginx
logs each request with $ssl_session_reused, so the count is the same for every client and the
resumed share is the server's own. Python 3 standard library only; every run is bounded by its
duration plus a grace period.
"""

import argparse
import json
import os
import sys
import tempfile
import time

from client_reports import PARSE_ERRORS, parse_client
from cpu_accounting import run_client
from machine_info import loadavg, machine
from vs_peers_table import markdown, tool_version
from vs_wrk_clients import GRACE_S, per_request

# h2load 1.52 --h1 in its timed mode (-D) against a server that closes every connection does
# not stop at the end (its clients reconnect after "Stopping all clients", until killed) and
# counts fewer responses than nginx logs; with -n it stops and its count equals nginx's. So in
# the handshake case it runs -n: as many requests as the client before it in the same round (wrk)
# completed per second times the duration, at least this many.
H2LOAD_MIN_COUNT = 1000
# nginx flushes its buffered access log every 100 ms (flush=100ms): wait this long after a run.
LOG_SETTLE_S = 0.4

CASES = {
    "tls": [
        {"name": "TLS keep-alive c100", "server": "keepalive", "conns": 100, "needs": "tls",
         "clients": ("wrk", "h2load --h1", "ringfire")},
        {"name": "TLS handshake per request c100", "server": "handshake", "conns": 100,
         "needs": "tls", "handshake": True, "clients": ("wrk", "h2load --h1", "ringfire")},
    ],
    "h2": [
        {"name": "h2c c100 m10", "server": "h2c", "conns": 100, "streams": 10, "needs": "h2c",
         "clients": ("h2load", "ringfire")},
        {"name": "h2c c100 m100", "server": "h2c", "conns": 100, "streams": 100, "needs": "h2c",
         "clients": ("h2load", "ringfire")},
        {"name": "HTTP/1.1 c100", "server": "h1", "conns": 100, "needs": None,
         "clients": ("h2load --h1", "ringfire")},
    ],
}


def parse_server(text):
    """NAME=PID=URL[=ACCESS_LOG]"""
    parts = text.split("=", 3)
    return {"name": parts[0], "pid": int(parts[1]), "url": parts[2],
            "log": parts[3] if len(parts) > 3 else None}


def command(args, client, case, url, duration_s, json_path, count=None):
    """The command line of one measured run, pinned to the client CPU, one thread. count: h2load
    runs that many requests instead of for duration_s (the handshake case, see H2LOAD_COUNTED)."""
    pin = ["taskset", "-c", str(args.client_cpu)]
    conns, streams = case["conns"], case.get("streams")
    if client == "wrk":
        return pin + ["wrk", "-t1", f"-c{conns}", f"-d{duration_s:g}s", "--timeout", "5s", url]
    if client.startswith("h2load"):
        cmd = pin + ["h2load", "-t", "1", "-c", str(conns)]
        cmd += ["-n", str(count)] if count else ["-D", f"{duration_s:g}"]
        if client == "h2load --h1":
            cmd.append("--h1")
        if streams:
            cmd += ["-m", str(streams)]
        return cmd + [url]
    cmd = pin + [args.ringfire, "-t", "1", "--cpus", str(args.client_cpu), "-c", str(conns),
                 "-d", f"{duration_s:g}s", "--timeout", "5s", "-q", "--json", json_path]
    if url.startswith("https://"):
        cmd.append("-k")  # the script's own self-signed certificate
    if case.get("handshake"):
        cmd += ["--keepalive-requests", "1"]
    if streams:
        cmd += ["--h2c", "--streams", str(streams)]
    return cmd + [url]


def log_size(path):
    """Bytes in the access log so far (where a run's lines start); None without a log."""
    if not path:
        return None
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def log_counts(path, offset):
    """What nginx logged from byte offset on, one line per response written as
    "$ssl_session_reused $ssl_protocol $ssl_cipher": (responses, resumed, {"protocol cipher": n})."""
    lines = resumed = 0
    suites = {}
    with open(path, "rb") as f:
        f.seek(offset)
        for line in f:
            fields = line.decode(errors="replace").split()
            lines += 1
            resumed += fields[:1] == ["r"]
            key = " ".join(fields[1:3])
            suites[key] = suites.get(key, 0) + 1
    return lines, resumed, suites


def h2load_count(case, client, rate, duration_s):
    """-n for h2load in the handshake case (H2LOAD_COUNTED), else None (timed)."""
    if not (case.get("handshake") and client.startswith("h2load")):
        return None
    n = max(H2LOAD_MIN_COUNT, int((rate or 0) * duration_s))
    return -(-n // case["conns"]) * case["conns"]  # whole requests per connection


def measure(args, client, case, server, rate=None):
    """One measured run: the kernel's CPU figures, the client's report, and (handshake case)
    nginx's count of the responses and of the resumed handshakes. rate: responses/s of the
    round's previous client (sizes h2load's -n)."""
    with tempfile.TemporaryDirectory() as tmp:
        json_path = os.path.join(tmp, "ringfire.json")
        cmd = command(args, client, case, server["url"], args.duration, json_path,
                      h2load_count(case, client, rate, args.duration))
        before = log_size(server["log"])
        r = run_client(cmd, server["pid"], args.duration + GRACE_S, args.client_cpu)
        try:
            r.update(parse_client(client, r["stdout"], json_path))
        except PARSE_ERRORS as e:
            r["parse_error"] = str(e)
    if before is not None:
        time.sleep(LOG_SETTLE_S)
        done, resumed, r["protocols"] = log_counts(server["log"], before)
        r["client_completed"] = r.get("completed")
        r["completed"] = done
        r["handshakes"] = done  # keepalive_requests 1: one connection per response
        r["resumed"] = resumed
        r["resumed_pct"] = 100.0 * r["resumed"] / r["completed"] if r["completed"] else None
        r["rps"] = r["completed"] / r["wall_s"]
    r = per_request(r, cmd)
    if r["ok"] and r.get("handshakes"):
        r["handshakes_per_cpu_s"] = r["handshakes"] / r["client_cpu_s"]
    return r


def parse_lacks(text):
    what, _, why = text.partition("=")
    return what, why or "not supported by this build"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mode", choices=sorted(CASES), required=True)
    ap.add_argument("--ringfire", required=True)
    ap.add_argument("--server", action="append", type=parse_server, required=True,
                    help="NAME=PID=URL[=ACCESS_LOG]; NAME as the mode's cases name them")
    ap.add_argument("--ringfire-lacks", action="append", type=parse_lacks, default=[],
                    help="FEATURE=WHY (tls, h2c): ringfire's runs needing it are pending")
    ap.add_argument("--client-cpu", type=int, default=1)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ringfire-version", default="unknown")
    ap.add_argument("--command", default="", help="the command line, for the record")
    args = ap.parse_args()
    if not 1 <= args.repeats <= 100 or not 0 < args.duration <= 3600:
        ap.error("repeats must be 1..100 and duration 0..3600 s")
    servers = {s["name"]: s for s in args.server}
    lacks = dict(args.ringfire_lacks)
    load = loadavg()
    if load is not None and load > 1.0:
        print(f"bench: warning: load average {load} before the first run; other work on this "
              "machine will inflate CPU time", file=sys.stderr)
    results = {"schema": 1, "mode": args.mode, "machine": machine(),
               "ringfire_version": args.ringfire_version, "command": args.command,
               "settings": {"duration_s": args.duration, "repeats": args.repeats,
                            "client_cpu": args.client_cpu},
               "pending": {k: v for k, v in lacks.items()}, "cases": []}
    for case in CASES[args.mode]:
        server = servers[case["server"]]
        entry = {"label": case["name"], "server": server["name"], **case,
                 "pending": lacks.get(case["needs"]) if case["needs"] else None,
                 "runs": {c: [] for c in case["clients"]}}
        active = [c for c in case["clients"] if not (c == "ringfire" and entry["pending"])]
        for rep in range(args.repeats):
            rate = None
            for client in active:  # alternate A B C A B C: drift hits all alike
                print(f"[{case['name']}] {client} run {rep + 1}/{args.repeats}", file=sys.stderr)
                r = measure(args, client, case, server, rate)
                entry["runs"][client].append(r)
                rate = r.get("rps") if r["ok"] else rate
        results["cases"].append(entry)
    results["machine"]["loadavg_end"] = loadavg()
    table = markdown(results)
    m = results["machine"]
    header = (f"{m['date']} · {m['cpu_model']} · {m['cpus']} CPUs · Linux {m['kernel']} · "
              + (f"{m['wrk']} · {tool_version(['openssl', 'version'])} · "
                 if args.mode == "tls" else "")
              + f"{tool_version(['h2load', '--version'])} · {m['nginx']} · "
              f"ringfire {args.ringfire_version} · "
              f"{args.repeats} × {args.duration:g} s per cell · server CPU 0, clients CPU 1 · "
              f"load average {m['loadavg_start']} at start, {m['loadavg_end']} at end")
    results["table_markdown"] = table
    name = f"bench-peers-{args.mode}"
    with open(os.path.join(args.out, name + ".json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(args.out, name + ".md"), "w") as f:
        f.write(header + "\n\n" + table + "\n")
    print(header + "\n\n" + table)
    bad = sum(1 for c in results["cases"] for rs in c["runs"].values() for r in rs if not r["ok"])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
