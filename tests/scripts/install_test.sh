#!/usr/bin/env bash
# cmake --install and the CPack .deb, each into a temporary root: the installed ringfire runs
# from there, the man page renders, the scripts and the schema are in place (the installed
# ringfire-validate-result finds its reader and the schema, and passes a result of the installed
# ringfire), and the package depends on liburing2, libyaml-cpp0.7, libssl3 and libnghttp2-14.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
# A loopback port that nothing listens on: bound and released here.
closed_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')

check_root() {  # ROOT (holding usr/ or bin/ directly)
  local bin=$1/bin share=$1/share
  "$bin/ringfire" --version | grep -q '^ringfire [0-9]' || { echo "no version from $bin" >&2; exit 1; }
  "$bin/ringfire-target" --help >/dev/null
  for script in sysmon plot validate-result; do
    [ -x "$bin/ringfire-$script" ] || { echo "missing $bin/ringfire-$script" >&2; exit 1; }
  done
  [ -s "$share/ringfire/result.schema.json" ] || { echo "missing schema in $share" >&2; exit 1; }
  # A run that reaches nothing (a loopback port nobody listens on) still writes a result.
  local result=$1/failed-run.json
  "$bin/ringfire" -q --json "$result" -c 1 -d 1s --timeout 200ms "http://127.0.0.1:$closed_port/" \
    2>/dev/null &&
    { echo "a run against a closed port succeeded" >&2; exit 1; }
  "$bin/ringfire-validate-result" "$result" | grep -qx '1 valid, 0 invalid' ||
    { echo "installed ringfire-validate-result rejects $result" >&2; exit 1; }
  rm -f "$result"
  local page=$share/man/man1/ringfire.1
  [ -s "$page" ] || { echo "missing $page" >&2; exit 1; }
  if command -v groff >/dev/null; then
    # -ww: every warning; a clean page prints none.
    warnings=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    [ -z "$warnings" ] || { echo "groff: $warnings" >&2; exit 1; }
  fi
  if command -v man >/dev/null; then
    MANWIDTH=80 man -l "$page" 2>/dev/null | grep -q -- '--threshold' ||
      { echo "man -l $page lacks --threshold" >&2; exit 1; }
  fi
}

cmake --install "$build" --prefix "$dir/root" >/dev/null
check_root "$dir/root"
echo "cmake --install: ok"

(cd "$dir" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$dir/pkg" >/dev/null)
deb=$(ls "$dir"/pkg/*.deb)
dpkg-deb -f "$deb" Depends | grep -q 'liburing2' || { echo "no liburing2 in Depends" >&2; exit 1; }
dpkg-deb -f "$deb" Depends | grep -q 'libyaml-cpp0.7' || { echo "no libyaml-cpp in Depends" >&2; exit 1; }
for lib in libssl3 libnghttp2-14; do  # what the binaries link for HTTPS and HTTP/2
  dpkg-deb -f "$deb" Depends | grep -q "$lib" || { echo "no $lib in Depends" >&2; exit 1; }
done
dpkg-deb -x "$deb" "$dir/deb"
check_root "$dir/deb/usr"
echo "cpack .deb $(basename "$deb"): ok"
echo "1 passed, 0 failed"
