#!/usr/bin/env bash
# Installs the servers the example experiments run (Debian 12 packages, and Express from npm into a
# cache folder outside the repo). Not part of scripts/deps.sh: CI does not need these.
#   scripts/examples/setup.sh [--without-go] [CACHE_DIR]
#   (CACHE_DIR default: ${XDG_CACHE_HOME:-~/.cache}/ringfire-examples)
# --without-go leaves out Go (~440 MB of the ~450 MB): every example but flask-dev-vs-go.json runs
# without it, seeds-quick.json included; README command 1 (scripts/demo.sh) installs that set.
# Idempotent: installs only what is missing. Prints what it did and how long it took.
set -euo pipefail
go=golang-go
if [ "${1:-}" = "--without-go" ]; then
  go=""
  shift
fi
cache=${1:-${RINGFIRE_EXAMPLES_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ringfire-examples}}
start=$(date +%s)
packages=(nginx-light python3-flask gunicorn uvicorn python3-fastapi nodejs npm $go)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs from another repository (nodesource) already brings npm: apt's npm would conflict with it.
if command -v npm >/dev/null; then
  missing=("${missing[@]/npm/}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "setup: apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "$cache/node"
if [ ! -d "$cache/node/node_modules/express" ]; then
  echo "setup: npm install express into $cache/node"
  (cd "$cache/node" && npm install --no-audit --no-fund --silent express@4 >/dev/null)
fi
echo "setup: done in $(($(date +%s) - start)) s; express in $cache/node ($(du -sh "$cache/node" | cut -f1))"
