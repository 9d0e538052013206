#!/usr/bin/env bash
# The first seed's JMeter test, with ringfire: a Flask app with a Fibonacci endpoint and an isPrime
# endpoint (fib_prime_app.py), loaded with random numbers in the seed's ranges (fib-prime.json:
# labels Fibonacci and IsPrime, GET /fibo/{rand:10:1000} and /isprime/{rand:1000:10000000}, equal
# weights, the seed's request headers, status 200 and the body sizes the app can send expected).
# The report has one row per label, in the columns of JMeter's Aggregate Report.
#
#   scripts/examples/fib-prime.sh [-d SECONDS] [-c CONNECTIONS] [-- MORE RINGFIRE OPTIONS]
#
# Starts the app on a loopback port the kernel picks, waits until it answers, runs
# `ringfire --scenario fib-prime.json URL` for SECONDS (default 10) over CONNECTIONS (default 20;
# the seed ramps up 20,000 JMeter users, which a threaded development server on a small machine
# cannot take), prints ringfire's report and stops the app (by its PID, also on Ctrl-C or an
# error). Werkzeug's development server closes the connection after every response (its choice
# since Werkzeug 2.1), so every request here also costs a connection, as it did in the seed.
# Needs Flask (Debian: python3-flask, installed by scripts/deps.sh) and a built ringfire
# (build/release/ringfire, or $RINGFIRE, or ringfire on PATH). Traffic goes to 127.0.0.1 only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

usage() {
  echo "usage: $0 [-d SECONDS] [-c CONNECTIONS] [-- MORE RINGFIRE OPTIONS]" >&2
  exit 2
}
duration=10
connections=20
while getopts "d:c:h" opt; do
  case "$opt" in
    d) duration=$OPTARG ;;
    c) connections=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "fib-prime: -d wants whole seconds > 0, got '$duration'" >&2; exit 2; }
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || { echo "fib-prime: -c wants a count > 0, got '$connections'" >&2; exit 2; }

ringfire=${RINGFIRE:-}
if [ -z "$ringfire" ]; then
  if [ -x "$root/build/release/ringfire" ]; then
    ringfire=$root/build/release/ringfire
  elif command -v ringfire >/dev/null; then
    ringfire=$(command -v ringfire)
  else
    echo "fib-prime: no ringfire binary: run scripts/build.sh release (or set RINGFIRE)" >&2
    exit 1
  fi
fi
if ! python3 -c 'import flask' 2>/dev/null; then
  echo "fib-prime: Flask is not installed (Debian: apt-get install python3-flask; or scripts/deps.sh)" >&2
  exit 1
fi

workdir=$(mktemp -d)
app_pid=""
stop_app() {
  [ -n "$app_pid" ] || return 0
  kill -TERM "$app_pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$app_pid" 2>/dev/null || true  # it did not stop within 5 s
  wait "$app_pid" 2>/dev/null || true
  app_pid=""
}
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  stop_app
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

python3 "$here/fib_prime_app.py" --host 127.0.0.1 --port 0 >"$workdir/app.out" 2>"$workdir/app.err" &
app_pid=$!
address=""
for _ in $(seq 300); do  # up to 30 s: importing Flask on a busy machine can take seconds
  address=$(sed -n 's/^listening on //p' "$workdir/app.out")
  [ -n "$address" ] && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "fib-prime: the Flask app did not start:" >&2
  cat "$workdir/app.err" >&2
  exit 1
fi
url="http://$address/"
answers() { python3 "$here/fib_prime_answers.py" "${url}fibo/10"; }
ready=""
for _ in $(seq 50); do
  if answers 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ -n "$ready" ] || { echo "fib-prime: the Flask app on $address does not answer" >&2; exit 1; }

echo "fib-prime: Flask app on $address (pid $app_pid); ringfire for ${duration}s over $connections connections"
cmd=("$ringfire" -d "${duration}s" -c "$connections" "$@" --scenario "$here/fib-prime.json" "$url")
echo "+ ${cmd[*]}"
echo
rc=0
"${cmd[@]}" || rc=$?
stop_app
if [ -s "$workdir/app.err" ]; then
  echo
  echo "fib-prime: the Flask app said (last lines):"
  tail -n 20 "$workdir/app.err"
fi
exit "$rc"
