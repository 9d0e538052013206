#!/usr/bin/env bash
# ringfire beside the HTTPS and HTTP/2 peers on this machine: client CPU per response (the
# kernel's own accounting, user and system apart), responses/s, and ringfire's ratios to each peer.
# The one implementation behind `bench-vs-wrk.sh --tls` and `bench-vs-h2load.sh`:
#   scripts/bench/bench-peers.sh tls|h2 [--quick] [--rounds N] [--seconds S] [--out DIR]
# tls: nginx over TLS (certificate and key made here with openssl; TLS 1.3, one suite and group
#   for all, session tickets on): keep-alive c100, and a handshake per request c100 — nginx's
#   keepalive_requests 1 for every client, so the server closes first whoever the client is
#   (wrk has no per-request close flag; a Lua request hook would charge wrk for Lua); ringfire
#   adds --keepalive-requests 1. Clients: wrk, h2load --h1, ringfire (https://127.0.0.1:PORT/ -k).
#   The handshake case counts responses by nginx's access log, the same ruler for every client,
#   and gives handshakes per client CPU second and nginx's share of resumed sessions.
# h2: nginx with `listen ... http2` (h2c, prior knowledge): h2load -c 100 -m 10 and -m 100, and
#   ringfire --h2c -c 100 --streams 10 / 100 when `ringfire --help` lists --h2c; then HTTP/1.1 c100
#   against another port of the same nginx (h2load --h1 and ringfire) for the h2/h1 rate.
# When this ringfire cannot run a case (https:// refused, no --h2c) its column says "pending"
# and the peers still run.
# --quick: 1 run of 2 s per cell; default: 5 runs of 10 s. --rounds N / --seconds S override.
# Server (one nginx worker) on CPU 0, clients on CPU 1, one thread each, in turn (A B C A B C).
# RINGFIRE_BUILD_DIR=DIR uses binaries already built there instead of building build/release.
# All traffic goes to 127.0.0.1; every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
me=bench-peers

mode=${1:-}
case "$mode" in
  tls | h2) shift ;;
  -h | --help)
    awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
    exit 0
    ;;
  *)
    echo "$me: first argument: tls or h2 (try --help)" >&2
    exit 2
    ;;
esac
rounds=5
seconds=10
out=out/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) rounds=1 seconds=2 ;;
    --rounds)
      rounds=${2:?--rounds needs a count}
      shift
      ;;
    --seconds)
      seconds=${2:?--seconds needs a whole number of seconds}
      shift
      ;;
    --out)
      out=${2:?--out needs a directory}
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
      exit 0
      ;;
    *)
      echo "$me: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
  shift
done
[[ "$rounds" =~ ^[1-9][0-9]?$ && "$seconds" =~ ^[1-9][0-9]{0,2}$ ]] ||
  { echo "$me: --rounds takes 1..99 and --seconds 1..999" >&2; exit 2; }

if [ "$(nproc)" -lt 2 ]; then
  echo "$me: needs 2 CPUs (server on CPU 0, client on CPU 1)" >&2
  exit 1
fi
if [ -n "${RINGFIRE_BUILD_DIR:-}" ]; then
  bin=$RINGFIRE_BUILD_DIR
else
  scripts/deps.sh
  scripts/build.sh release >/dev/null
  bin=build/release
fi
[ -x "$bin/ringfire" ] || { echo "$me: $bin/ringfire is missing" >&2; exit 1; }
tools=(nginx h2load taskset python3 timeout)
[ "$mode" = h2 ] || tools+=(wrk openssl)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "$me: '$tool' not found (scripts/deps.sh)" >&2; exit 1; }
done
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# Safety bound for nginx: every run of every case plus margin; then it is killed regardless.
server_limit=$(((seconds + 35) * rounds * 3 * 3 + 120))
workdir=$(mktemp -d)
chmod 755 "$workdir" # nginx workers run as an unprivileged user and must reach their temp dirs
pids=()
runner="" # the measuring python, leader of its own process group (it and the clients it runs)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
  [ -z "$runner" ] || kill -TERM -- "-$runner" 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

if [ "$mode" = tls ]; then
  # A throwaway self-signed P-256 certificate for 127.0.0.1, valid two days.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$workdir/key.pem" -out "$workdir/cert.pem" 2>"$workdir/openssl.err" ||
    { echo "$me: openssl could not make a certificate:" >&2; cat "$workdir/openssl.err" >&2; exit 1; }
  chmod 644 "$workdir/key.pem" "$workdir/cert.pem"
fi

