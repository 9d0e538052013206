#!/usr/bin/env bash
# ringfire against wrk (and gcannon), side by side, on this machine: client CPU per request (the
# kernel's own accounting, user and system apart), requests/s, syscalls per request, each side's
# CPU share, and ringfire's ratios to each peer.
#   scripts/bench/bench-vs-wrk.sh [--quick] [--rounds N] [--seconds S] [--rfs] [--out DIR]
#   scripts/bench/bench-vs-wrk.sh --tls [--quick] [--rounds N] [--seconds S] [--out DIR]
# --tls: over HTTPS against wrk and h2load --h1 instead (scripts/bench/bench-peers.sh tls).
# --quick: 1 run of 2 s per cell (under 2 minutes); default: 5 runs of 10 s (about 20 minutes).
# --rounds N / --seconds S: N runs of S s per cell (S whole seconds: gcannon takes no fractions).
# Servers: nginx (also serving a 120 KB body), nginx writing an access log (the slower server),
# ringfire-target and a second ringfire-target that closes every connection after one response,
# all pinned to CPU 0. Clients: pinned to CPU 1, one thread each.
# GCANNON=/path/to/gcannon adds gcannon as a third client (scripts/tools/build-gcannon.sh builds
# one); without it there are no gcannon columns.
# The 1-connection latency case adds ringfire-pingpong, a blocking ping-pong: the latency floor.
# Each case runs the clients in turn (A B C A B C ...), so slow drift hits them alike.
# --rfs: servers and clients in a network namespace of the script's own, whose loopback steers
#   each packet's receive processing to the CPU of the socket that reads it (RPS + RFS), as two
#   machines with NICs would: the client no longer pays for the server's receive, it pays for its
#   own. Needs root; sets net.core.rps_sock_flow_entries for the run and restores it.
# RINGFIRE_BUILD_DIR=DIR uses binaries already built there instead of building build/release.
# All traffic goes to 127.0.0.1; every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

# --tls: the HTTPS comparison, run by scripts/bench/bench-peers.sh with the other arguments.
for arg in "$@"; do
  if [ "$arg" = --tls ]; then
    rest=()
    for a in "$@"; do [ "$a" = --tls ] || rest+=("$a"); done
    exec scripts/bench/bench-peers.sh tls "${rest[@]+"${rest[@]}"}"
  fi
done

quick=0
rfs=0
rounds=""
seconds=""
out=out/bench
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rfs) rfs=1 ;;
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
      sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bench-vs-wrk: unknown argument '$1' (try --help)" >&2
      exit 2
      ;;
  esac
  shift
done

if [ "$(nproc)" -lt 2 ]; then
  echo "bench-vs-wrk: needs 2 CPUs (server on CPU 0, client on CPU 1)" >&2
  exit 1
fi

if [ -n "${RINGFIRE_BUILD_DIR:-}" ]; then
  bin=$RINGFIRE_BUILD_DIR
else
  scripts/deps.sh
  scripts/build.sh release >/dev/null
  bin=build/release
fi
for b in ringfire ringfire-target ringfire-pingpong; do
  [ -x "$bin/$b" ] || { echo "bench-vs-wrk: $bin/$b is missing" >&2; exit 1; }
done
for tool in wrk nginx taskset strace python3; do
  command -v "$tool" >/dev/null || { echo "bench-vs-wrk: '$tool' not found (scripts/deps.sh)" >&2; exit 1; }
done
gcannon_args=()
if [ -n "${GCANNON:-}" ]; then
  [ -x "$GCANNON" ] || { echo "bench-vs-wrk: GCANNON=$GCANNON is not an executable" >&2; exit 1; }
  gcannon_args=(--gcannon "$(cd "$(dirname "$GCANNON")" && pwd)/$(basename "$GCANNON")")
else
  echo "bench-vs-wrk: GCANNON not set: wrk is the only peer (scripts/tools/build-gcannon.sh builds gcannon)" >&2
fi

# 1,000 connections need 1,000+ descriptors in the client (and the server).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

if [ "$quick" = 1 ]; then
  duration=2 repeats=1 syscall_duration=1
else
  duration=10 repeats=5 syscall_duration=3
fi
[ -z "$rounds" ] || repeats=$rounds
[ -z "$seconds" ] || duration=$seconds
[[ "$repeats" =~ ^[1-9][0-9]*$ && "$duration" =~ ^[1-9][0-9]*$ ]] ||
  { echo "bench-vs-wrk: --rounds and --seconds take whole numbers from 1" >&2; exit 2; }
# Safety bound for the servers: the whole run plus margin (9 cases and the latency case, up to
# 3 clients, and each client's 3 traced runs per case).
server_limit=$(((duration + 2) * repeats * 3 * 10 + (syscall_duration + 3) * 3 * 3 * 9 + 300))

