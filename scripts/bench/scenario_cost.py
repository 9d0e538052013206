#!/usr/bin/env python3
"""What a scenario costs (run by bench-scenario.sh, which builds ringfire): one URL against a
3-label scenario with two placeholders per request, and one with a {seq} field patched per
request, same ringfire-target, same client CPU, alternating in rounds. Prints a markdown table of
req/s and client CPU per request, and each scenario's ratio to the single URL.
  scenario_cost.py BUILD_DIR ROUNDS SECONDS
"""

import json
import os
import sys
import tempfile

from ab_runs import FAILED, measure, medians, start_target, stop

CASES = [("c100", ["-c", "100"]), ("c100 p10", ["-c", "100", "-p", "10"])]
ONE_URL = "one URL"


def scenario(tmp, name, requests):
    """The ringfire arguments that load a scenario file of these requests."""
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        json.dump({"requests": requests}, f)
    return ["--scenario", path]


def variants(tmp):
    three = scenario(tmp, "three", [
        {"label": "fib", "path": "/fib/{rand:1:30}?u={choice:a,b,c}", "weight": 1},
        {"label": "prime", "path": "/isprime/{rand:1:100000}?k={rand:0:9}", "weight": 2},
        {"label": "user", "path": "/api/v2/{rand:100000:999999}/{choice:x,y}", "weight": 7}])
    seq = scenario(tmp, "seq", [{"label": "create", "path": "/rows/{seq}?r={rand:1:1000}"}])
    return [(ONE_URL, []), ("3 labels, 2 placeholders each", three),
            ("1 label, {seq} + {rand}", seq)]


def print_table(results, names, rounds):
    print(f"| case | requests | client µs CPU/req (median of {rounds}) | req/s (median) "
          "| req/s vs one URL | CPU/req vs one URL |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case, _ in CASES:
        base_cpu, base_rps = medians(results[(case, ONE_URL)]) or (None, None)
        for name in names:
            figures = medians(results[(case, name)])
            if figures is None or base_cpu is None:
                print(f"| {case} | {name} | {FAILED} | | | |")
                continue
            cpu, rps = figures
            print(f"| {case} | {name} | {cpu:.2f} | {rps:,.0f} | {rps / base_rps:.0%} "
                  f"| {cpu / base_cpu:.2f}× |")


def main(argv):
    build, rounds, seconds = argv[1], int(argv[2]), argv[3]
    server, address = start_target(build)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            runs = variants(tmp)
            out = os.path.join(tmp, "r.json")
            results = {}
            for _ in range(rounds):
                for case, case_args in CASES:
                    for name, extra in runs:
                        results.setdefault((case, name), []).append(
                            measure(build, seconds, out, case_args + extra, f"http://{address}/"))
        print_table(results, [name for name, _ in runs], rounds)
    finally:
        stop([server])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
