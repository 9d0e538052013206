#!/usr/bin/env bash
# Fails if any C++ file differs from the repo's .clang-format.
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' | grep -v '^build/' || true)
[ -n "$files" ] || exit 0
# shellcheck disable=SC2086
if ! clang-format --dry-run --Werror $files 2>/tmp/ringfire-format.txt; then
  echo "clang-format: these files need formatting (run: clang-format -i FILE):" >&2
  grep -o '^[^:]*\.[ch]pp' /tmp/ringfire-format.txt | sort -u >&2
  exit 1
fi
