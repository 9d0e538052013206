#!/usr/bin/env bash
# Peak RSS of HTTP load generators holding many connections, side by side in one run: ringfire,
# wrk and (when installed) gcannon, h2load, oha, at 1k, 5k and 15k connections against nginx on
# loopback, one client thread each; prints each client's peak RSS (/usr/bin/time's maximum
# resident set size, the kernel's VmHWM) and the bytes each added connection costs.
#   scripts/bench/bench-rss.sh [--seconds S] [--counts "1000 5000 15000"]
# ringfire's RSS includes the receive buffers its workers' buffer rings have touched (at most 64 MiB
# per worker: 64 KiB buffers for few connections, 16 KiB × 4,096 for many), so it varies with traffic as much as with connections.
# Each cell runs S seconds (default 3) against a fresh nginx on a fresh port (no TIME_WAIT of the
# previous cell in the way). Needs an open-files limit above the largest count (20,000 here).
# RINGFIRE_BUILD_DIR=DIR uses the ringfire binary there (default build/release).
# All traffic goes to 127.0.0.1; every process started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=3
counts="1000 5000 15000"
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=${2:?--seconds needs a number}; shift ;;
    --counts) counts=${2:?--counts needs a list}; shift ;;
    -h | --help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-rss: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done

build=${RINGFIRE_BUILD_DIR:-build/release}
ringfire=$build/ringfire
[ -x "$ringfire" ] || { echo "bench-rss: no $ringfire (build it first)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench-rss: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v nginx >/dev/null || { echo "bench-rss: needs nginx" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/ringfire-rss-XXXXXX)
nginx_pid=
stop_nginx() {
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=
  fi
}
cleanup() { stop_nginx; rm -rf "$work"; }
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts nginx on a new port; sets $port.
start_nginx() {
  port=$(free_port)
  mkdir -p "$work/nginx"
  scripts/nginx-conf.sh "$work/nginx" "$port" | sed 's/access_log [^;]*;/access_log off;/' \
    > "$work/nginx/nginx.conf"
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
  nginx_pid=$!
  for _ in $(seq 50); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "bench-rss: nginx did not start" >&2
  exit 1
}

# The command line of client $1 with $2 connections to $3, one thread, $seconds long.
client_command() {
  case "$1" in
    ringfire) echo "$ringfire -t 1 -c $2 -d ${seconds}s --timeout 10s -q --json $work/rf.json $3" ;;
    wrk) echo "wrk -t 1 -c $2 -d ${seconds}s --timeout 10s $3" ;;
    gcannon) echo "gcannon $3 -c $2 -t 1 -d ${seconds}s" ;;
    h2load) echo "h2load --h1 -t 1 -c $2 -D $seconds $3" ;;
    oha) echo "oha --no-tui -c $2 -z ${seconds}s $3" ;;
  esac
}

clients="ringfire"
for c in wrk gcannon h2load oha; do
  if command -v "$c" >/dev/null; then clients="$clients $c"; fi
done

declare -A rss
for client in $clients; do
  for n in $counts; do
    start_nginx
    cmd=$(client_command "$client" "$n" "http://127.0.0.1:$port/")
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M' -o "$work/rss" $cmd > "$work/out" 2>&1 || true
    rss[$client,$n]=$(tail -n 1 "$work/rss")  # KiB
    stop_nginx
    open=""
    if [ "$client" = ringfire ] && [ -s "$work/rf.json" ]; then
      # A cell whose connections did not all open measures less than it says: show how many did.
      peak=$(python3 scripts/lib/ringfire_result.py "$work/rf.json" connections.peak_open)
      open=" ($peak open at the peak)"
      rm -f "$work/rf.json"
    fi
    echo "  $client -c $n: ${rss[$client,$n]} KiB$open" >&2
  done
done

first=${counts%% *}
last=${counts##* }
printf '\n%-10s' "client"
for n in $counts; do printf '%12s' "$n conns"; done
printf '%18s\n' "bytes/added conn"
for client in $clients; do
  printf '%-10s' "$client"
  for n in $counts; do
    printf '%12s' "$(awk -v k="${rss[$client,$n]}" 'BEGIN { printf "%.1f MB", k / 1024 }')"
  done
  awk -v a="${rss[$client,$first]}" -v b="${rss[$client,$last]}" -v n1="$first" -v n2="$last" \
    'BEGIN { printf "%18.0f\n", (b - a) * 1024 / (n2 - n1) }'
done
