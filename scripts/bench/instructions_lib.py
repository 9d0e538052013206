"""Counting ringfire's instructions per response under callgrind (scripts/bench/bench-instructions.sh).

Why callgrind: it counts the user-space instructions a process executes, exactly and the same on
every run, and it needs no hardware counters (virtual machines often have none). What it does not
see: the kernel's share (io_uring's completion work, TCP, the copies into our buffers). So the
figure is the cost of ringfire's own code per response, the part a change to the worker, the
ledger, the parser or the request path moves.

Why a difference of two runs: a run of N responses costs set-up + N x (per response) + teardown.
Two runs of N1 and N2 responses and (I2 - I1) / (N2 - N1) cancel set-up and teardown.

Why the worker thread: callgrind writes one file per thread (--separate-threads=yes). The worker
thread owns the ring and every response. The main thread's count depends on other things: it
wakes on a clock (machine samples once a second), so it grows with wall time, and under
callgrind's slowdown wall time is not the client's; and before the run it reads the machine's
socket tables (/proc/net/tcp), whose size depends on whatever else runs on the box. The process
column (all threads) is shown for reference; the guard reads the worker's.

What is left to vary: how many completions each wait returns (the client is slowed down, the
server is not, so batches are larger than in a real run), which moves the worker's figure by up
to ~1 % on a busy machine. Hence the median of several repeats.
"""

import glob
import json
import os
import re
import subprocess
import time

# A client run that takes longer than this is killed and the measurement fails.
RUN_TIMEOUT_S = 600
# Names that mark the worker thread's file: the worker before and after it became a template over
# its transport (BasicWorker<PlainTcp>, net/transport.hpp).
WORKER_MARKS = (
    "ringfire::Worker::loop",
    "ringfire::Worker::run",
    "ringfire::BasicWorker<ringfire::PlainTcp>::loop",
)
# One line of callgrind_annotate's per-function table: "1,234 (12.34%)  file:function [object]".
ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\([\s\d.]+%\)\s+(.*?)(?:\s+\[[^\]]*\])?\s*$")


def thread_files(prefix):
    """The per-thread output files of one callgrind run: {thread number: path}."""
    files = {}
    for path in glob.glob(prefix + "-*"):
        suffix = path.rsplit("-", 1)[1]
        if suffix.isdigit():
            files[int(suffix)] = path
    return files


def total_ir(path):
    """The 'totals:' line of a callgrind output file."""
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                return int(line.split()[1])
    raise RuntimeError(f"{path}: no totals line (did callgrind finish?)")


def is_worker(path):
    with open(path, errors="replace") as f:
        text = f.read()
    return any(mark in text for mark in WORKER_MARKS)


def run_client(cmd, prefix, timeout_s=RUN_TIMEOUT_S):
    """Runs cmd (valgrind ... ringfire ...) to completion; returns its stderr on failure."""
    start = time.monotonic()
    with open(prefix + ".log", "w") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        try:
            rc = proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"client run exceeded {timeout_s}s: {' '.join(cmd)}")
        except BaseException:  # interrupted: leave no client behind
            proc.kill()
            proc.wait()
            raise
    if rc != 0:
        with open(prefix + ".log", errors="replace") as f:
            tail = f.read()[-2000:]
        raise RuntimeError(f"client exited {rc}: {' '.join(cmd)}\n{tail}")
    return time.monotonic() - start


def check_result(json_path, requests):
    """The run completed exactly `requests` responses and nothing failed; returns its run block."""
    with open(json_path) as f:
        result = json.load(f)
    totals = result.get("totals", {})
    completed = totals.get("completed", result.get("requests", {}).get("completed"))
    failed = totals.get("failed", 0)
    if completed != requests or failed:
        raise RuntimeError(f"{json_path}: completed {completed} of {requests}, failed {failed}")
    return result.get("run", {})


def measure_once(pin, client, requests, prefix):
    """One callgrind run of `client` (a list: ringfire and its arguments), under `pin` (e.g.
    taskset -c 1; it must come before valgrind, which does not follow exec), stopping after
    `requests` responses. Returns the worker thread's and the whole process's instruction counts,
    the worker's output file, and the run's wake-ups and CQEs (how much each wait batched)."""
    for old in glob.glob(prefix + "*"):
        os.remove(old)
    json_path = prefix + ".json"
    cmd = pin + ["valgrind", "--tool=callgrind", "--separate-threads=yes",
           f"--callgrind-out-file={prefix}.cg"]
    cmd += client + ["-n", str(requests), "--json", json_path]
    run_client(cmd, prefix)
    run = check_result(json_path, requests)
    files = thread_files(prefix + ".cg")
    if not files:
        raise RuntimeError(f"callgrind wrote no per-thread files for {prefix}")
    workers = [path for _, path in sorted(files.items()) if is_worker(path)]
    if len(workers) != 1:
        raise RuntimeError(f"{prefix}: expected one worker thread (-t 1), found {len(workers)}")
    return {
        "worker_ir": total_ir(workers[0]),
        "process_ir": sum(total_ir(path) for path in files.values()),
        "worker_file": workers[0],
        "wakeups": run.get("wakeups"),
        "cqes": run.get("cqes"),
    }


def functions_ir(path, inclusive=False):
    """Instructions per function of one callgrind file, self or inclusive: {name: Ir}."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100",
                          "--inclusive=" + ("yes" if inclusive else "no"), path],
                         check=True, capture_output=True, text=True).stdout
    table = out.split("file:function", 1)[-1]
    counts = {}
    for line in table.splitlines():
        m = ANNOTATE_LINE.match(line)
        if not m:
            continue
        name = m.group(2)
        name = name.split(":", 1)[1] if name.startswith("???:") else name
        counts[name] = counts.get(name, 0) + int(m.group(1).replace(",", ""))
    return counts


def marginal(first, second, n1, n2):
    """Instructions per response between two runs, and the per-function split of it."""
    span = n2 - n1
    figure = {
        "worker": (second["worker_ir"] - first["worker_ir"]) / span,
        "process": (second["process_ir"] - first["process_ir"]) / span,
    }
    if first.get("wakeups") is not None and second.get("wakeups") is not None:
        figure["wakeups"] = (second["wakeups"] - first["wakeups"]) / span
    if first.get("cqes") is not None and second.get("cqes") is not None:
        figure["cqes"] = (second["cqes"] - first["cqes"]) / span
    return figure


def marginal_functions(first, second, n1, n2):
    """{"self"|"inclusive": {function: instructions per response}} between two runs of the
    worker thread. Self: the function's own instructions (what the compiler inlined into it
    included); inclusive: with everything it called."""
    span = n2 - n1
    split = {}
    for kind in ("self", "inclusive"):
        a = functions_ir(first["worker_file"], kind == "inclusive")
        b = functions_ir(second["worker_file"], kind == "inclusive")
        split[kind] = {name: (b.get(name, 0) - a.get(name, 0)) / span for name in set(a) | set(b)}
    return split
