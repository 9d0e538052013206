#include "ringfire/engine/uring_compat.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>

namespace ringfire::compat {

namespace {
// include/uapi/linux/io_uring.h of 6.7: enum { SOCKET_URING_OP_SIOCINQ, ..._SIOCOUTQ,
// ..._GETSOCKOPT, ..._SETSOCKOPT }.
constexpr uint32_t kSocketUringOpSetsockopt = 3;
}  // namespace

void prep_setsockopt_fixed(io_uring_sqe* sqe, unsigned slot, int level, int optname,
                           const int* value) {
  io_uring_prep_rw(IORING_OP_URING_CMD, sqe, static_cast<int>(slot), nullptr, 0, 0);
  sqe->flags |= IOSQE_FIXED_FILE;
  sqe->cmd_op = kSocketUringOpSetsockopt;
  // 6.7's SQE: `level` and `optname` share the 64 bits of `addr`, `optlen` is `file_index`'s
  // word and `optval` is `addr3`'s.
  sqe->addr = static_cast<uint32_t>(level) | (uint64_t{static_cast<uint32_t>(optname)} << 32);
  sqe->file_index = sizeof(int);
  sqe->addr3 = reinterpret_cast<uintptr_t>(value);
}

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
