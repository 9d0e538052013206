#!/usr/bin/env python3
"""scripts/bench/bench-instructions.sh's plumbing, not its figures: one small case under callgrind
against ringfire-target, then the guard against baselines far below and far above any real
figure (so the verdicts do not depend on the machine), --update-baseline, and the per-function
diff of two --functions-out files.
  bench_instructions_test.py RINGFIRE RINGFIRE_TARGET REPO
Prints "N passed, M failed"; exits 1 on any failure, 77 (skipped) without valgrind.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from script_tests import run_tests

RINGFIRE, TARGET, REPO = sys.argv[1], sys.argv[2], sys.argv[3]
SCRIPT = os.path.join(REPO, "scripts", "bench", "bench-instructions.sh")
DIFF = os.path.join(REPO, "scripts", "bench", "instructions_diff.py")
# 1,000 and 5,000 responses at -c 100: a few seconds under callgrind.
SMALL = ["--cases", "c100", "--scale", "0.05", "--repeats", "1"]
WORK = tempfile.mkdtemp(prefix="bench-instr-test-")


def bench(*extra):
    cmd = [SCRIPT, "--ringfire", RINGFIRE, "--target", TARGET, "--commit", "test"] + SMALL
    return subprocess.run(cmd + list(extra), capture_output=True, text=True, timeout=300)


def baseline_with(path, value):
    with open(path, "w") as f:
        json.dump({"servers": {"ringfire-target": {"commit": "x", "cases": {"c100": value}}}}, f)


def row(stdout, case):
    """The figures of one case's table row: worker, process, CQEs, wake-ups, spread..."""
    for line in stdout.splitlines():
        if line.startswith(f"| {case} |"):
            return [c.strip() for c in line.strip("|").split("|")][1:]
    raise AssertionError(f"no row for {case} in:\n{stdout}")


def test_update_baseline_writes_the_measured_figure():
    path = os.path.join(WORK, "written.json")
    out = os.path.join(WORK, "functions.json")
    r = bench("--baseline", path, "--update-baseline", "--functions", "3", "--functions-out", out)
    assert r.returncode == 0, r.stderr
    worker = float(row(r.stdout, "c100")[0])
    # -c 100 closed loop: one receive completion per response, and a few hundred instructions
    # at least (the parser alone is ~300).
    assert float(row(r.stdout, "c100")[2]) == 1.0, r.stdout
    assert 200 < worker < 100_000, worker
    with open(path) as f:
        entry = json.load(f)["servers"]["ringfire-target"]
    assert entry["commit"] == "test" and entry["cases"]["c100"] == round(worker, 1), entry
    with open(out) as f:
        functions = json.load(f)["cases"]["c100"]
    assert any("parse_head" in name for name in functions["self"]), sorted(functions["self"])
    # The functions' own instructions add up to the worker's figure (all of them are listed).
    assert abs(sum(functions["self"].values()) - worker) < 0.01 * worker


def test_guard_fails_above_the_baseline_and_names_the_case():
    path = os.path.join(WORK, "low.json")
    baseline_with(path, 1.0)
    r = bench("--baseline", path)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert re.search(r"c100: [\d.]+ instructions/response is [\d.]+% above the baseline 1\.0",
                     r.stderr), r.stderr


def test_guard_passes_below_the_baseline():
    path = os.path.join(WORK, "high.json")
    baseline_with(path, 1e9)
    r = bench("--baseline", path)
    assert r.returncode == 0, r.stderr
    assert row(r.stdout, "c100")[-1] != "-", r.stdout  # a ratio is shown


def test_unknown_case_is_a_usage_error():
    r = subprocess.run([SCRIPT, "--ringfire", RINGFIRE, "--target", TARGET, "--cases", "c7"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "unknown case" in r.stderr, r.stderr


def test_diff_lists_the_functions_and_the_totals():
    files = []
    for name, parse in (("old", 300.0), ("new", 310.0)):
        path = os.path.join(WORK, f"{name}.json")
        with open(path, "w") as f:
            json.dump({"commit": name, "cases": {"c100": {"self": {
                "ringfire::ResponseParser::parse_head(char const*)": parse,
                "ringfire::Worker::loop()": 50.0}, "inclusive": {}}}}, f)
        files.append(path)
    r = subprocess.run([sys.executable, DIFF] + files + ["--cases", "c100"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert "| `ResponseParser::parse_head` | 300.0 | 310.0 | +10.0 |" in r.stdout, r.stdout
    assert "| **total** | **350.0** | **360.0** | **+10.0** |" in r.stdout, r.stdout


if __name__ == "__main__":
    if not (shutil.which("valgrind") and shutil.which("callgrind_annotate")):
        print("skipped: valgrind is not installed")
        sys.exit(77)
    try:
        status = run_tests([test_update_baseline_writes_the_measured_figure,
                            test_guard_fails_above_the_baseline_and_names_the_case,
                            test_guard_passes_below_the_baseline,
                            test_unknown_case_is_a_usage_error,
                            test_diff_lists_the_functions_and_the_totals])
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(status)
