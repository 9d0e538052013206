#!/usr/bin/env bash
# ringfire against h2load over HTTP/2 (h2c, prior knowledge) on this machine: client CPU per
# response, responses/s and the ratios, nginx with `listen ... http2` on CPU 0, the clients on
# CPU 1; h2load -c 100 -m 10 and -m 100, ringfire --h2c when it has it, and HTTP/1.1 against the
# same nginx for the h2/h1 rate. The machinery is scripts/bench/bench-peers.sh h2 (see there):
#   scripts/bench/bench-vs-h2load.sh [--quick] [--rounds N] [--seconds S] [--out DIR]
set -euo pipefail
exec "$(dirname "$0")/bench-peers.sh" h2 "$@"
