#!/usr/bin/env python3
"""Smoke test of the fib-prime example: fib_prime_app.py's endpoints answer correctly (checked
against values computed here by other means), over Flask's test client and over a real loopback
socket, the app stops on SIGTERM, and fib-prime.json's paths and expectations fit what the app
sends for every number in the scenario's ranges. Prints "N passed, M failed"; exits 1 on any
failure, 77 (CTest's skip) when Flask is not installed.
"""

import io
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

from script_tests import run_tests, tests_of

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                        "examples")
SKIP = 77

try:
    import flask  # noqa: F401  (only: is it there?)
except ImportError:
    print("SKIPPED: Flask is not installed (Debian: apt-get install python3-flask; "
          "or scripts/deps.sh)")
    sys.exit(SKIP)

sys.path.insert(0, EXAMPLES)
import fib_prime_app  # noqa: E402

CLIENT = fib_prime_app.create_app().test_client()

# F(0..20) from the definition, and primes below 100 by the sieve of Eratosthenes: sources
# independent of the app's code.
FIB = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765]
F_1000_HEAD = "43466557686937456435688527675040625802564660517371780402481729089536555417949051"


def primes_below(n):
    sieve = [True] * n
    sieve[0] = sieve[1] = False
    for i in range(2, n):
        if sieve[i]:
            for j in range(i * i, n, i):
                sieve[j] = False
    return {i for i in range(n) if sieve[i]}


def get(path, method="GET"):
    r = CLIENT.open(path, method=method)
    return r.status_code, r.data


def test_fibonacci_values():
    for n, f in enumerate(FIB):
        status, body = get(f"/fibo/{n}")
        assert status == 200, (n, status)
        assert json.loads(body) == {"index": n, "fibonacci_number": f}, body
    big = json.loads(get("/fibo/1000")[1])["fibonacci_number"]
    assert str(big).startswith(F_1000_HEAD) and len(str(big)) == 209, big


def test_isprime_values():
    primes = primes_below(100)
    for n in range(100):
        status, body = get(f"/isprime/{n}")
        assert status == 200, (n, status)
        assert json.loads(body) == {"number": n, "prime": n in primes}, body
    assert json.loads(get("/isprime/9999991")[1])["prime"] is True  # the largest 7-digit prime
    assert json.loads(get("/isprime/9999997")[1])["prime"] is False  # 13 x 769231


def test_post_is_allowed_and_bad_numbers_are_refused():
    assert get("/fibo/12", "POST") == (200, b'{"fibonacci_number":144,"index":12}\n')
    assert get("/isprime/abc")[0] == 404
    assert get("/fibo/-3")[0] == 404
    assert get("/fibo/100001")[0] == 400
    assert get("/isprime/1000000000001")[0] == 400


def scenario_ranges():
    """label -> (route prefix, LO, HI, expect) from fib-prime.json's {rand:LO:HI} paths."""
    with open(os.path.join(EXAMPLES, "fib-prime.json")) as f:
        scenario = json.load(f)
    out = {}
    for request in scenario["requests"]:
        m = re.fullmatch(r"(/[a-z]+/)\{rand:(\d+):(\d+)\}", request["path"])
        assert m, request["path"]
        out[request["label"]] = (m.group(1), int(m.group(2)), int(m.group(3)), request["expect"])
    return out


def test_scenario_expectations_fit_the_app():
    ranges = scenario_ranges()
    assert set(ranges) == {"Fibonacci", "IsPrime"}, ranges  # the seed's two labels
    prefix, lo, hi, expect = ranges["Fibonacci"]
    assert (prefix, lo, hi) == ("/fibo/", 10, 1000)  # the seed's __Random(10,1000)
    sizes = set()
    for n in range(lo, hi + 1):  # every value the scenario can send
        status, body = get(f"{prefix}{n}")
        assert status == expect["status"], (n, status)
        sizes.add(len(body))
    assert [min(sizes), max(sizes)] == expect["body_bytes"], (min(sizes), max(sizes))
    prefix, lo, hi, expect = ranges["IsPrime"]
    assert (prefix, lo, hi) == ("/isprime/", 1000, 10_000_000)  # __Random(1000,10000000)
    # The body's size depends only on the digits of N and on the verdict: the shortest is a
    # 4-digit prime, the longest 10,000,000 itself (not prime).
    sizes = {len(get(f"{prefix}{n}")[1]) for n in (lo, 1009, 99991, 9999991, hi)}
    assert [min(sizes), max(sizes)] == expect["body_bytes"], sizes


def test_real_server_answers_and_stops_on_sigterm():
    app = subprocess.Popen([sys.executable, os.path.join(EXAMPLES, "fib_prime_app.py"), "--port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = app.stdout.readline().strip()
        m = re.fullmatch(r"listening on 127\.0\.0\.1:(\d+)", line)
        assert m, line
        url = f"http://127.0.0.1:{m.group(1)}"
        with urllib.request.urlopen(f"{url}/isprime/7919", timeout=5) as r:
            assert r.status == 200 and json.loads(r.read()) == {"number": 7919, "prime": True}
        with urllib.request.urlopen(f"{url}/fibo/20", timeout=5) as r:
            assert json.loads(r.read())["fibonacci_number"] == 6765
        app.send_signal(signal.SIGTERM)
        assert app.wait(timeout=5) == 0, app.stderr.read()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()


def test_non_loopback_host_is_refused():
    argv, stderr = sys.argv, sys.stderr
    sys.argv = ["fib_prime_app.py", "--host", "0.0.0.0"]
    sys.stderr = captured = io.StringIO()
    try:
        assert fib_prime_app.main() == 2
    finally:
        sys.argv, sys.stderr = argv, stderr
    assert "loopback only" in captured.getvalue(), captured.getvalue()
    assert fib_prime_app.is_loopback("127.0.0.2") and fib_prime_app.is_loopback("::1")
    assert not fib_prime_app.is_loopback("192.168.1.3")  # the seed's server address


def main():
    return run_tests(tests_of(globals()))

if __name__ == "__main__":
    sys.exit(main())
