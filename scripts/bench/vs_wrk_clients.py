"""How the wrk comparison runs each client (wrk, gcannon when given, ringfire, ringfire-pingpong)
pinned to the client CPU: the command line of each, a measured run (client and server CPU per request), and the
separate traced runs that count syscalls per request (perf when it works, strace -c for the
breakdown; tracing slows the client, so these never feed the CPU or throughput figures).
"""

import atexit
import math
import os
import shutil
import subprocess
import sys
import tempfile

from client_reports import PARSE_ERRORS, completed_of, parse_client, parse_perf, parse_strace
from cpu_accounting import run_client

# A client that overstays its duration by this much is killed and its run marked failed.
GRACE_S = 30.0
# The 1-connection latency case: the blocking ping-pong is the floor ringfire is held to.
LATENCY_CLIENTS = ("pingpong", "wrk", "ringfire")
# Steady-state syscall counts leave out the first second: connection set-up and warm-up.
STEADY_DELAY_S = 1.0
# Clients without a warm-up of their own: a steady-state count prorates their total instead.
NO_WARMUP = ("wrk", "gcannon")
# gcannon's receive buffer size for the large-body case (--recv-buf, bytes).
GCANNON_BIG_BODY_RECV_BUF = 16384


class Clients:
    """The clients of one bench run, pinned to args.client_cpu (inside args.netns with --rfs)."""

    def __init__(self, args):
        self.args = args
        netns = ["ip", "netns", "exec", args.netns] if args.netns else []
        self.pin = netns + ["taskset", "-c", str(args.client_cpu)]
        # The closed-loop clients, in the order each round runs them (A B C A B C).
        self.names = ("wrk", "gcannon", "ringfire") if args.gcannon else ("wrk", "ringfire")
        # gcannon appends every run to $HOME/.gcannon/history.bin: keep that out of the real home.
        self.gcannon_home = tempfile.mkdtemp(prefix="bench-gcannon-home-")
        atexit.register(shutil.rmtree, self.gcannon_home, True)

    def command(self, client, url, case, duration_s, json_path, latency=False, warmup_s=0):
        """case: conns, pipeline and (for large responses) big_body. warmup_s: ringfire excludes
        that first part from its counts; wrk and gcannon run it on top."""
        conns, pipeline = case["conns"], case["pipeline"]
        d = f"{duration_s + (warmup_s if client in NO_WARMUP else 0):g}s"
        if client == "wrk":
            cmd = self.pin + ["wrk", "-t1", f"-c{conns}", f"-d{d}", "--timeout", "5s"]
            if latency:
                cmd.append("--latency")
            if pipeline > 1:
                cmd += ["-s", self.args.pipeline_lua, url, "--", str(pipeline)]
            else:
                cmd.append(url)
            return cmd
        if client == "gcannon":
            # gcannon 0.5: -c connections in all, -t threads, -d whole seconds, -p requests in
            # flight per connection, --json the report alone on stdout. No pinning of its own:
            # taskset holds its one worker thread (and its main thread) on the client CPU.
            whole_s = max(1, math.ceil(duration_s + warmup_s))
            cmd = ["env", f"HOME={self.gcannon_home}"] + self.pin + [
                self.args.gcannon, url, "-c", str(conns), "-t", "1", "-d", f"{whole_s}s",
                "-p", str(pipeline), "--json"]
            if case.get("big_body"):
                # Its 4 KiB receive buffers default halve its rate on 120 KB bodies (measured:
                # 6.5k resp/s against 12k with 16 KiB, at less CPU per response). ringfire's
                # are 64 KiB at these connection counts (worker_setup.cpp, recv_pool).
                cmd += ["--recv-buf", str(GCANNON_BIG_BODY_RECV_BUF)]
            return cmd
        if client == "pingpong":
            return self.pin + [self.args.pingpong, "-d", d, "--json", json_path, url]
        return self.pin + [self.args.ringfire, "-t", "1", "--cpus", str(self.args.client_cpu),
                           "-c", str(conns), "-p", str(pipeline), "-d", d, "--timeout", "5s",
                           "--warmup", f"{warmup_s:g}s", "-q", "--json", json_path, url]

    def run(self, client, server, case, duration_s, latency=False):
        with tempfile.TemporaryDirectory() as tmp:
            json_path = os.path.join(tmp, "ringfire.json")
            cmd = self.command(client, server["url"], case,
                               duration_s, json_path, latency)
            r = run_client(cmd, server["pid"], duration_s + GRACE_S, self.args.client_cpu)
            try:
                parsed = parse_client(client, r["stdout"], json_path)
            except PARSE_ERRORS as e:
                parsed = {"parse_error": str(e)}
        r.update(parsed)
        return per_request(r, cmd)

    def syscalls(self, client, server, case, duration_s, tmp):
        """Syscalls per request from a traced run: perf's count if perf works, strace's breakdown."""
        res = {}
        json_path = os.path.join(tmp, "sc.json")
        if self.args.perf:
            perf_out = os.path.join(tmp, "perf.txt")
            cmd = ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-o", perf_out, "--"]
            cmd += self.command(client, server["url"], case,
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
            cmd += self.command(client, server["url"], case,
                                duration_s, json_path, warmup_s=STEADY_DELAY_S)
            r = run_client(cmd, None, duration_s + STEADY_DELAY_S + GRACE_S)
            count = parse_perf(perf_out)
            done = completed_of(client, r, json_path)
            if client in NO_WARMUP:
                done = done * duration_s / (duration_s + STEADY_DELAY_S)
            if count and done:
                res["steady_syscalls_per_req"] = count / done
        strace_out = os.path.join(tmp, "strace.txt")
        cmd = ["strace", "-c", "-f", "-o", strace_out]
        cmd += self.command(client, server["url"], case, duration_s,
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


def per_request(r, cmd):
    """Marks a measured run ok or failed and, when ok, divides its CPU by r["completed"]."""
    ok = r["status"] == 0 and r.get("completed", 0) > 0 and r["client_cpu_s"] is not None
    r["ok"] = ok
    if ok:
        r["client_us_per_req"] = r["client_cpu_s"] * 1e6 / r["completed"]
        # User and kernel apart: on plain loopback the kernel part includes the server's
        # receive of every request, run inside the client's send.
        r["user_us_per_req"] = r["client_user_s"] * 1e6 / r["completed"]
        r["sys_us_per_req"] = r["client_sys_s"] * 1e6 / r["completed"]
        r["client_cpu_pct"] = 100.0 * r["client_cpu_s"] / r["wall_s"]
        r["server_cpu_pct"] = 100.0 * r["server_cpu_s"] / r["wall_s"]
        if r.get("client_core_busy_s") is not None:
            r["core_us_per_req"] = r["client_core_busy_s"] * 1e6 / r["completed"]
    else:
        print(f"  FAILED: {' '.join(cmd)}\n  {r['stderr'].strip()[-400:]}", file=sys.stderr)
    r["stdout"] = r["stdout"][-2000:]
    return r


def perf_works():
    """Whether perf can count raw_syscalls:sys_enter here (else strace -c counts them)."""
    if shutil.which("perf") is None:
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "--", "true"],
                       capture_output=True, text=True, timeout=30)
    return r.returncode == 0 and "raw_syscalls:sys_enter" in r.stderr and "not supported" \
        not in r.stderr
