#!/usr/bin/env bash
# README command 2: build everything and run every test.
#   1. g++ Release: unit, integration (real servers on loopback), microbenchmarks (token run)
#   2. clang++ with ASan+UBSan: unit tests, integration tests and the libFuzzer targets
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
scripts/check-format.sh

echo "== release build (g++)"
scripts/build.sh release
(cd build/release && ctest --output-on-failure --timeout 300)

echo "== sanitizer build (clang++, ASan+UBSan, libFuzzer)"
scripts/build.sh sanitize
(cd build/sanitize && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure --timeout 600)