# nginx_conf DIR PORT KIND: scripts/nginx-conf.sh's config (one worker), turned into
#   tls-keepalive: HTTPS, no access log;
#   tls-handshake: HTTPS, keepalive_requests 1 (the server closes after each response, whoever the
#     client is), an access log of "$ssl_session_reused $ssl_protocol $ssl_cipher" per request
#     (nginx's own count of responses, resumed sessions and suites), flushed every 100 ms;
#   h2: no access log, LISTEN http2 (h2c by prior knowledge) plus a plain HTTP/1.1 port (PORT2).
nginx_conf() {
  local dir=$1 port=$2 kind=$3 port2=${4:-}
  local tls_lines="\n    ssl_certificate $workdir/cert.pem;\n    ssl_certificate_key $workdir/key.pem;"
  tls_lines+="\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_tickets on;"
  # One suite and one group for every client (left to them, wrk picks AES-256-GCM and h2load
  # AES-128-GCM): the same record and key-exchange work on both ends whoever the client is.
  tls_lines+="\n    ssl_conf_command Ciphersuites TLS_AES_128_GCM_SHA256;\n    ssl_ecdh_curve X25519;"
  scripts/nginx-conf.sh "$dir" "$port" | case "$kind" in
    tls-keepalive)
      sed -e 's|^\( *\)access_log .*;|\1access_log off;|' \
        -e "s|^\( *listen 127.0.0.1:[0-9]*\)\(.*\);|\1 ssl\2;$tls_lines|"
      ;;
    tls-handshake)
      sed -e "s|^\( *\)access_log .*;|\1log_format reuse '\$ssl_session_reused \$ssl_protocol \$ssl_cipher';\n\1access_log $dir/access.log reuse buffer=64k flush=100ms;|" \
        -e "s|^\( *listen 127.0.0.1:[0-9]*\)\(.*\);|\1 ssl\2;$tls_lines|" \
        -e 's|keepalive_requests [0-9]*;|keepalive_requests 1;|'
      ;;
    h2)
      sed -e 's|^\( *\)access_log .*;|\1access_log off;|' \
        -e "s|^\( *listen 127.0.0.1:[0-9]*\)\(.*\);|\1 http2\2;\n    listen 127.0.0.1:$port2 reuseport backlog=4096;|"
      ;;
  esac
}

# start_nginx NAME KIND: nginx on CPU 0, bounded by server_limit; sets NAME_pid, NAME_port
# (and NAME_port2 for h2).
start_nginx() {
  local name=$1 kind=$2 port port2="" dir=$workdir/$1
  port=$(free_port)
  [ "$kind" != h2 ] || port2=$(free_port)
  mkdir -p "$dir"
  chmod 755 "$dir"
  nginx_conf "$dir" "$port" "$kind" "$port2" >"$dir/nginx.conf"
  taskset -c 0 timeout -s TERM "$server_limit" nginx -c "$dir/nginx.conf" -p "$dir" \
    -e "$dir/error.log" &
  pids+=($!)
  printf -v "${name}_port" %s "$port"
  printf -v "${name}_port2" %s "$port2"
  for _ in $(seq 100); do
    [ -s "$dir/nginx.pid" ] && grep -q ":$port " <(ss -Hltn) && break
    sleep 0.05
  done
  if ! grep -q ":$port " <(ss -Hltn) || [ ! -s "$dir/nginx.pid" ]; then
    echo "$me: nginx ($name) did not start:" >&2
    cat "$dir/error.log" >&2
    exit 1
  fi
  # The master's pid (timeout's child): its CPU and its worker's are the server's.
  printf -v "${name}_pid" %s "$(cat "$dir/nginx.pid")"
}

lacks=()
servers=()
if [ "$mode" = tls ]; then
  start_nginx keepalive tls-keepalive
  start_nginx handshake tls-handshake
  servers+=(--server "keepalive=$keepalive_pid=https://127.0.0.1:$keepalive_port/")
  servers+=(--server "handshake=$handshake_pid=https://127.0.0.1:$handshake_port/=$workdir/handshake/access.log")
  # Does this ringfire speak https? One request with -k; if that fails, the same without -k
  # (a build without TLS knows no -k either) for its one line about the scheme.
  url=https://127.0.0.1:$keepalive_port/
  if ! probe=$(timeout 15 "$bin/ringfire" -c 1 -n 1 -q -k "$url" 2>&1); then
    plain=$(timeout 15 "$bin/ringfire" -c 1 -n 1 -q "$url" 2>&1 || true)
    why=$(printf '%s\n' "$plain" | grep -i -m1 'https\|scheme\|tls' ||
      printf '%s\n' "$probe" | grep -m1 . || echo "exit status non-zero")
    lacks+=(--ringfire-lacks "tls=ringfire here refuses https: $why")
  fi
else
  start_nginx h2 h2
  servers+=(--server "h2c=$h2_pid=http://127.0.0.1:$h2_port/")
  servers+=(--server "h1=$h2_pid=http://127.0.0.1:$h2_port2/")
  if ! "$bin/ringfire" --help 2>&1 | grep -q -- --h2c; then
    lacks+=(--ringfire-lacks "h2c=ringfire --help lists no --h2c")
  fi
fi
for l in "${lacks[@]+"${lacks[@]}"}"; do
  case "$l" in --ringfire-lacks) ;; *) echo "$me: note: ${l#*=} — its column is pending" >&2 ;; esac
done

version=$("$bin/ringfire" --version 2>/dev/null | head -1 || echo unknown)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
git diff --quiet HEAD -- src include 2>/dev/null || rev="$rev+dirty"
mkdir -p "$out"
echo "$me: nginx on CPU 0, clients on CPU 1; $rounds x ${seconds}s per cell" >&2
# In its own process group, waited for in the background: an interrupt stops it and the client
# it is running at once (the trap), not after the run.
setsid python3 scripts/bench/vs_peers.py --mode "$mode" --ringfire "$bin/ringfire" \
  "${servers[@]}" "${lacks[@]+"${lacks[@]}"}" --client-cpu 1 --duration "$seconds" \
  --repeats "$rounds" --ringfire-version "$version ($rev)" --out "$out" \
  --command "scripts/bench/bench-peers.sh $mode --rounds $rounds --seconds $seconds" &
runner=$!
status=0
wait "$runner" || status=$?
runner=""
echo >&2
echo "$me: wrote $out/bench-peers-$mode.json and $out/bench-peers-$mode.md" >&2
exit "$status"
