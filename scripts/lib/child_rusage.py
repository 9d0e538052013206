"""wait4() on a child process for the kernel's own account of its CPU time, bounded in time.

The benchmarks and the sweep take a client's CPU from the rusage that wait4() returns (user +
system time of all its threads, children it reaped included), never from sampling.
"""

import os
import signal
import time

# How often a bounded wait looks at the child: short next to any run, long next to a syscall.
POLL_S = 0.02


def wait_rusage(proc, timeout_s):
    """(exit status, rusage) of proc (a subprocess.Popen) once it exits; after timeout_s it is
    killed (SIGKILL) and the status is None, the rusage still that of the killed child. Sets
    proc.returncode, so Popen does not try to reap the child again."""
    deadline = time.monotonic() + timeout_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return proc.returncode, usage
        if time.monotonic() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -signal.SIGKILL
            return None, usage
        time.sleep(POLL_S)


def cpu_s(usage):
    """User + system CPU seconds of a rusage."""
    return usage.ru_utime + usage.ru_stime
