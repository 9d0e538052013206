#!/usr/bin/env python3
"""The two endpoints of the first seed's JMeter test (a Flask app measured with 20,000 users), for
scripts/examples/fib-prime.sh to load with ringfire:

  GET|POST /fibo/N      {"index": N, "fibonacci_number": F(N)}   (F(0) = 0, F(1) = 1)
  GET|POST /isprime/N   {"number": N, "prime": true|false}        (trial division up to sqrt(N))

N must be a non-negative integer (anything else is Flask's 404); N above the limits below gets
400, so that no single request can keep a thread busy for long.

  fib_prime_app.py [--host 127.0.0.1] [--port 0]

Binds loopback only. --port 0 (the default) lets the kernel pick a free port; the address is the
first line on stdout, "listening on HOST:PORT". Stops on SIGINT or SIGTERM.
"""

import argparse
import ipaddress
import math
import signal
import sys
import threading

from flask import Flask, jsonify
from werkzeug.serving import WSGIRequestHandler, make_server

MAX_FIB_INDEX = 100_000
MAX_PRIME_CANDIDATE = 10**12


def fibonacci(n):
    """F(n), iteratively (the seed memoises a recursion; the values are the same)."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def is_prime(n):
    """Trial division by 2 and the odd numbers up to isqrt(n): O(sqrt(n)) work, like the seed's."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    for k in range(3, math.isqrt(n) + 1, 2):
        if n % k == 0:
            return False
    return True


def create_app():
    app = Flask(__name__)

    @app.route("/fibo/<int:number>", methods=["GET", "POST"])
    def fibo(number):
        if number > MAX_FIB_INDEX:
            return jsonify(error=f"index above {MAX_FIB_INDEX}"), 400
        return jsonify(index=number, fibonacci_number=fibonacci(number))

    @app.route("/isprime/<int:number>", methods=["GET", "POST"])
    def isprime(number):
        if number > MAX_PRIME_CANDIDATE:
            return jsonify(error=f"number above {MAX_PRIME_CANDIDATE}"), 400
        return jsonify(number=number, prime=is_prime(number))

    # F(1000) has 209 digits: Python's default limit on int-to-text conversion (4300 digits,
    # Python 3.11+) is reached only near F(20,000), and the JSON must carry the whole number.
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)
    return app


class QuietHandler(WSGIRequestHandler):
    """No access-log line per request: at thousands of requests a second it would be the load."""

    def log_request(self, code="-", size="-"):
        pass


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    args = parser.parse_args()
    if not is_loopback(args.host):
        print(f"fib_prime_app: --host {args.host} refused: loopback only", file=sys.stderr)
        return 2
    server = make_server(args.host, args.port, create_app(), threaded=True,
                         request_handler=QuietHandler)

    def stop(signum, frame):
        # shutdown() waits for serve_forever to return, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    # Before the address is printed: whoever reads it may signal us at once.
    signal.signal(signal.SIGTERM, stop)
    # A shell script's background job has SIGINT ignored: then Ctrl-C is for the script to handle
    # (fib-prime.sh lets ringfire report first, then stops us by PID).
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, stop)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"listening on {host}:{server.port}", flush=True)
    server.serve_forever()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
