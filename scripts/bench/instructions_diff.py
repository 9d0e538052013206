#!/usr/bin/env python3
"""Where the instructions per response went between two builds, function by function.

Reads two files written by `scripts/bench/bench-instructions.sh --functions-out FILE` (self
instructions per response of the worker thread, per function) and prints, per case, a markdown
table of the functions that matter in either build, with the difference. Functions the compiler
inlined are counted in their caller, so a function that moved into another shows as a drop here
and a rise there.
  scripts/bench/instructions_diff.py OLD.json NEW.json [--cases c100,c100-p10] [--top 15]
"""

import argparse
import json
import re
import sys


def short(name):
    """A function's name without its parameter list and the ringfire:: prefix."""
    name = re.sub(r"^ringfire::", "", name)
    depth, cut = 0, None
    for i, ch in enumerate(name):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0 and i > 0:
            cut = i
            break
    name = name[:cut] if cut else name
    return name.rsplit(":", 1)[-1] if name.startswith("./") else name


def main(argv):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--cases", default="c100,c100-p10")
    p.add_argument("--top", type=int, default=15)
    p.add_argument("--inclusive", action="store_true",
                   help="with what each function called (default: its own instructions)")
    args = p.parse_args(argv)
    with open(args.old) as f:
        old = json.load(f)
    with open(args.new) as f:
        new = json.load(f)
    kind = "inclusive" if args.inclusive else "self"
    for case in args.cases.split(","):
        a = (old["cases"].get(case) or {}).get(kind, {})
        b = (new["cases"].get(case) or {}).get(kind, {})
        names = set(a) | set(b)
        # The functions that cost most in either build, plus those that moved most.
        big = sorted(names, key=lambda n: -max(a.get(n, 0), b.get(n, 0)))[:args.top]
        moved = sorted(names, key=lambda n: -abs(b.get(n, 0) - a.get(n, 0)))[:args.top]
        shown = sorted(set(big) | {n for n in moved if abs(b.get(n, 0) - a.get(n, 0)) >= 1.0},
                       key=lambda n: -(b.get(n, 0) - a.get(n, 0)))
        print(f"\n{case}: {kind} instructions per response, worker thread "
              f"({old['commit']} → {new['commit']})\n")
        print(f"| function | {old['commit']} | {new['commit']} | difference |")
        print("|---|---:|---:|---:|")
        for n in shown:
            print(f"| `{short(n)}` | {a.get(n, 0):.1f} | {b.get(n, 0):.1f} | "
                  f"{b.get(n, 0) - a.get(n, 0):+.1f} |")
        if args.inclusive:  # inclusive figures nest: no sum
            continue
        rest_a = sum(v for n, v in a.items() if n not in shown)
        rest_b = sum(v for n, v in b.items() if n not in shown)
        print(f"| (all others) | {rest_a:.1f} | {rest_b:.1f} | {rest_b - rest_a:+.1f} |")
        ta, tb = sum(a.values()), sum(b.values())
        print(f"| **total** | **{ta:.1f}** | **{tb:.1f}** | **{tb - ta:+.1f}** |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