workdir=$(mktemp -d)
chmod 755 "$workdir" # nginx workers run as an unprivileged user and must reach their temp dirs
nginx_pid=""
nginx_log_pid=""
target_pid=""
close_pid=""
netns=""
flow_entries=""
cleanup() {
  for pid in $nginx_pid $nginx_log_pid $target_pid $close_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $nginx_pid $nginx_log_pid $target_pid $close_pid; do wait "$pid" 2>/dev/null || true; done
  [ -z "$netns" ] || ip netns del "$netns" 2>/dev/null || true
  [ -z "$flow_entries" ] || sysctl -qw net.core.rps_sock_flow_entries="$flow_entries" || true
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# in_ns CMD...: runs CMD where the servers and clients live (the private namespace with --rfs).
in_ns=()
if [ "$rfs" = 1 ]; then
  [ "$(id -u)" -eq 0 ] || { echo "bench-vs-wrk: --rfs needs root (netns, sysctl)" >&2; exit 1; }
  netns=ringfire-bench-$$
  ip netns add "$netns"
  ip -n "$netns" link set lo up
  flow_entries=$(sysctl -n net.core.rps_sock_flow_entries)
  sysctl -qw net.core.rps_sock_flow_entries=32768
  # RPS on every CPU, and RFS: a packet is processed on the CPU that last read its socket.
  ip netns exec "$netns" sh -c 'q=/sys/class/net/lo/queues/rx-0
    printf %x $(((1 << $(nproc)) - 1)) >$q/rps_cpus && echo 32768 >$q/rps_flow_cnt'
  in_ns=(ip netns exec "$netns")
fi

free_port() {
  "${in_ns[@]}" python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_nginx NAME LOG: an nginx from the config every ringfire script uses, on CPU 0, also
# serving /large (a 120,000-byte file); sets NAME_pid and NAME_port. LOG=off turns the access log
# off — writing one log line per request makes nginx, not the clients, the thing being measured —
# and LOG=on keeps it: that nginx is the slower server.
start_nginx() {
  local name=$1 log=$2 port dir=$workdir/$1
  port=$(free_port)
  mkdir -p "$dir"
  chmod 755 "$dir"
  head -c 120000 /dev/zero | tr '\0' x >"$dir/large.bin"
  chmod 644 "$dir/large.bin"
  scripts/nginx-conf.sh "$dir" "$port" |
    if [ "$log" = off ]; then sed 's|^\( *\)access_log .*;|\1access_log off;|'; else cat; fi |
    sed "s|^    location / {|    location = /large { alias $dir/large.bin; default_type application/octet-stream; }\n&|" \
      >"$dir/nginx.conf"
  "${in_ns[@]}" taskset -c 0 nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
  printf -v "${name}_pid" %s $!
  printf -v "${name}_port" %s "$port"
  for _ in $(seq 100); do
    grep -q ":$port " <("${in_ns[@]}" ss -Hltn) && break
    sleep 0.05
  done
  grep -q ":$port " <("${in_ns[@]}" ss -Hltn) ||
    { echo "bench-vs-wrk: nginx ($name) did not start:" >&2; cat "$dir/error.log" >&2; exit 1; }
}
start_nginx nginx off
start_nginx nginx_log on

# start_target NAME [ARGS...]: ringfire-target on CPU 0; sets NAME_pid and NAME_addr.
start_target() {
  local name=$1
  shift
  "${in_ns[@]}" "$bin/ringfire-target" --port 0 --cpus 0 --duration "${server_limit}s" --quiet "$@" \
    >"$workdir/$name.out" &
  printf -v "${name}_pid" %s $!
  for _ in $(seq 100); do
    grep -q '^listening on' "$workdir/$name.out" 2>/dev/null && break
    sleep 0.05
  done
  local addr
  addr=$(sed -n 's/^listening on //p' "$workdir/$name.out")
  [ -n "$addr" ] || { echo "bench-vs-wrk: ringfire-target ($name) did not start" >&2; exit 1; }
  printf -v "${name}_addr" %s "$addr"
}
start_target target
# The same server closing every connection after one response: a new connection per request.
start_target close --close-every 1

version=$("$bin/ringfire" --version 2>/dev/null | head -1 || echo unknown)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo "?")
git diff --quiet HEAD -- src include 2>/dev/null || rev="$rev+dirty"

mkdir -p "$out"
echo "servers: nginx on 127.0.0.1:$nginx_port (with an access log: $nginx_log_port)," \
  "ringfire-target on $target_addr (CPU 0); clients on CPU 1; $repeats x ${duration}s per cell" >&2
python3 scripts/bench/vs_wrk.py \
  --ringfire "$bin/ringfire" --pingpong "$bin/ringfire-pingpong" \
  --pipeline-lua scripts/bench/wrk-pipeline.lua \
  --server "nginx=$nginx_pid=http://127.0.0.1:$nginx_port/" \
  --server "target=$target_pid=http://$target_addr/" \
  --close-server "target=$close_pid=http://$close_addr/" \
  --large-server "nginx=$nginx_pid=http://127.0.0.1:$nginx_port/large" \
  --slow-server "nginx+access log=$nginx_log_pid=http://127.0.0.1:$nginx_log_port/" \
  "${gcannon_args[@]}" \
  --latency-server target --client-cpu 1 ${netns:+--netns "$netns"} \
  --duration "$duration" --repeats "$repeats" --syscall-duration "$syscall_duration" \
  --ringfire-version "$version ($rev)" --out "$out"
echo >&2
echo "bench-vs-wrk: wrote $out/bench-vs-wrk.json and $out/bench-vs-wrk.md" >&2
