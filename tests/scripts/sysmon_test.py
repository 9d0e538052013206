#!/usr/bin/env python3
"""Test of scripts/tools/sysmon: its process-tree CPU against /proc/PID/stat read here, its stop
conditions, and its parsers on fixture text. Prints "N passed, M failed"; exits 1 on any failure.
"""

import importlib.machinery
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from script_tests import run_tests, tests_of

HERE = os.path.dirname(os.path.abspath(__file__))
SYSMON = os.path.join(HERE, "..", "..", "scripts", "tools", "sysmon")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def load_sysmon():
    loader = importlib.machinery.SourceFileLoader("sysmon_under_test", SYSMON)
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


sysmon = load_sysmon()


# A busy child that forks a busy grandchild. Both wait for GO, burn a fixed amount of their own
# CPU time (not wall time: the machine may be shared), then idle. With REAP, the grandchild exits
# after its work and the child reaps it, so its CPU moves to the child's cutime.
CHILD = r"""
import os, sys, time
go, done, reap = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
def wait_for(path):
    end = time.monotonic() + 20
    while not os.path.exists(path) and time.monotonic() < end:
        time.sleep(0.01)
def burn(seconds):
    start = time.process_time()
    while time.process_time() - start < seconds:
        pass
pid = os.fork()
if pid == 0:
    wait_for(go)
    burn(0.6)
    open(done + ".grandchild", "w").close()
    if reap:
        os._exit(0)
    time.sleep(30)
    os._exit(0)
print(pid, flush=True)
wait_for(go)
burn(1.0)
if reap:
    os.waitpid(pid, 0)
open(done + ".child", "w").close()
time.sleep(30)
"""


def ticks(pid, with_children=False):
    st = sysmon.parse_pid_stat(open(f"/proc/{pid}/stat").read())
    return st[1] + st[2] + ((st[3] + st[4]) if with_children else 0)


