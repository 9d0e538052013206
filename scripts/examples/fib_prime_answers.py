#!/usr/bin/env python3
"""Exits 0 when the fib-prime app at URL (its /fibo/10) answers F(10) = 55, 1 otherwise: how
fib-prime.sh knows the app is ready before ringfire starts.
  fib_prime_answers.py http://127.0.0.1:PORT/fibo/10"""

import sys
import urllib.request

# A probe that waits longer than this is retried by the caller, not waited for.
TIMEOUT_S = 2


def main(url):
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as r:
        return 0 if r.status == 200 and b'"fibonacci_number":55' in r.read() else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
