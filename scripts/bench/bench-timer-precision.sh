#!/usr/bin/env bash
# Open-loop timer precision: how late does ringfire send, relative to each request's intended
# time, at 10k and 100k req/s and at the highest rate this machine sustains?
#   scripts/bench/bench-timer-precision.sh [--seconds S]
# Target: ringfire-target on CPU 0; ringfire on the other CPUs. Traffic on 127.0.0.1 only.
# "Sustained" = the schedule was kept (≥ 99% of due requests sent, send lag p99 ≤ 10 ms).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=5
[ "${1:-}" = "--seconds" ] && seconds=$2
build=${RINGFIRE_BUILD_DIR:-build/release}
if [ -z "${RINGFIRE_BUILD_DIR:-}" ]; then
  scripts/deps.sh
  scripts/build.sh release >/dev/null
fi
work=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill -TERM $server_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
cpus=$(nproc)
client_cpus=0
[ "$cpus" -ge 2 ] && client_cpus="1-$((cpus - 1))"
"$build/ringfire-target" --port 0 --cpus 0 --duration 30m --quiet >"$work/server.out" &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening on' "$work/server.out" && break; sleep 0.05; done
url="http://$(sed -n 's/^listening on //p' "$work/server.out")/"

# run RATE -> prints "rate achieved kept lag_p50_us lag_p99_us lag_max_us late"
run() {
  "$build/ringfire" --cpus "$client_cpus" -R "$1" -c 200 -d "${seconds}s" --quiet \
    --json "$work/r.json" "$url"
  python3 scripts/bench/timer_precision_row.py "$1" "$work/r.json"
}

echo "| requested req/s | achieved req/s | schedule kept | send lag p50 (µs) | p99 (µs) | max (µs) | late > 1 ms |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
row() { read -r a b c d e f g <<<"$1"; echo "| $a | $b | $c | $d | $e | $f | $g |"; }
ok() { [ "$(echo "$1" | cut -d' ' -f3)" = true ]; }
out=$(run 10000); row "$out"
lo=0 hi=0 rate=20000
ok "$out" && { lo=10000; best=$out; }
out=$(run 100000); row "$out"
if ok "$out"; then lo=100000; best=$out; rate=200000; else hi=100000; fi
# Highest sustained rate: double until the schedule breaks, then bisect a few steps.
while [ "$hi" -eq 0 ] && [ "$rate" -le 12800000 ]; do
  out=$(run "$rate")
  if ok "$out"; then lo=$rate; best=$out; rate=$((rate * 2)); else hi=$rate; fi
done
if [ "$hi" -ne 0 ] && [ "$lo" -ne 0 ]; then
  for _ in 1 2 3 4; do
    mid=$(((lo + hi) / 2))
    out=$(run "$mid")
    if ok "$out"; then lo=$mid; best=$out; else hi=$mid; fi
  done
fi
[ -n "${best:-}" ] && row "$best"
echo
echo "highest sustained rate: ${lo} req/s (client CPUs $client_cpus, server CPU 0, ${seconds}s per run)"