def wait_until(predicate, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def read_rows(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def run_tree_case(reap):
    with tempfile.TemporaryDirectory() as tmp:
        go, done, out = (os.path.join(tmp, n) for n in ("go", "done", "out.jsonl"))
        child = subprocess.Popen([sys.executable, "-c", CHILD, go, done, "1" if reap else "0"],
                                 stdout=subprocess.PIPE, text=True)
        grandchild = int(child.stdout.readline())
        mon = subprocess.Popen([SYSMON, "--pid", str(child.pid), "--interval", "0.25",
                                "--out", out])
        try:
            # The baseline is in once the first interval is written.
            wait_until(lambda: os.path.exists(out) and read_rows(out), 10, "sysmon's first row")
            before = ticks(child.pid) + ticks(grandchild)
            open(go, "w").close()
            wait_until(lambda: os.path.exists(done + ".child"), 20, "the busy loops")
            time.sleep(0.1)
            after = ticks(child.pid, with_children=reap) + (0 if reap else ticks(grandchild))
            n = len(read_rows(out))
            wait_until(lambda: len(read_rows(out)) >= n + 2, 5, "two more rows")
            mon.send_signal(signal.SIGTERM)
            assert mon.wait(timeout=5) == 0, "sysmon failed"
        finally:
            for p in (mon, child):
                if p.poll() is None:
                    p.kill()
                    p.wait()
            try:
                os.kill(grandchild, signal.SIGKILL)
            except ProcessLookupError:
                pass
            child.stdout.close()
        rows = read_rows(out)
        reported = sum(r["proc"]["cpu_s"] for r in rows)
        truth = (after - before) / CLK_TCK
        assert truth > 1.2, f"the children did not burn their CPU ({truth:.2f} s)"
        assert abs(reported - truth) <= 0.10 * truth, (
            f"sysmon says {reported:.3f} CPU s, /proc says {truth:.3f} s")
        assert max(r["proc"]["n"] for r in rows) == 2, "the grandchild was not in the tree"
        # The tree's CPU in one interval can never exceed the machine's CPUs.
        assert all(r["proc"]["cpu"] <= os.cpu_count() + 0.1 for r in rows)
        return reported, truth


def test_tree_cpu_matches_proc():
    reported, truth = run_tree_case(reap=False)
    print(f"  tree CPU: sysmon {reported:.3f} s, /proc {truth:.3f} s")


def test_tree_cpu_counts_a_reaped_grandchild():
    reported, truth = run_tree_case(reap=True)
    print(f"  reaped:   sysmon {reported:.3f} s, /proc {truth:.3f} s")


def wait_for_handlers(pid, sig, limit=10.0):
    # A loaded machine can take longer than any fixed sleep to start python: wait until the
    # process has installed its handler (SigCgt in /proc/PID/status) before signalling it.
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("SigCgt:") and int(line.split()[1], 16) >> (sig - 1) & 1:
                        return
        except FileNotFoundError:
            return
        time.sleep(0.02)


def test_sigterm_and_sigint_stop_at_once_and_write_the_partial_interval():
    for sig in (signal.SIGTERM, signal.SIGINT):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "out.jsonl")
            mon = subprocess.Popen([SYSMON, "--interval", "10", "--out", out])
            wait_for_handlers(mon.pid, sig)
            time.sleep(0.6)
            sent = time.monotonic()
            mon.send_signal(sig)
            assert mon.wait(timeout=5) == 0
            assert time.monotonic() - sent < 1.5, "did not stop promptly"
            rows = read_rows(out)
            assert len(rows) == 1, rows
            assert 0.3 < rows[0]["dt"] < 3, rows[0]["dt"]


def test_duration_rows_and_clock():
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.jsonl")
        started = time.time()
        subprocess.run([SYSMON, "--interval", "0.3", "--duration", "1", "--iface", "lo",
                        "--out", out], check=True, timeout=10)
        rows = read_rows(out)
        assert 3 <= len(rows) <= 5, len(rows)
        assert abs(sum(r["dt"] for r in rows) - 1.0) < 0.1
        ts = [r["ts"] for r in rows]
        assert ts == sorted(ts) and started < ts[0] and ts[-1] <= time.time() + 0.01
        for r in rows:
            assert r["proc"] is None
            assert abs(sum(r["cpu"].values()) - 1) < 0.02, r["cpu"]
            assert r["cores"] and set(r["cores"][0]) == {"id", *sysmon.CPU_KEYS}
            assert list(r["nic"]) == ["lo"]
            assert {"retrans", "listen_overflows", "curr_estab"} <= set(r["tcp"])


def test_stdout_and_bad_arguments():
    res = subprocess.run([SYSMON, "--interval", "0.2", "--duration", "0.45"],
                         capture_output=True, text=True, timeout=10)
    assert res.returncode == 0 and len(res.stdout.splitlines()) == 3, res.stdout
    res = subprocess.run([SYSMON, "--pid", "999999999", "--duration", "1"],
                         capture_output=True, text=True, timeout=10)
    assert res.returncode == 2 and "no process" in res.stderr


def test_parsers_on_fixtures():
    st = sysmon.parse_pid_stat(
        "77 (a) b (c) S 1 77 77 0 -1 0 0 0 0 0 123 45 6 7 20 0 1 0 999 100 250 0\n")
    assert st == (1, 123, 45, 6, 7, 999, 250), st
    assert sysmon.parse_pid_stat("77 (x) S 1") is None and sysmon.parse_pid_stat("") is None
    cpu = sysmon.parse_proc_stat("cpu  1 2 3 4 5 6 7 8 0 0\ncpu1 1 1 1 1\nintr 5\n")
    assert cpu == {"all": [1, 2, 3, 4, 5, 6, 7, 8], 1: [1, 1, 1, 1, 0, 0, 0, 0]}, cpu
    dev = sysmon.parse_net_dev(
        "Inter-|   Receive\n face |bytes\n"
        "  eth0:12345678901 884 1 2 0 0 0 0 44891 561 3 4 0 0 0 0\n")
    assert dev == {"eth0": (12345678901, 884, 1, 2, 44891, 561, 3, 4)}, dev
    tcp = sysmon.parse_keyed("Ip: A\nIp: 1\nTcp: X RetransSegs CurrEstab\nTcp: 9 5 3\n",
                             "Tcp:", sysmon.TCP_SNMP)
    assert tcp == {"retrans": 5, "curr_estab": 3}, tcp
    assert sysmon.cpu_fractions([0] * 8, [50, 0, 25, 25, 0, 0, 0, 0])["usr"] == 0.5


def test_tree_accounting_rules():
    # (ppid, utime, stime, cutime, cstime, starttime, rss)
    before = {10: (1, 100, 10, 0, 0, 5, 0), 11: (10, 50, 5, 0, 0, 6, 0)}
    # 11 exited (final 70+7) and 10 reaped it; 12 is new.
    after = {10: (1, 120, 12, 70, 7, 5, 0), 12: (10, 3, 1, 0, 0, 8, 0)}
    assert sysmon.tree_cpu_ticks(before, after) == (20 + 20 + 3, 2 + 2 + 1)
    # A reused PID (other starttime) is a new process, not a counter that went backwards.
    reused = {10: (1, 100, 10, 0, 0, 5, 0), 11: (10, 4, 1, 0, 0, 99, 0)}
    assert sysmon.tree_cpu_ticks(before, reused) == (4, 1)
    # Tree membership follows ppid links.
    procs = {1: (0,) * 7, 10: (1,) + (0,) * 6, 11: (10,) + (0,) * 6, 12: (11,) + (0,) * 6,
             20: (1,) + (0,) * 6}
    assert set(sysmon.tree_of(10, procs)) == {10, 11, 12}
    assert sysmon.tree_of(99, procs) == {}


def main():
    return run_tests(tests_of(globals()))

if __name__ == "__main__":
    sys.exit(main())
