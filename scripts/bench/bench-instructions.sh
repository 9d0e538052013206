#!/usr/bin/env bash
# ringfire's client instructions per response (user space, callgrind), four closed-loop cases
# against a server on loopback, compared with the baseline kept in the repo. Run it before a
# change to the worker, the ledger, the parser or the request path (README, "Performance").
#   scripts/bench/bench-instructions.sh [--nginx] [--repeats R] [--tolerance PCT]
#       [--update-baseline] [--functions K] [--ringfire BIN --target BIN] [--client-arg ARG]...
# Cases: -c 100; -c 100 -p 10; -c 1000; a 120,000-byte body with -c 50. One ringfire thread
# (-t 1) on CPU 1, the server (ringfire-target, or nginx with --nginx) on CPU 0.
# Figure: the worker thread's instructions between a run of N1 and one of N2 responses, over
# N2 - N1, so set-up and teardown cancel. The kernel's work (io_uring, TCP) is not counted.
# Exit 1 when a case is more than --tolerance percent (default 2) above the baseline.
# Without --ringfire/--target it builds build/release and measures that. --help lists the rest.
set -euo pipefail
cd "$(dirname "$0")/../.."

have_bins=0
for a in "$@"; do
  case "$a" in
    --ringfire | --ringfire=*) have_bins=1 ;;
    -h | --help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      echo
      exec python3 scripts/bench/bench_instructions.py --ringfire x --target x --help
      ;;
  esac
done
for tool in valgrind callgrind_annotate taskset python3; do
  command -v "$tool" >/dev/null || { echo "bench-instructions: '$tool' not found" >&2; exit 2; }
done
if [ "$(nproc)" -lt 2 ]; then
  echo "bench-instructions: needs 2 CPUs (server on CPU 0, client on CPU 1)" >&2
  exit 2
fi

defaults=()
if [ "$have_bins" = 0 ]; then
  scripts/build.sh release >/dev/null
  defaults=(--ringfire build/release/ringfire --target build/release/ringfire-target)
fi
# No __pycache__ beside the scripts.
export PYTHONDONTWRITEBYTECODE=1
runner=(python3 scripts/bench/bench_instructions.py "${defaults[@]}" "$@")
# In a network namespace of its own (root only) the run sees only its own sockets: ringfire's
# main thread reads the socket tables (/proc/net/tcp) before the run, and with tens of thousands
# of sockets from other work on the box that costs billions of instructions under callgrind.
# The worker thread's figure (the guarded one) does not depend on it; the time does.
if [ "$(id -u)" -eq 0 ] && command -v unshare >/dev/null && command -v ip >/dev/null; then
  exec unshare --net -- sh -c 'ip link set lo up && exec "$@"' sh "${runner[@]}"
fi
echo "bench-instructions: not root: runs in the host's network namespace" >&2
exec "${runner[@]}"
