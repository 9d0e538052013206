#!/usr/bin/env bash
# scripts/plot turns a real ringfire result and a scripts/sysmon log into PNGs.
#   plot_test.sh RINGFIRE RINGFIRE_TARGET SOURCE_DIR
set -euo pipefail
ringfire=$1 target=$2 src=$3
dir=$(mktemp -d)
server_pid=""
trap '[ -n "$server_pid" ] && kill -KILL $server_pid 2>/dev/null; rm -rf "$dir"' EXIT
"$target" --port 0 --duration 60s >"$dir/server.out" &
server_pid=$!
for _ in $(seq 100); do grep -q '^listening on' "$dir/server.out" && break; sleep 0.05; done
address=$(sed -n 's/^listening on //p' "$dir/server.out")
"$src/scripts/sysmon" --pid "$server_pid" --duration 4 --out "$dir/server.jsonl" &
sysmon_pid=$!
"$ringfire" -c 8 -d 3s --quiet --json "$dir/result.json" "http://$address/"
wait "$sysmon_pid"
"$src/scripts/plot" "$dir/result.json" --sysmon "$dir/server.jsonl" --out "$dir/png"
for name in overview requests latency client_cpu server_cpu nic errors; do
  [ -s "$dir/png/$name.png" ] || { echo "missing $name.png" >&2; ls "$dir/png" >&2; exit 1; }
done
echo "1 passed, 0 failed"
