#!/usr/bin/env python3
"""ringfire's instructions per response, case by case, against a baseline kept in the repo.

scripts/bench/bench-instructions.sh owns the build; this file owns the servers, the runs, the
table and the guard. Method and caveats: scripts/bench/instructions_lib.py and
docs/performance.md ("Instructions per response"). Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile

import instructions_lib as lib
from instruction_servers import Servers

# name, ringfire arguments, which response (small: 13-byte body; large: 120 KB), N1, N2.
# N1 is well past the connections' set-up (1,000 connects for c1000); N2 - N1 is large enough
# that one response more or less in a batch is far below 0.1 %.
CASES = [
    ("c100", ["-c", "100"], "small", 20_000, 100_000),
    ("c100-p10", ["-c", "100", "-p", "10"], "small", 50_000, 250_000),
    ("c1000", ["-c", "1000"], "small", 20_000, 100_000),
    ("body120k-c50", ["-c", "50"], "large", 2_000, 10_000),
]
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BASELINE = os.path.join(HERE, "instructions-baseline.json")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench-instructions.sh", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ringfire", required=True, help="the client binary to measure")
    p.add_argument("--target", required=True, help="the ringfire-target binary (the server)")
    p.add_argument("--nginx", action="store_true", help="serve with nginx instead of the target")
    p.add_argument("--cases", default=",".join(c[0] for c in CASES),
                   help="comma-separated subset of: " + ", ".join(c[0] for c in CASES))
    p.add_argument("--repeats", type=int, default=3,
                   help="measure each case this many times; the guard reads the median (default 3)")
    p.add_argument("--scale", type=float, default=1.0, help="multiply N1 and N2 (e.g. 0.2: quick)")
    p.add_argument("--tolerance", type=float, default=2.0,
                   help="percent above the baseline that fails the guard (default 2)")
    p.add_argument("--baseline", default=DEFAULT_BASELINE, help="the baseline JSON file")
    p.add_argument("--update-baseline", action="store_true",
                   help="write this run's figures as the baseline (for this server)")
    p.add_argument("--commit", help="what to call the measured build (default: git of --ringfire)")
    p.add_argument("--functions", type=int, default=0, metavar="K",
                   help="also print the top K functions per case (self instructions/response)")
    p.add_argument("--functions-out", help="write every function's figure per case to this JSON")
    p.add_argument("--client-arg", action="append", default=[],
                   help="one more argument for every ringfire run (for older command lines)")
    p.add_argument("--client-cpu", default="1")
    p.add_argument("--server-cpu", default="0")
    p.add_argument("--out", help="keep callgrind's files here (default: a temporary directory)")
    args = p.parse_args(argv)
    known = {c[0] for c in CASES}
    args.case_names = [c for c in args.cases.split(",") if c]
    unknown = [c for c in args.case_names if c not in known]
    if unknown or not args.case_names:
        p.error(f"unknown case(s) {unknown}; known: {sorted(known)}")
    if args.repeats < 1 or args.scale <= 0:
        p.error("--repeats must be >= 1 and --scale > 0")
    return args


def git_commit(binary):
    """Short hash of the checkout the binary was built in, '+dirty' if its sources differ."""
    where = os.path.dirname(os.path.abspath(binary))
    try:
        rev = subprocess.run(["git", "-C", where, "rev-parse", "--short", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    dirty = subprocess.run(["git", "-C", where, "diff", "--quiet", "HEAD", "--", ":/src",
                            ":/include", ":/tools"]).returncode != 0
    return rev + ("+dirty" if dirty else "")


def raise_fd_limit():
    # 1,000 connections plus valgrind's own descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


def measure_case(args, case, url, workdir):
    name, client_args, _, n1, n2 = case
    n1, n2 = max(1, int(n1 * args.scale)), max(2, int(n2 * args.scale))
    pin = ["taskset", "-c", args.client_cpu]
    client = ([args.ringfire, "-t", "1", "--cpus", args.client_cpu, "-q"] + client_args +
              args.client_arg + [url])
    figures, functions = [], None
    for r in range(args.repeats):
        first = lib.measure_once(pin, client, n1, os.path.join(workdir, f"{name}-{r}-n1"))
        second = lib.measure_once(pin, client, n2, os.path.join(workdir, f"{name}-{r}-n2"))
        figures.append(lib.marginal(first, second, n1, n2))
        print(f"  {name} #{r + 1}: {figures[-1]['worker']:.1f} instructions/response (worker), "
              f"{figures[-1]['process']:.1f} (process)", file=sys.stderr)
        if r == 0 and (args.functions or args.functions_out):
            functions = lib.marginal_functions(first, second, n1, n2)
    return {"n1": n1, "n2": n2, "runs": figures, "functions": functions,
            "worker": statistics.median(f["worker"] for f in figures),
            "process": statistics.median(f["process"] for f in figures)}


def spread_pct(runs):
    values = [r["worker"] for r in runs]
    return 100.0 * (max(values) - min(values)) / statistics.median(values)


def print_table(results, baseline, tolerance):
    """The table on stdout; returns the cases that exceed the baseline by more than tolerance."""
    over = []
    print("| case | instr/resp (worker) | instr/resp (process, not guarded) | CQEs/resp "
          "| wake-ups/resp | spread | baseline | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, res in results.items():
        runs = res["runs"]
        cqes = statistics.median(r["cqes"] for r in runs) if "cqes" in runs[0] else None
        wakes = statistics.median(r["wakeups"] for r in runs) if "wakeups" in runs[0] else None
        base = baseline.get(name) if baseline else None
        ratio = res["worker"] / base if base else None
        if ratio is not None and ratio > 1 + tolerance / 100:
            over.append((name, res["worker"], base, ratio))
        print(f"| {name} | {res['worker']:.1f} | {res['process']:.1f} | "
              f"{'-' if cqes is None else f'{cqes:.3f}'} | "
              f"{'-' if wakes is None else f'{wakes:.4f}'} | {spread_pct(runs):.2f}% | "
              f"{'-' if base is None else f'{base:.1f}'} | "
              f"{'-' if ratio is None else f'{ratio:.3f}'} |")
    return over


def print_functions(results, top):
    for name, res in results.items():
        if not res["functions"]:
            continue
        print(f"\n{name}: top {top} functions, self instructions per response (worker thread)")
        ranked = sorted(res["functions"]["self"].items(), key=lambda kv: -kv[1])[:top]
        for fn, value in ranked:
            print(f"  {value:9.1f}  {fn}")


def load_baseline(path, server):
    if not os.path.exists(path):
        return None, None
    with open(path) as f:
        data = json.load(f)
    entry = data.get("servers", {}).get(server)
    return (entry or {}).get("cases"), data


def write_baseline(path, data, server, results, commit):
    data = data or {"about": "Instructions per response of ringfire's worker thread, marginal "
                             "(I(N2) - I(N1)) / (N2 - N1), under callgrind; written by "
                             "scripts/bench/bench-instructions.sh --update-baseline.",
                    "servers": {}}
    data["servers"][server] = {
        "commit": commit,
        "date": datetime.date.today().isoformat(),
        "method": "valgrind --tool=callgrind --separate-threads=yes, worker thread",
        "cases": {name: round(res["worker"], 1) for name, res in results.items()},
        "runs": {name: [round(r["worker"], 1) for r in res["runs"]]
                 for name, res in results.items()},
        "requests": {name: [res["n1"], res["n2"]] for name, res in results.items()},
    }
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def main(argv):
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the servers' `with` block stops them.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    raise_fd_limit()
    commit = args.commit or git_commit(args.ringfire)
    server = "nginx" if args.nginx else "ringfire-target"
    cases = [c for c in CASES if c[0] in args.case_names]
    workdir = args.out or tempfile.mkdtemp(prefix="ringfire-instr-")
    os.makedirs(workdir, exist_ok=True)
    results = {}
    with Servers(args.target, args.nginx, args.server_cpu, workdir) as servers:
        print(f"bench-instructions: {args.ringfire} ({commit}) against {server} on CPU "
              f"{args.server_cpu}; callgrind, worker thread, marginal over two runs",
              file=sys.stderr)
        for case in cases:
            results[case[0]] = measure_case(args, case, servers.url(case[2]), workdir)
    baseline, data = load_baseline(args.baseline, server)
    print(f"\ninstructions per response, ringfire {commit}, server {server} "
          f"(baseline: {(data or {}).get('servers', {}).get(server, {}).get('commit', 'none')})")
    over = print_table(results, baseline, args.tolerance)
    if args.functions:
        print_functions(results, args.functions)
    if args.functions_out:
        with open(args.functions_out, "w") as f:
            json.dump({"commit": commit, "server": server,
                       "cases": {n: r["functions"] for n, r in results.items()}}, f, indent=1)
    if args.update_baseline:
        write_baseline(args.baseline, data, server, results, commit)
        print(f"bench-instructions: wrote the baseline for {server} to {args.baseline}",
              file=sys.stderr)
        return 0
    for name, res in results.items():
        if len(res["runs"]) > 1 and spread_pct(res["runs"]) > args.tolerance:
            # Work that grows with wall time (idle wake-ups while the server is descheduled,
            # per-second roll-overs) lands in a repeat when the machine is busy; the median
            # leaves one such repeat out, not two.
            print(f"bench-instructions: {name}: repeats differ by {spread_pct(res['runs']):.1f}% "
                  "(a busy machine?); the median is used", file=sys.stderr)
    for name, value, base, ratio in over:
        print(f"bench-instructions: {name}: {value:.1f} instructions/response is "
              f"{100 * (ratio - 1):.1f}% above the baseline {base:.1f} "
              f"(tolerance {args.tolerance}%)", file=sys.stderr)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
