#!/usr/bin/env bash
# Configures and builds one flavour of ringfire into build/<flavour>.
#   scripts/build.sh [release|sanitize] 
# release:  g++, Release, warnings as errors (the binaries users run)
# sanitize: clang++, ASan+UBSan, libFuzzer targets, warnings as errors
set -euo pipefail
cd "$(dirname "$0")/.."
flavour=${1:-release}
jobs=$(nproc)
case "$flavour" in
  release)
    cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ \
      -DRINGFIRE_DISCOVER_UNIT_TESTS=OFF >/dev/null
    cmake --build build/release -j"$jobs"
    ;;
  sanitize)
    cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
      -DRINGFIRE_SANITIZE=ON -DRINGFIRE_FUZZ=ON -DRINGFIRE_MICROBENCH=OFF \
      -DRINGFIRE_DISCOVER_UNIT_TESTS=OFF >/dev/null
    cmake --build build/sanitize -j"$jobs"
    ;;
  *)
    echo "usage: scripts/build.sh [release|sanitize]" >&2
    exit 2
    ;;
esac
