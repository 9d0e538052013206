#!/usr/bin/env python3
"""scripts/bench/bench-peers.sh (bench-vs-wrk.sh --tls, bench-vs-h2load.sh) without load: the
scripts parse and print their help, h2load's report is read into numbers (a real report of
h2load 1.52 --h1 over TLS, and broken ones), the clients' command lines, and the table built from
canned runs (ratios to each peer, handshakes per CPU second, ringfire pending, the h2/h1 rate).
No client and no server is run. Prints "N passed, M failed"; exits 1 on any failure.
"""

import argparse
import os
import subprocess
import sys

from script_tests import SOURCE, run_tests, tests_of

sys.path.insert(0, os.path.join(SOURCE, "scripts", "bench"))
import client_reports  # noqa: E402
import vs_peers  # noqa: E402
import vs_peers_table  # noqa: E402

BENCH = os.path.join(SOURCE, "scripts", "bench")

# h2load 1.52.0, `h2load --h1 -c 10 -t 1 -D 2 https://127.0.0.1:PORT/` against nginx 1.22 with
# keepalive_requests 1 (TLS 1.3), stdout without the progress lines.
H2LOAD_H1 = """starting benchmark...
spawning thread #0: 10 total client(s). Timing-based test with 0s of warm-up time and 2s of main duration for measurements.
TLS Protocol: TLSv1.3
Cipher: TLS_AES_128_GCM_SHA256
Server Temp Key: X25519 253 bits
Application protocol: http/1.1

finished in 5.45s, 4864.00 req/s, 0B/s
requests: 9728 total, 9732 started, 9728 done, 9728 succeeded, 0 failed, 0 errored, 0 timeout
status codes: 9728 2xx, 0 3xx, 0 4xx, 0 5xx
traffic: 0B (0) total, 2.68MB (2813408) headers (space savings 0.00%), 343.43KB (351676) data
                     min         max         mean         sd        +/- sd
time for request:      171us      8.52ms       641us       747us    96.80%
time for connect:      746us       3.44s       2.41s       1.66s    70.00%
time to 1st byte:     1.28ms      1.79ms      1.50ms       181us    57.14%
req/s           :     177.96      487.95      270.96      148.59    70.00%
"""


def test_h2load_report():
    r = client_reports.parse_h2load(H2LOAD_H1)
    assert r == {"completed": 9728, "errors": 0, "rps": 4864.0, "non2xx": 0}, r


def test_h2load_errors_and_statuses():
    doc = (H2LOAD_H1.replace("9728 succeeded, 0 failed, 0 errored, 0 timeout",
                             "9700 succeeded, 20 failed, 5 errored, 3 timeout")
           .replace("0 4xx, 0 5xx", "4 4xx, 6 5xx"))
    r = client_reports.parse_h2load(doc)
    assert (r["completed"], r["errors"], r["non2xx"]) == (9700, 28, 10), r


def test_h2load_broken_reports_are_parse_errors():
    for text in ("", "h2load: invalid option -- 'x'\n", H2LOAD_H1[:300]):
        try:
            client_reports.parse_client("h2load --h1", text, "/nonexistent")
        except client_reports.PARSE_ERRORS:
            continue
        raise AssertionError(f"no parse error for {text[:40]!r}")


def args():
    return argparse.Namespace(client_cpu=1, ringfire="/b/ringfire")


CASES = {c["name"]: c for mode in vs_peers.CASES.values() for c in mode}


def test_commands_pinned_one_thread_bounded():
    ka, hs = CASES["TLS keep-alive c100"], CASES["TLS handshake per request c100"]
    url = "https://127.0.0.1:9/"
    assert vs_peers.command(args(), "wrk", ka, url, 2, "/j") == [
        "taskset", "-c", "1", "wrk", "-t1", "-c100", "-d2s", "--timeout", "5s", url]
    assert vs_peers.command(args(), "h2load --h1", hs, url, 2, "/j") == [
        "taskset", "-c", "1", "h2load", "-t", "1", "-c", "100", "-D", "2", "--h1", url]
    rf = vs_peers.command(args(), "ringfire", hs, url, 2, "/j")
    assert rf[:4] == ["taskset", "-c", "1", "/b/ringfire"] and rf[-1] == url, rf
    assert "-k" in rf and rf[rf.index("--keepalive-requests") + 1] == "1", rf
    assert "--keepalive-requests" not in vs_peers.command(args(), "ringfire", ka, url, 2, "/j")
    # h2load --h1 runs counted in the handshake case (its timed mode does not stop there).
    assert vs_peers.command(args(), "h2load --h1", hs, url, 2, "/j", count=500)[8:10] == [
        "-n", "500"]


