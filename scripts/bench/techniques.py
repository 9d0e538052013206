#!/usr/bin/env python3
"""A/B of ringfire's io_uring techniques (run by bench-techniques.sh, which builds ringfire):
client CPU per request with each one switched off (RINGFIRE_NO_* environment switches,
--wait-batch 1) or an option switched on (--sqpoll, --progress), against ringfire-target; plus a
new connection for every response (target --close-every 1), where the sockets made inside the
ring matter. Variants alternate in rounds; prints a markdown table.
  techniques.py BUILD_DIR ROUNDS SECONDS
"""

import os
import sys
import tempfile

from ab_runs import FAILED, measure, medians, start_target, stop

ALL_ON = "all on"
NO_DIRECT_SOCKETS = "no sockets made in the ring"
# (name, environment switches, extra ringfire arguments)
VARIANTS = [(ALL_ON, {}, []),
            ("no DEFER_TASKRUN", {"RINGFIRE_NO_DEFER_TASKRUN": "1"}, []),
            ("no multishot recv", {"RINGFIRE_NO_MULTISHOT": "1"}, []),
            ("no CQE skip on sends", {"RINGFIRE_NO_CQE_SKIP": "1"}, []),
            ("no fixed files", {"RINGFIRE_NO_FIXED_FILES": "1"}, []),
            ("no batched waits", {}, ["--wait-batch", "1"]),
            ("SQPOLL on", {}, ["--sqpoll"]),
            # The live progress line (plain lines with --progress; a terminal's redraw costs the
            # same): the workers publish a snapshot once a second, nothing per request.
            ("progress line on", {}, ["--progress"]),
            (NO_DIRECT_SOCKETS, {"RINGFIRE_NO_DIRECT_SOCKETS": "1"}, [])]
KEEPALIVE = [name for name, _, _ in VARIANTS if name != NO_DIRECT_SOCKETS]
# (case, ringfire arguments, server, variants)
CASES = [("c100", ["-c", "100"], "keep-alive", KEEPALIVE),
         ("c100 p10", ["-c", "100", "-p", "10"], "keep-alive", KEEPALIVE),
         ("c100, new connection per response", ["-c", "100"], "close",
          [ALL_ON, NO_DIRECT_SOCKETS, "no fixed files"])]


def print_table(results, rounds):
    print(f"| case | variant | client µs CPU/req (median of {rounds}) | req/s (median) "
          "| vs all on |")
    print("| --- | --- | --- | --- | --- |")
    for case, _, _, names in CASES:
        base, _ = medians(results[(case, ALL_ON)]) or (None, None)
        for name in names:
            figures = medians(results[(case, name)])
            if figures is None or base is None:
                print(f"| {case} | {name} | {FAILED} | | |")
                continue
            cpu, rps = figures
            print(f"| {case} | {name} | {cpu:.2f} | {rps:,.0f} | {cpu / base:.2f}× |")


def main(argv):
    build, rounds, seconds = argv[1], int(argv[2]), argv[3]
    servers, address = {}, {}
    try:
        for kind, extra in (("keep-alive", ()), ("close", ("--close-every", "1"))):
            servers[kind], address[kind] = start_target(build, *extra)
        results = {}
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "r.json")
            for _ in range(rounds):
                for case, case_args, server, names in CASES:
                    for name, switches, extra in VARIANTS:
                        if name not in names:
                            continue
                        results.setdefault((case, name), []).append(
                            measure(build, seconds, out, case_args + extra,
                                    f"http://{address[server]}/", dict(os.environ, **switches)))
        print_table(results, rounds)
    finally:
        stop(servers.values())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
