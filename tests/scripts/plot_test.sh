#!/usr/bin/env bash
# scripts/tools/plot turns a real ringfire result and a scripts/tools/sysmon log into PNGs.
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
# The server's CPU from the kernel, read here, to check what scripts/tools/sysmon reports for it.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$server_pid/stat"; }
before=$(cpu_ticks)
"$src/scripts/tools/sysmon" --pid "$server_pid" --duration 5 --out "$dir/server.jsonl" &
sysmon_pid=$!
sleep 1  # sysmon's first sample is taken before the load starts
"$ringfire" -c 8 -d 3s --quiet --json "$dir/result.json" "http://$address/"
wait "$sysmon_pid"
after=$(cpu_ticks)
python3 "$src/tests/scripts/sysmon_cpu_check.py" "$dir/server.jsonl" "$before" "$after" \
  "$(getconf CLK_TCK)"
"$src/scripts/tools/plot" "$dir/result.json" --sysmon "$dir/server.jsonl" --out "$dir/png"
for name in overview requests latency client_cpu server_cpu nic errors; do
  [ -s "$dir/png/$name.png" ] || { echo "missing $name.png" >&2; ls "$dir/png" >&2; exit 1; }
done
echo "1 passed, 0 failed"
