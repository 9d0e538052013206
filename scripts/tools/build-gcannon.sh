#!/usr/bin/env bash
# Builds gcannon (HttpArena's C io_uring load generator) outside this repo, for
# scripts/bench/bench-vs-wrk.sh's GCANNON=/path peer. Never vendored: its source stays where it is.
#   scripts/tools/build-gcannon.sh [SOURCE] [OUT]
# SOURCE: a gcannon source directory, or a git URL to clone (default
#   https://github.com/MDA2AV/gcannon.git). OUT: where the copy, the build and the binary go
#   (default /work/gcannon-build); the binary is OUT/gcannon.
# gcannon calls io_uring_setup_buf_ring / io_uring_free_buf_ring, which liburing gained in 2.4;
# Debian 12 ships 2.3. With an older liburing this writes a two-function shim (our own code) over
# io_uring_register_buf_ring / io_uring_unregister_buf_ring and an mmap'd ring, force-included
# into every gcannon file, so gcannon's source is built unchanged.
# CI never runs this (it fetches from the network when SOURCE is a URL).
set -euo pipefail

source=${1:-https://github.com/MDA2AV/gcannon.git}
out=${2:-/work/gcannon-build}
mkdir -p "$out"
out=$(cd "$out" && pwd)
src=$out/src

rm -rf "$src"
if [ -d "$source" ]; then
  if git -C "$source" rev-parse --git-dir >/dev/null 2>&1; then
    # A checkout or a bare mirror: take its HEAD as a clean tree.
    mkdir -p "$src"
    git -C "$source" archive HEAD | tar -x -C "$src"
    git -C "$source" rev-parse --short HEAD >"$out/REVISION"
  else
    cp -r "$source" "$src"
    echo "copied from $source" >"$out/REVISION"
  fi
else
  git clone --depth 1 "$source" "$src"
  git -C "$src" rev-parse --short HEAD >"$out/REVISION"
fi
[ -f "$src/Makefile" ] && [ -f "$src/src/worker.c" ] ||
  { echo "build-gcannon: $source does not look like gcannon's source" >&2; exit 1; }

extra_cflags=""
extra_objs=""
if ! grep -q 'io_uring_setup_buf_ring' /usr/include/liburing.h; then
  cat >"$out/buf_ring_shim.h" <<'EOF'
/* liburing < 2.4 lacks these two; built by ringfire's scripts/tools/build-gcannon.sh. */
#ifndef RINGFIRE_GCANNON_BUF_RING_SHIM_H
#define RINGFIRE_GCANNON_BUF_RING_SHIM_H
#include <liburing.h>
struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring, unsigned int nentries,
                                                  int bgid, unsigned int flags, int *ret);
int io_uring_free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
                           unsigned int nentries, int bgid);
#endif
EOF
  cat >"$out/buf_ring_shim.c" <<'EOF'
/* A provided-buffer ring the way liburing 2.4 sets one up: the application maps the ring
 * memory itself (page aligned, as the kernel requires) and registers it under a group id. */
#include "buf_ring_shim.h"
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

static size_t ring_bytes(unsigned int nentries) {
    return (size_t)nentries * sizeof(struct io_uring_buf);
}

struct io_uring_buf_ring *io_uring_setup_buf_ring(struct io_uring *ring, unsigned int nentries,
                                                  int bgid, unsigned int flags, int *ret) {
    void *mem = mmap(NULL, ring_bytes(nentries), PROT_READ | PROT_WRITE,
                     MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (mem == MAP_FAILED) {
        *ret = -errno;
        return NULL;
    }
    struct io_uring_buf_reg reg;
    memset(&reg, 0, sizeof(reg));
    reg.ring_addr = (unsigned long)mem;
    reg.ring_entries = nentries;
    reg.bgid = (unsigned short)bgid;
    int r = io_uring_register_buf_ring(ring, &reg, flags);
    if (r < 0) {
        munmap(mem, ring_bytes(nentries));
        *ret = r;
        return NULL;
    }
    struct io_uring_buf_ring *br = mem;
    io_uring_buf_ring_init(br);
    *ret = 0;
    return br;
}

int io_uring_free_buf_ring(struct io_uring *ring, struct io_uring_buf_ring *br,
                           unsigned int nentries, int bgid) {
    int r = io_uring_unregister_buf_ring(ring, bgid);
    if (r < 0)
        return r;
    munmap(br, ring_bytes(nentries));
    return 0;
}
EOF
  gcc -O2 -Wall -Wextra -Werror -c -o "$out/buf_ring_shim.o" "$out/buf_ring_shim.c"
  extra_cflags="-include $out/buf_ring_shim.h"
  extra_objs="$out/buf_ring_shim.o"
fi

# gcannon's own flags, plus the shim; its Makefile links with $(LDFLAGS) after the objects.
make -C "$src" -j2 \
  CFLAGS="-O2 -Wall -Wextra -march=native -Iinclude -DUSE_PICO -Iexternal/picohttpparser $extra_cflags" \
  LDFLAGS="$extra_objs -luring -lpthread"
cp "$src/gcannon" "$out/gcannon"
echo "build-gcannon: $out/gcannon (source $(cat "$out/REVISION"))"
