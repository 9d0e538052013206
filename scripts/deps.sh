#!/usr/bin/env bash
# Installs what ringfire needs to build, test and benchmark on Debian 12 (bookworm).
# Idempotent: does nothing when every package is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  liburing-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libgtest-dev libgmock-dev
  libbenchmark-dev libssl-dev openssl libnghttp2-dev python3-h2
  libhttp-parser-dev nginx-light wrk nghttp2-client python3 python3-matplotlib python3-jsonschema python3-yaml python3-flask
  procps iproute2 strace linux-perf
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
