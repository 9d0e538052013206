"""Runs one cell: scripts/tools/sysmon on the server process, ringfire --json against the url.

Every child is bounded: ringfire gets warm-up + duration + its timeout + a margin and is killed
after that; sysmon is stopped with SIGTERM once ringfire is done.
"""

import os
import signal
import subprocess
import sys
import time
import importlib.util
from importlib.machinery import SourceFileLoader

from child_rusage import cpu_s, wait_rusage

TOOLS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SYSMON = os.path.join(TOOLS, "sysmon")
SYSMON_INTERVAL_S = 0.5
RINGFIRE_MARGIN_S = 20.0
# sysmon's /proc readers, for the server tree's CPU over exactly ringfire's run.
_loader = SourceFileLoader("sysmon_lib", SYSMON)
sysmon_lib = importlib.util.module_from_spec(importlib.util.spec_from_loader("sysmon_lib", _loader))
_loader.exec_module(sysmon_lib)


def tree_snapshot(pid):
    return sysmon_lib.tree_of(pid, sysmon_lib.read_all_processes()) if pid else {}


def tree_cpu_s(before, after):
    user, system = sysmon_lib.tree_cpu_ticks(before, after)
    return (user + system) / sysmon_lib.CLK_TCK


def ringfire_command(ringfire, url, cell, matrix, json_path):
    cmd = [ringfire, "-c", str(cell["connections"]), "-p", str(cell["pipeline"]),
           "-t", str(cell["threads"]), "-d", f"{matrix['duration_s']:g}s",
           "--warmup", f"{matrix['warmup_s']:g}s", "--timeout", f"{matrix['timeout_s']:g}s",
           "--json", json_path, "--quiet"]
    if cell["rate"] > 0:
        cmd += ["-R", str(cell["rate"])]
    return cmd + list(matrix["args"]) + [url]


def start_sysmon(pid, path):
    if pid is None:
        return None
    return subprocess.Popen([sys.executable, SYSMON, "--pid", str(pid), "--interval",
                             str(SYSMON_INTERVAL_S), "--out", path],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)


def stop_sysmon(proc):
    if proc is None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_cell(ringfire, target, cell, matrix, run_dir, cell_id):
    """Raw facts of one run: paths, exit status, client CPU, wall time, served count."""
    json_path = os.path.join(run_dir, cell_id + ".json")
    sysmon_path = os.path.join(run_dir, cell_id + ".sysmon.jsonl")
    served_before = target.access_log_lines()
    sysmon = start_sysmon(target.pid, sysmon_path)
    cmd = ringfire_command(ringfire, target.url, cell, matrix, json_path)
    limit = matrix["warmup_s"] + matrix["duration_s"] + matrix["timeout_s"] + RINGFIRE_MARGIN_S
    err_path = os.path.join(run_dir, cell_id + ".stderr")
    tree_before = tree_snapshot(target.pid)
    start = time.monotonic()
    with open(err_path, "w") as err:
        # Its own process group, so the Ctrl-C the terminal sends the sweep does not reach it
        # mid-write: the sweep stops it (SIGINT) and keeps what it wrote.
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err,
                                stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            status, usage = wait_rusage(proc, limit)
        except BaseException:
            proc.send_signal(signal.SIGINT)
            wait_rusage(proc, 5.0)
            stop_sysmon(sysmon)
            raise
    wall_s = time.monotonic() - start
    server_cpu_s = tree_cpu_s(tree_before, tree_snapshot(target.pid)) if target.pid else None
    stop_sysmon(sysmon)
    served_after = target.access_log_lines()
    with open(err_path, encoding="utf-8", errors="replace") as f:
        stderr_lines = [line.strip() for line in f if line.strip()]
    return {
        "cmd": cmd, "json": json_path if os.path.exists(json_path) else None,
        "sysmon": sysmon_path if os.path.exists(sysmon_path) else None,
        "status": status, "client_cpu_s": cpu_s(usage), "server_cpu_s": server_cpu_s, "wall_s": wall_s,
        "stderr": stderr_lines[-1] if stderr_lines else "",
        "served": (served_after - served_before) if served_before is not None else None,
        "server_alive": target.alive(), "server_status": target.exit_status(),
    }
