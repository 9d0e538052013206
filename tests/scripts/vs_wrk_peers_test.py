#!/usr/bin/env python3
"""scripts/bench/bench-vs-wrk.sh's python side with gcannon as a peer, on canned data: gcannon's
--json report read into numbers (a real report of gcannon 0.5.3 against nginx, and broken ones),
gcannon's command line (pinned, one thread, its own flags), and the table's ratios of ringfire
to each peer with the issue's bounds, from results written here. No client is run.
Prints "N passed, M failed"; exits 1 on any failure.
"""

import argparse
import os
import sys

from script_tests import SOURCE, run_tests, tests_of

sys.path.insert(0, os.path.join(SOURCE, "scripts", "bench"))
import client_reports  # noqa: E402
import vs_wrk_table  # noqa: E402
from vs_wrk_clients import Clients  # noqa: E402

# gcannon 0.5.3 (43b30bc), `gcannon http://127.0.0.1:18931/ -c 100 -t 1 -d 2s --json` against
# nginx, stdout verbatim.
GCANNON_JSON = """{
  "version": "0.5.3",
  "target": "127.0.0.1:18931/",
  "mode": "http",
  "connections": 100,
  "threads": 1,
  "pipeline_depth": 1,
  "duration_sec": 2,
  "elapsed_sec": 2.012,
  "requests": 58751,
  "responses": 58751,
  "rps": 29199.85,
  "bandwidth_bps": 4701176.23,
  "bytes_read": 9458911,
  "latency_us": {
    "avg": 3472,
    "p50": 368,
    "p90": 12100,
    "p99": 36300,
    "p999": 48500,
    "samples": 58751
  },
  "status": {
    "2xx": 58751,
    "3xx": 0,
    "4xx": 0,
    "5xx": 0,
    "other": 0
  },
  "errors": {
    "connect": 0,
    "read": 0,
    "timeout": 0
  },
  "reconnects": 0
}
"""


def test_gcannon_report():
    r = client_reports.parse_gcannon(GCANNON_JSON)
    assert r == {"completed": 58751, "rps": 29199.85, "errors": 0, "non2xx": 0,
                 "p50_ns": 368_000.0, "reconnects": 0}, r


def test_gcannon_errors_and_statuses_counted():
    doc = (GCANNON_JSON.replace('"4xx": 0', '"4xx": 3').replace('"other": 0', '"other": 2')
           .replace('"read": 0', '"read": 4').replace('"timeout": 0', '"timeout": 1')
           .replace('"reconnects": 0', '"reconnects": 7'))
    r = client_reports.parse_gcannon(doc)
    assert (r["errors"], r["non2xx"], r["reconnects"]) == (5, 5, 7), r


def test_gcannon_report_after_other_output():
    # Anything before the object (a warning on stdout) is skipped, not a parse failure.
    r = client_reports.parse_gcannon("note: something\n" + GCANNON_JSON)
    assert r["completed"] == 58751


def test_gcannon_broken_reports_are_parse_errors():
    for text in ("", "Usage: gcannon <url> -c <conns>\n", GCANNON_JSON[:200],
                 GCANNON_JSON.replace('"responses"', '"answers"')):
        try:
            client_reports.parse_gcannon(text)
        except client_reports.PARSE_ERRORS:
            continue
        raise AssertionError(f"no parse error for {text[:40]!r}")


def test_completed_of_reads_gcannon_from_stdout():
    assert client_reports.completed_of("gcannon", {"stdout": GCANNON_JSON}, "/nonexistent") == 58751
    assert client_reports.completed_of("gcannon", {"stdout": "crashed"}, "/nonexistent") == 0


def clients(gcannon="/opt/gcannon"):
    args = argparse.Namespace(netns=None, client_cpu=1, gcannon=gcannon, ringfire="ringfire",
                              pingpong="pp", pipeline_lua="p.lua")
    return Clients(args)


