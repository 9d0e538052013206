"""What the A/B benchmarks (scenario_cost.py, techniques.py) share: ringfire-target pinned to
CPU 0, one-worker ringfire runs pinned to CPU 1 whose client CPU per request comes from wait4()
and whose req/s from the run's own --json result, and medians over the rounds.

Every ringfire run is bounded: its -d duration plus GRACE_S, then it is killed and the benchmark
stops with one line. Traffic goes to 127.0.0.1 only.
"""

import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import ringfire_result  # noqa: E402
from child_rusage import cpu_s, wait_rusage  # noqa: E402

# A client that overstays its duration by this much is killed (it never should).
GRACE_S = 30.0


def start_target(build, *extra):
    """ringfire-target on CPU 0 and a loopback port it picks; returns (process, "host:port")."""
    server = subprocess.Popen([f"{build}/ringfire-target", "--port", "0", "--cpus", "0",
                               "--duration", "30m", "--quiet", *extra], stdout=subprocess.PIPE,
                              text=True)
    return server, server.stdout.readline().split()[-1]


def stop(servers):
    for server in servers:
        server.terminate()
        server.wait()


def measure(build, seconds, json_path, ringfire_args, url, env=None):
    """One ringfire run on CPU 1: (client µs CPU per completed request, req/s), or None when
    ringfire failed (said on stderr; the table then shows the variant as failed)."""
    argv = [f"{build}/ringfire", "-t", "1", "--cpus", "1", "-d", f"{seconds}s", "--quiet",
            "--json", json_path, *ringfire_args, url]
    if os.path.exists(json_path):
        os.remove(json_path)  # a failed run must not be measured by the last one's file
    status, usage = wait_rusage(subprocess.Popen(argv, env=env), float(seconds) + GRACE_S)
    if status is None:
        sys.exit(f"bench: ringfire ran {GRACE_S:g} s past its duration: {' '.join(argv)}")
    if status != 0:
        print(f"bench: ringfire exited with status {status}: {' '.join(argv)}", file=sys.stderr)
        return None
    try:
        result = ringfire_result.load(json_path)
    except ringfire_result.ResultError as e:
        sys.exit(f"bench: {e}")
    if not result.completed:
        sys.exit(f"bench: no request completed: {' '.join(argv)}")
    return cpu_s(usage) / result.completed * 1e6, result.rps


def medians(samples):
    """(median µs CPU/req, median req/s) of measure()'s samples; None if any run failed."""
    if any(s is None for s in samples):
        return None
    return (statistics.median(cpu for cpu, _ in samples),
            statistics.median(rps for _, rps in samples))


FAILED = "failed (see stderr)"
