"""CPU time from the kernel's own accounting, for one client run of the wrk comparison: the
client's rusage from wait4() (user + system time of all its threads), how busy its pinned CPU was
(/proc/stat), and the server process tree's CPU (/proc/PID/stat: an nginx master and its worker)
sampled just before and just after the run.
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from child_rusage import wait_rusage  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


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
