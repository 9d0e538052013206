#!/usr/bin/env python3
"""The server CPU that scripts/tools/sysmon logged, against the kernel's count read by
plot_test.sh before and after (utime + stime of /proc/PID/stat, in clock ticks): within 10%,
plus two ticks of /proc's resolution.
  sysmon_cpu_check.py SYSMON.jsonl TICKS_BEFORE TICKS_AFTER CLK_TCK"""

import json
import sys


def main(log, before, after, clk_tck):
    with open(log, encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    sysmon = sum(r["proc"]["cpu_s"] for r in rows if r.get("proc"))
    kernel = (int(after) - int(before)) / int(clk_tck)
    print(f"server CPU: sysmon {sysmon:.2f} s, /proc/PID/stat {kernel:.2f} s")
    assert abs(sysmon - kernel) <= 0.10 * kernel + 2 / int(clk_tck), (sysmon, kernel)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
