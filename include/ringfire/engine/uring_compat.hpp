// What liburing 2.3 (Debian 12) lacks and ringfire uses: small equivalents of 2.4+ helpers and
// constants of newer kernels. Everything here is probed at run time before it is used.
#pragma once

#include <liburing.h>

namespace ringfire::compat {

// liburing 2.4 added io_uring_setup_buf_ring(); 2.3 has only io_uring_register_buf_ring(), which
// needs the ring memory mapped by the caller. Returns nullptr and sets *err (negative errno) on
// failure. `entries` must be a power of two.
io_uring_buf_ring* setup_buf_ring(io_uring* ring, unsigned entries, int group_id, int* err);
// Unregisters and unmaps what setup_buf_ring made.
void free_buf_ring(io_uring* ring, io_uring_buf_ring* br, unsigned entries, int group_id);

// Linux 6.7 runs setsockopt() as an io_uring command on a socket (SOCKET_URING_OP_SETSOCKOPT);
// liburing 2.5 added io_uring_prep_cmd_sock() for it, 2.3's headers lack even the SQE fields.
// Prepares setsockopt(level, optname, *value) on the fixed file `slot`. `value` must stay valid
// until the SQE has been submitted.
void prep_setsockopt_fixed(io_uring_sqe* sqe, unsigned slot, int level, int optname,
                           const int* value);

}  // namespace ringfire::compat
