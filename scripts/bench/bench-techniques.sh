#!/usr/bin/env bash
# A/B of ringfire's io_uring techniques: client CPU per request with each one switched off
# (RINGFIRE_NO_* environment switches, --wait-batch 1) or an option switched on (--sqpoll,
# --progress), against ringfire-target; plus a new connection for every response (target --close-every 1), where the
# sockets made inside the ring matter. Variants alternate in rounds.
#   scripts/bench/bench-techniques.sh [--rounds N] [--seconds S]
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
import json, os, re, statistics, subprocess, sys, tempfile, time
build, rounds, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def target(*extra):
    return subprocess.Popen([f"{build}/ringfire-target", "--port", "0", "--cpus", "0",
                             "--duration", "30m", "--quiet", *extra], stdout=subprocess.PIPE,
                            text=True)
servers = {"keep-alive": target(), "close": target("--close-every", "1")}
try:
    address = {k: s.stdout.readline().split()[-1] for k, s in servers.items()}
    variants = [("all on", {}), ("no DEFER_TASKRUN", {"RINGFIRE_NO_DEFER_TASKRUN": "1"}),
                ("no multishot recv", {"RINGFIRE_NO_MULTISHOT": "1"}),
                ("no CQE skip on sends", {"RINGFIRE_NO_CQE_SKIP": "1"}),
                ("no fixed files", {"RINGFIRE_NO_FIXED_FILES": "1"}),
                ("no batched waits", {"_ARGS": "--wait-batch 1"}),
                ("SQPOLL on", {"_ARGS": "--sqpoll"}),
                # The live progress line (plain lines with --progress; a terminal's redraw costs
                # the same): the workers publish a snapshot once a second, nothing per request.
                ("progress line on", {"_ARGS": "--progress"}),
                ("no sockets made in the ring", {"RINGFIRE_NO_DIRECT_SOCKETS": "1"})]
    keepalive = [name for name, _ in variants if name != "no sockets made in the ring"]
    # (case, ringfire arguments, server, variants)
    cases = [("c100", ["-c", "100"], "keep-alive", keepalive),
             ("c100 p10", ["-c", "100", "-p", "10"], "keep-alive", keepalive),
             ("c100, new connection per response", ["-c", "100"], "close",
              ["all on", "no sockets made in the ring", "no fixed files"])]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for case, case_args, server, names in cases:
                for name, env in variants:
                    if name not in names:
                        continue
                    extra = env.get("_ARGS", "").split()
                    out = os.path.join(tmp, "r.json")
                    argv = [f"{build}/ringfire", "-t", "1", "--cpus", "1", "-d", f"{seconds}s",
                            "--quiet", "--json", out, *case_args, *extra,
                            f"http://{address[server]}/"]
                    e = dict(os.environ, **{k: v for k, v in env.items() if k != "_ARGS"})
                    p = subprocess.Popen(argv, env=e)
                    _, status, usage = os.wait4(p.pid, 0)
                    r = json.load(open(out))
                    done = r["totals"]["completed"]
                    cpu = usage.ru_utime + usage.ru_stime
                    results.setdefault((case, name), []).append(
                        (cpu / done * 1e6, r["requests_per_second"]))
    print(f"| case | variant | client µs CPU/req (median of {rounds}) | req/s (median) | vs all on |")
    print("| --- | --- | --- | --- | --- |")
    for case, _, _, names in cases:
        base = statistics.median(c for c, _ in results[(case, "all on")])
        for name in names:
            cpu = statistics.median(c for c, _ in results[(case, name)])
            rps = statistics.median(r for _, r in results[(case, name)])
            print(f"| {case} | {name} | {cpu:.2f} | {rps:,.0f} | {cpu / base:.2f}× |")
finally:
    for s in servers.values():
        s.terminate()
        s.wait()
PY