def test_h2load_count_in_the_handshake_case_only():
    ka, hs = CASES["TLS keep-alive c100"], CASES["TLS handshake per request c100"]
    assert vs_peers.h2load_count(hs, "h2load --h1", 5_012.5, 2) == 10_100
    assert vs_peers.h2load_count(hs, "h2load --h1", None, 2) == vs_peers.H2LOAD_MIN_COUNT
    assert vs_peers.h2load_count(hs, "wrk", 5_000, 2) is None
    assert vs_peers.h2load_count(ka, "h2load --h1", 5_000, 2) is None


def test_h2_commands_streams():
    m100, h1 = CASES["h2c c100 m100"], CASES["HTTP/1.1 c100"]
    url = "http://127.0.0.1:9/"
    h2 = vs_peers.command(args(), "h2load", m100, url, 3, "/j")
    assert h2[3:] == ["h2load", "-t", "1", "-c", "100", "-D", "3", "-m", "100", url], h2
    rf = vs_peers.command(args(), "ringfire", m100, url, 3, "/j")
    assert rf[rf.index("--h2c") + 1:] == ["--streams", "100", url] and "-k" not in rf, rf
    rf = vs_peers.command(args(), "ringfire", h1, url, 3, "/j")
    assert "--h2c" not in rf and "-m" not in rf, rf


def test_modes_alternate_the_issue_clients():
    assert [c["clients"] for c in vs_peers.CASES["tls"]] == [("wrk", "h2load --h1", "ringfire")] * 2
    assert [c.get("streams") for c in vs_peers.CASES["h2"]] == [10, 100, None]


def run(rps, us, handshakes=None):
    r = {"ok": True, "rps": rps, "client_us_per_req": us, "user_us_per_req": us * 0.7,
         "sys_us_per_req": us * 0.3, "client_cpu_pct": 95.0, "server_cpu_pct": 99.0}
    if handshakes:
        r["handshakes_per_cpu_s"] = handshakes
        r["resumed_pct"] = 99.9
    return r


def tls_results(pending=None):
    ka = {"wrk": [run(50_000, 20.0), run(52_000, 18.0)],
          "h2load --h1": [run(40_000, 25.0), run(41_000, 24.0)],
          "ringfire": [] if pending else [run(60_000, 8.0), run(62_000, 10.0)]}
    hs = {"wrk": [run(5_000, 150.0, 6_000), run(5_200, 160.0, 6_400)],
          "h2load --h1": [run(4_000, 200.0, 5_000), run(4_000, 200.0, 5_000)],
          "ringfire": [] if pending else [run(6_000, 100.0, 9_000), run(6_000, 100.0, 9_000)]}
    return {"cases": [
        {"label": "TLS keep-alive c100", "server": "keepalive", "runs": ka, "pending": pending},
        {"label": "TLS handshake per request c100", "server": "handshake", "handshake": True,
         "runs": hs, "pending": pending}]}


def ringfire_line(table, case):
    return next(x for x in table.splitlines() if x.startswith(f"| {case} | ringfire"))


