#!/usr/bin/env python3
"""One row of bench-timer-precision.sh from an open-loop run's result:
  timer_precision_row.py RATE RESULT.json
prints "rate achieved kept lag_p50_us lag_p99_us lag_max_us late" (kept: true/false)."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import ringfire_result  # noqa: E402


def main(argv):
    try:
        result = ringfire_result.load(argv[2])
    except ringfire_result.ResultError as e:
        sys.exit(f"bench-timer-precision: {e}")
    s, lag = result.schedule, result.send_lag
    # A run that sent nothing has no lag to show: 0, as its histogram says.
    p50, p99, top = (lag.percentile("50") or 0), (lag.percentile("99") or 0), (lag.max or 0)
    print(f'{float(argv[1]):.0f} {s["achieved_rate"]:.0f} {str(s["kept"]).lower()} '
          f'{p50 / 1e3:.1f} {p99 / 1e3:.1f} {top / 1e3:.1f} {s["late"]}')
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
