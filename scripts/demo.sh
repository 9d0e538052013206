#!/usr/bin/env bash
# README command 1: set everything up on a fresh Debian 12 machine and run a real benchmark
# against the bundled target server (or nginx with --nginx), started and stopped here.
#   scripts/demo.sh [--nginx | --tls] [ringfire options...]   (default options: -c 100 -d 5s)
# --tls: HTTPS against the bundled target (ringfire-target --tls-cert) with a self-signed
# certificate made here by the openssl CLI, trusted with --cacert.
# Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

server=target
scheme=http
case "${1:-}" in
  --nginx) server=nginx; shift ;;
  --tls) scheme=https; shift ;;
esac
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-c 100 -d 5s)

scripts/deps.sh
# The example experiments' servers (Flask, gunicorn, uvicorn, FastAPI, Express), so that
# `scripts/tools/sweep scripts/examples/seeds-quick.json --quick` runs next; Go is left to
# scripts/examples/setup.sh without --without-go. RINGFIRE_DEMO_NO_EXAMPLES=1 skips this.
if [ -z "${RINGFIRE_DEMO_NO_EXAMPLES:-}" ]; then
  scripts/examples/setup.sh --without-go
fi
scripts/build.sh release >/dev/null
bin=build/release

workdir=$(mktemp -d)
chmod 755 "$workdir"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; fi
  wait 2>/dev/null || true
  rm -rf "$workdir"
}
trap cleanup EXIT

cpus=$(nproc)
server_cpu=0
client_cpus="0"
[ "$cpus" -ge 2 ] && client_cpus="1-$((cpus - 1))"

tls_server=()
tls_client=()
if [ "$scheme" = https ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$workdir/key.pem" \
    -out "$workdir/cert.pem" -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
  tls_server=(--tls-cert "$workdir/cert.pem" --tls-key "$workdir/key.pem")
  tls_client=(--cacert "$workdir/cert.pem")
fi

if [ "$server" = target ]; then
  taskset -c "$server_cpu" "$bin/ringfire-target" --port 0 --duration 10m "${tls_server[@]}" \
    >"$workdir/server.out" &
  server_pid=$!
  for _ in $(seq 100); do grep -q '^listening on' "$workdir/server.out" 2>/dev/null && break; sleep 0.05; done
  address=$(sed -n 's/^listening on //p' "$workdir/server.out")
else
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  scripts/nginx-conf.sh "$workdir" "$port" >"$workdir/nginx.conf"
  taskset -c "$server_cpu" nginx -c "$workdir/nginx.conf" -p "$workdir" -e "$workdir/error.log" &
  server_pid=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
  address="127.0.0.1:$port"
fi
[ -n "$address" ] || { echo "demo: the $server server did not start" >&2; exit 1; }

echo "server: $server on $address (CPU $server_cpu); client on CPUs $client_cpus"
echo "+ ringfire --cpus $client_cpus ${tls_client[*]} ${args[*]} --json $workdir/result.json $scheme://$address/"
echo
"$bin/ringfire" --cpus "$client_cpus" "${tls_client[@]}" "${args[@]}" --json "$workdir/result.json" \
  "$scheme://$address/"
mkdir -p out
cp "$workdir/result.json" out/demo-result.json
kill -TERM "$server_pid"
wait "$server_pid" || true
server_pid=""
echo
if [ "$server" = target ]; then
  echo "server's own count: $(grep -E '^requests:' "$workdir/server.out")"
else
  echo "server's own count: requests: $(wc -l <"$workdir/access.log") (nginx access log lines)"
fi
echo "full result: out/demo-result.json"
