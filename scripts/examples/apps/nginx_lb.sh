#!/usr/bin/env bash
# nginx as a round-robin load balancer on 127.0.0.1:PORT in front of N gunicorn instances (one
# sync worker each, on free loopback ports), as in the fifth seed; runs in the foreground until
# SIGTERM, which stops the backends too.
#   nginx_lb.sh DIR PORT N APPS_DIR
set -euo pipefail
dir=$1 port=$2 n=$3 apps=$4
mkdir -p "$dir"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT
trap 'exit 0' TERM INT
upstream=""
for i in $(seq "$n"); do
  p=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  gunicorn --chdir "$apps" -w 1 -b "127.0.0.1:$p" --log-level warning flask_app:app \
    2>>"$dir/gunicorn-$i.log" &
  pids+=($!)
  upstream+="    server 127.0.0.1:$p;"$'\n'
done
cat >"$dir/nginx-lb.conf" <<CONF
worker_processes 1;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $dir/body;
  proxy_temp_path $dir/proxy;
  fastcgi_temp_path $dir/fastcgi;
  uwsgi_temp_path $dir/uwsgi;
  scgi_temp_path $dir/scgi;
  upstream backends {
$upstream    keepalive 32;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx-lb.conf" &
pids+=($!)
wait
