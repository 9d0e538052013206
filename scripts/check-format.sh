#!/usr/bin/env bash
# Fails if any C++ file differs from the repo's .clang-format, or any source file is over 400 lines.
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

# One sitting per file: no source or script over 400 lines (split it by responsibility).
long=$(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' '*.h' '*.py' '*.sh' 'scripts/tools/*' |
  grep -v '^build/' | xargs -r wc -l | awk '$2 != "total" && $1 > 400 {print "  " $2 " (" $1 " lines)"}')
if [ -n "$long" ]; then
  echo "files over 400 lines (split them by responsibility):" >&2
  echo "$long" >&2
  exit 1
fi
