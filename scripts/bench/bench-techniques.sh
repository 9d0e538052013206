#!/usr/bin/env bash
# A/B of ringfire's io_uring techniques: client CPU per request with each one switched off
# (RINGFIRE_NO_* environment switches, --wait-batch 1) or an option switched on (--sqpoll,
# --progress), against ringfire-target; plus a new connection for every response (target --close-every 1), where the
# sockets made inside the ring matter. Variants alternate in rounds.
#   scripts/bench/bench-techniques.sh [--rounds N] [--seconds S]
# ringfire-target on CPU 0, one ringfire worker on CPU 1, traffic on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=3 seconds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--seconds S]" >&2; exit 2 ;;
  esac
done
build=${RINGFIRE_BUILD_DIR:-build/release}
if [ -z "${RINGFIRE_BUILD_DIR:-}" ]; then
  scripts/deps.sh
  scripts/build.sh release >/dev/null
fi
exec python3 scripts/bench/techniques.py "$build" "$rounds" "$seconds"
