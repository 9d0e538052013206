#!/usr/bin/env bash
# What a scenario costs: one URL against a 3-label scenario with two placeholders per request
# (and one with a {seq} field patched per request), same ringfire-target, same client CPU,
# alternating in rounds. Prints req/s and client CPU per request, and each scenario's ratio to
# the single URL (issue 11 asks for >= 90% of its req/s at the same CPU).
#   scripts/bench/bench-scenario.sh [--rounds N] [--seconds S]
# ringfire-target on CPU 0, one ringfire worker on CPU 1, traffic on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=3 seconds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seconds S]" >&2; exit 2 ;;
  esac
done
build=${RINGFIRE_BUILD_DIR:-build/release}
if [ -z "${RINGFIRE_BUILD_DIR:-}" ]; then
  scripts/deps.sh
  scripts/build.sh release >/dev/null
fi
exec python3 - "$build" "$rounds" "$seconds" <<'PY'
import json, os, statistics, subprocess, sys, tempfile
build, rounds, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
server = subprocess.Popen([f"{build}/ringfire-target", "--port", "0", "--cpus", "0",
                           "--duration", "30m", "--quiet"], stdout=subprocess.PIPE, text=True)
try:
    address = server.stdout.readline().split()[-1]
    with tempfile.TemporaryDirectory() as tmp:
        def scenario(name, requests):
            path = os.path.join(tmp, name + ".json")
            with open(path, "w") as f:
                json.dump({"requests": requests}, f)
            return ["--scenario", path]
        three = scenario("three", [
            {"label": "fib", "path": "/fib/{rand:1:30}?u={choice:a,b,c}", "weight": 1},
            {"label": "prime", "path": "/isprime/{rand:1:100000}?k={rand:0:9}", "weight": 2},
            {"label": "user", "path": "/api/v2/{rand:100000:999999}/{choice:x,y}", "weight": 7}])
        seq = scenario("seq", [{"label": "create", "path": "/rows/{seq}?r={rand:1:1000}"}])
        variants = [("one URL", []), ("3 labels, 2 placeholders each", three),
                    ("1 label, {seq} + {rand}", seq)]
        cases = [("c100", ["-c", "100"]), ("c100 p10", ["-c", "100", "-p", "10"])]
        results = {}
        for _ in range(rounds):
            for case, case_args in cases:
                for name, extra in variants:
                    out = os.path.join(tmp, "r.json")
                    argv = [f"{build}/ringfire", "-t", "1", "--cpus", "1", "-d", f"{seconds}s",
                            "--quiet", "--json", out, *case_args, *extra, f"http://{address}/"]
                    p = subprocess.Popen(argv)
                    _, status, usage = os.wait4(p.pid, 0)
                    r = json.load(open(out))
                    done = r["totals"]["completed"]
                    cpu = usage.ru_utime + usage.ru_stime
                    results.setdefault((case, name), []).append(
                        (cpu / done * 1e6, r["requests_per_second"]))
    print(f"| case | requests | client µs CPU/req (median of {rounds}) | req/s (median) "
          "| req/s vs one URL | CPU/req vs one URL |")
    print("| --- | --- | --- | --- | --- | --- |")
    for case, _ in cases:
        base_cpu = statistics.median(c for c, _ in results[(case, "one URL")])
        base_rps = statistics.median(r for _, r in results[(case, "one URL")])
        for name, _ in variants:
            cpu = statistics.median(c for c, _ in results[(case, name)])
            rps = statistics.median(r for _, r in results[(case, name)])
            print(f"| {case} | {name} | {cpu:.2f} | {rps:,.0f} | {rps / base_rps:.0%} "
                  f"| {cpu / base_cpu:.2f}× |")
finally:
    server.terminate()
    server.wait()
PY
