#!/usr/bin/env bash
# scripts/tools/sweep on a tiny experiment (ringfire-target and nginx, 2 cells of 1 s), its CSV,
# counts, plots and HTML; bad experiment files fail with one line.
#   sweep_test.sh RINGFIRE RINGFIRE_TARGET SOURCE_DIR
set -euo pipefail
ringfire=$1 target=$2 src=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export RINGFIRE=$ringfire RINGFIRE_TARGET=$target
# Debian's python3 has matplotlib; a pyenv or venv python3 first on PATH may not.
py=/usr/bin/python3
[ -x "$py" ] || py=python3
cat >"$dir/tiny.json" <<'JSON'
{
  "name": "tiny",
  "targets": [
    {"name": "ringfire-target", "command": "{ringfire_target} --port 0 --duration 60s",
     "port_from_stdout": "listening on ", "url": "http://127.0.0.1:{port}/",
     "restart": "per_cell", "served": {"exit_line": "requests"}},
    {"name": "nginx", "setup": "scripts/nginx-conf.sh {dir} {port} > {dir}/nginx.conf",
     "command": "nginx -p {dir} -e {dir}/error.log -c {dir}/nginx.conf",
     "url": "http://127.0.0.1:{port}/", "version": "nginx -v",
     "served": {"access_log": "{dir}/access.log"}}
  ],
  "matrix": {"connections": [2, 8], "duration": "1s", "warmup": "0s", "repeats": 1}
}
JSON
"$src/scripts/tools/sweep" "$dir/tiny.json" --out "$dir/out" >"$dir/sweep.log"
"$src/scripts/tools/report" "$dir/out/runs/nginx_c8_p1_r0_t1_1.json" -o "$dir/run.html"
# A real browser renders both pages, at once, when there is one ($CHROMIUM, chromium): not
# installed in CI (about 124 MB to download, 395 MB on disk: see scripts/examples/README.md).
browser=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
shots=()
if [ -n "$browser" ]; then
  for page in out/summary.html run.html; do
    shot="$dir/$(basename "$page" .html).png"
    DBUS_SESSION_BUS_ADDRESS=disabled: timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
      --hide-scrollbars --no-first-run --user-data-dir="$dir/browser-$(basename "$page")" \
      --window-size=1280,1600 --screenshot="$shot" "file://$dir/$page" >/dev/null 2>&1 &
    shots+=("$shot")
  done
  wait
else
  echo "sweep_test: SKIPPED the browser check: no chromium on this machine"
fi
"$py" "$src/tests/scripts/sweep_check.py" "$dir/out" "$dir/run.html" "${shots[@]}"

# Bad experiment files: a non-zero exit and exactly one line on stderr naming the problem.
expect_one_line() {  # NAME PATTERN PYTHON-EDIT
  "$py" "$src/tests/scripts/edit_json.py" "$dir/tiny.json" "$dir/$1.json" "$3"
  if "$src/scripts/tools/sweep" "$dir/$1.json" --out "$dir/$1" >/dev/null 2>"$dir/$1.err"; then
    echo "FAIL: $1 was accepted" >&2; exit 1
  fi
  if [ "$(wc -l <"$dir/$1.err")" -ne 1 ] || ! grep -q "$2" "$dir/$1.err"; then
    echo "FAIL: $1: want one line matching '$2', got:" >&2; cat "$dir/$1.err" >&2; exit 1
  fi
  echo "bad file $1: $(cat "$dir/$1.err")"
}
expect_one_line unknown-key "unknown key 'conections'" 'doc["matrix"]["conections"] = [1]'
expect_one_line missing-url "target 'nginx': missing \"url\"" 'del doc["targets"][1]["url"]'
expect_one_line never-starts "did not answer .* within 1 s" \
  'doc["targets"] = [dict(doc["targets"][1], command="sleep 30", ready_timeout_s=1)]'
"$py" -c 'import socket, time; s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen()
print(s.getsockname()[1], flush=True); time.sleep(30)' >"$dir/taken" &
holder=$!
for _ in $(seq 100); do [ -s "$dir/taken" ] && break; sleep 0.05; done
port=$(cat "$dir/taken")
expect_one_line port-taken "port $port is already in use" \
  "doc['targets'][1]['url'] = 'http://127.0.0.1:$port/'"
kill "$holder"
echo "1 passed, 0 failed"