def test_gcannon_command_pinned_one_thread():
    c = clients()
    cmd = c.command("gcannon", "http://127.0.0.1:1/", {"conns": 100, "pipeline": 10}, 5, "/j.json")
    assert cmd[:2] == ["env", f"HOME={c.gcannon_home}"], cmd
    assert cmd[2:5] == ["taskset", "-c", "1"], cmd
    assert cmd[5:] == ["/opt/gcannon", "http://127.0.0.1:1/", "-c", "100", "-t", "1", "-d", "5s",
                       "-p", "10", "--json"], cmd
    # gcannon has no warm-up: the warm-up is run on top, in whole seconds.
    cmd = c.command("gcannon", "http://127.0.0.1:1/", {"conns": 100, "pipeline": 1}, 3, "/j.json",
                    warmup_s=1)
    assert cmd[cmd.index("-d") + 1] == "4s", cmd
    # Large bodies: 16 KiB receive buffers (its default is 4 KiB).
    cmd = c.command("gcannon", "http://127.0.0.1:1/large",
                    {"conns": 50, "pipeline": 1, "big_body": True}, 5, "/j.json")
    assert cmd[-2:] == ["--recv-buf", "16384"], cmd


def test_clients_alternate_with_gcannon_only_when_given():
    assert clients().names == ("wrk", "gcannon", "ringfire")
    assert clients(gcannon=None).names == ("wrk", "ringfire")


def run(rps, us, user=None):
    return {"ok": True, "rps": rps, "client_us_per_req": us, "user_us_per_req": user or us / 4,
            "sys_us_per_req": us - (user or us / 4), "client_cpu_pct": 90.0,
            "server_cpu_pct": 99.0, "core_us_per_req": us * 1.1}


def results():
    runs = {"wrk": [run(100_000, 20.0), run(90_000, 22.0), run(95_000, 21.0)],
            "gcannon": [run(120_000, 10.0), run(110_000, 12.0), run(118_000, 11.0)],
            "ringfire": [run(125_000, 3.0), run(100_000, 5.0), run(130_000, 4.0)]}
    return {"cases": [{"label": "nginx c100", "runs": runs, "syscalls": {}}]}


def test_ratios_to_each_peer_and_best_peer():
    rows = vs_wrk_table.summarize(results())
    assert [r["client"] for r in rows] == ["wrk", "gcannon", "ringfire"]
    rf = rows[-1]
    # Medians: wrk 21, gcannon 11, ringfire 4 µs; req/s: best peer gcannon 118,000, ringfire
    # 125,000.
    assert abs(rf["ratio"]["wrk"] - 4 / 21) < 1e-12, rf
    assert abs(rf["ratio"]["gcannon"] - 4 / 11) < 1e-12, rf
    assert abs(rf["rps_ratio_best_peer"] - 125_000 / 118_000) < 1e-12, rf
    assert rows[0]["ratio"] == {} and rows[0]["rps_ratio_best_peer"] is None


def test_acceptance_marks():
    table = vs_wrk_table.markdown(results())
    line = next(x for x in table.splitlines()[3:] if x.startswith("| nginx c100 | 4.00 |"))
    # 4/21 = 0.19 ≤ 0.30, 4/11 = 0.36 ≤ 0.40, 1.06 ≥ 1.0.
    assert line == "| nginx c100 | 4.00 | 0.19 ✓ | 0.36 ✓ | 1.06 ✓ |", line
    res = results()
    res["cases"][0]["runs"]["gcannon"] = [run(200_000, 8.0)] * 3
    line = next(x for x in vs_wrk_table.markdown(res).splitlines()
                if x.startswith("| nginx c100 | 4.00 |"))
    assert line == "| nginx c100 | 4.00 | 0.19 ✓ | 0.50 ✗ | 0.62 ✗ |", line


def test_table_without_gcannon_has_no_gcannon_columns():
    res = results()
    del res["cases"][0]["runs"]["gcannon"]
    table = vs_wrk_table.markdown(res)
    assert "gcannon" not in table, table
    header, rule = table.splitlines()[:2]
    assert header.count("|") == rule.count("|"), (header, rule)


def main():
    return run_tests(tests_of(globals()))


if __name__ == "__main__":
    sys.exit(main())
