#!/usr/bin/env bash
# Prints a minimal nginx.conf that serves a small fixed response on 127.0.0.1:PORT with its files
# (pid, logs, temp) under PREFIX. Used by the demo, the benchmarks and the integration tests.
#   scripts/nginx-conf.sh PREFIX PORT [BODY]
# NGINX_LISTEN_EXTRA=http2 makes it HTTP/2 by prior knowledge (h2c), NGINX_KEEPALIVE_REQUESTS=N
# caps the requests per connection (GOAWAY after N over HTTP/2); PREFIX/files/ is served at /files/.
set -euo pipefail
prefix=$1
port=$2
body=${3:-Hello, world!}
cat <<CONF
worker_processes 1;
worker_rlimit_nofile 20000;  # room for the 15,000-connection test (nginx raises its own limit)
daemon off;
master_process on;
pid $prefix/nginx.pid;
error_log $prefix/error.log warn;
events { worker_connections 16384; }
http {
  access_log $prefix/access.log;
  client_body_temp_path $prefix/body;
  proxy_temp_path $prefix/proxy;
  fastcgi_temp_path $prefix/fastcgi;
  uwsgi_temp_path $prefix/uwsgi;
  scgi_temp_path $prefix/scgi;
  keepalive_requests ${NGINX_KEEPALIVE_REQUESTS:-1000000};
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:$port reuseport backlog=4096 ${NGINX_LISTEN_EXTRA:-};
    location /files/ { root $prefix; }
    location / {
      default_type text/plain;
      return 200 "$body";
    }
  }
}
CONF
