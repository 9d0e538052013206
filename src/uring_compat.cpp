#include "ringfire/uring_compat.hpp"

#include <sys/mman.h>

#include <cerrno>

namespace ringfire::compat {

io_uring_buf_ring* setup_buf_ring(io_uring* ring, unsigned entries, int group_id, int* err) {
  const size_t bytes = entries * sizeof(io_uring_buf);
  void* mem = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  if (mem == MAP_FAILED) {
    *err = -errno;
    return nullptr;
  }
  auto* br = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_ring_init(br);
  io_uring_buf_reg reg{};
  reg.ring_addr = reinterpret_cast<unsigned long>(br);
  reg.ring_entries = entries;
  reg.bgid = static_cast<unsigned short>(group_id);
  const int rc = io_uring_register_buf_ring(ring, &reg, 0);
  if (rc != 0) {
    munmap(mem, bytes);
    *err = rc;
    return nullptr;
  }
  *err = 0;
  return br;
}

void free_buf_ring(io_uring* ring, io_uring_buf_ring* br, unsigned entries, int group_id) {
  if (br == nullptr) return;
  io_uring_unregister_buf_ring(ring, group_id);
  munmap(br, entries * sizeof(io_uring_buf));
}

}  // namespace ringfire::compat
