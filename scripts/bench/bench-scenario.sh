#!/usr/bin/env bash
# What a scenario costs: one URL against a 3-label scenario with two placeholders per request
# (and one with a {seq} field patched per request), same ringfire-target, same client CPU,
# alternating in rounds. Prints req/s and client CPU per request, and each scenario's ratio to
# the single URL (issue 11 asks for >= 90% of its req/s at the same CPU).
#   scripts/bench/bench-scenario.sh [--rounds N] [--seconds S]
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
exec python3 scripts/bench/scenario_cost.py "$build" "$rounds" "$seconds"