def test_tls_ratios_to_each_peer():
    rows = vs_peers_table.summarize(tls_results())
    rf = [r for r in rows if r["client"] == "ringfire"]
    # Keep-alive medians: wrk 19, h2load 24.5, ringfire 9 µs; handshakes: 6,200, 5,000, 9,000.
    assert abs(rf[0]["cpu_ratio"]["wrk"] - 9 / 19) < 1e-12, rf[0]
    assert abs(rf[0]["cpu_ratio"]["h2load --h1"] - 9 / 24.5) < 1e-12, rf[0]
    assert abs(rf[1]["hs_ratio"]["wrk"] - 9_000 / 6_200) < 1e-12, rf[1]
    assert abs(rf[1]["hs_ratio"]["h2load --h1"] - 9_000 / 5_000) < 1e-12, rf[1]
    table = vs_peers_table.markdown(tls_results())
    header, rule = table.splitlines()[:2]
    assert header.count("|") == rule.count("|"), (header, rule)
    line = ringfire_line(table, "TLS handshake per request c100")
    assert line.endswith("| 9,000 | 99.9 | 0.65 | 0.50 | 1.45 | 1.80 | 1.18 | 1.50 |"), line


def test_tls_ringfire_pending_peers_still_shown():
    why = "ringfire here refuses https: https:// is not supported"
    table = vs_peers_table.markdown(tls_results(pending=why))
    line = ringfire_line(table, "TLS keep-alive c100")
    assert "ringfire (pending)" in line and line.count("pending") == 7, line
    assert f"ringfire pending: {why}." in table, table
    assert "| TLS keep-alive c100 | wrk | 51,000 (50,000–52,000) | 19.00 (18.00–20.00) |" in table
    assert all(x.count("|") == table.splitlines()[0].count("|")
               for x in table.splitlines() if x.startswith("| TLS")), table


def h2_results(pending=None):
    def case(label, server, streams, runs):
        return {"label": label, "server": server, "streams": streams, "runs": runs,
                "pending": pending if streams else None}
    rf = [] if pending else [run(200_000, 4.0)]
    return {"cases": [
        case("h2c c100 m10", "h2c", 10, {"h2load": [run(150_000, 6.0)], "ringfire": rf}),
        case("h2c c100 m100", "h2c", 100, {"h2load": [run(180_000, 5.0)], "ringfire": rf}),
        case("HTTP/1.1 c100", "h1", None, {"h2load --h1": [run(60_000, 15.0)],
                                           "ringfire": [run(80_000, 9.0)]})]}


def test_h2_rates_and_ratios():
    table = vs_peers_table.markdown(h2_results())
    assert "handshakes" not in table, table
    assert "- h2c c100 m10: h2load h2 rate / h2load --h1 HTTP/1.1 rate = 2.50" in table, table
    assert "- h2c c100 m100: ringfire h2 rate / ringfire HTTP/1.1 rate = 2.50" in table, table
    line = ringfire_line(table, "h2c c100 m10")
    # CPU/resp 4/6, resp/s 200k/150k; no h2load --h1 peer in this case.
    assert line.endswith("| 0.67 | — | 1.33 | — |"), line


def test_h2_pending_keeps_the_http1_ringfire_row():
    table = vs_peers_table.markdown(h2_results(pending="ringfire --help lists no --h2c"))
    assert "ringfire h2/h1 rate pending (ringfire --help lists no --h2c)" in table, table
    line = ringfire_line(table, "HTTP/1.1 c100")
    assert "pending" not in line and "80,000" in line, line


def script(name, *argv):
    return subprocess.run([os.path.join(BENCH, name), *argv], capture_output=True, text=True,
                          timeout=30)


def test_scripts_parse_and_help():
    for name in ("bench-peers.sh", "bench-vs-h2load.sh", "bench-vs-wrk.sh"):
        r = subprocess.run(["bash", "-n", os.path.join(BENCH, name)], capture_output=True,
                           text=True, timeout=30)
        assert r.returncode == 0, (name, r.stderr)
    r = script("bench-vs-wrk.sh", "--tls", "--help")
    assert r.returncode == 0 and "bench-peers.sh tls|h2" in r.stdout, r
    r = script("bench-vs-h2load.sh", "--help")
    assert r.returncode == 0 and "h2c" in r.stdout, r
    r = script("bench-peers.sh", "quic")
    assert r.returncode == 2 and "tls or h2" in r.stderr, r
    r = script("bench-peers.sh", "tls", "--rounds", "0", "--seconds", "2")
    assert r.returncode == 2 and "--rounds" in r.stderr, r


def main():
    return run_tests(tests_of(globals()))


if __name__ == "__main__":
    sys.exit(main())
