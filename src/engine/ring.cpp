#include "ringfire/engine/ring.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

#include "ringfire/engine/uring_compat.hpp"

namespace ringfire {

std::string RingFeatures::describe() const {
  std::string s;
  auto add = [&s](bool on, const char* name) {
    if (!s.empty()) s += ' ';
    s += on ? "+" : "-";
    s += name;
  };
  add(single_issuer, "defer_taskrun");
  add(coop_taskrun, "coop_taskrun");
  add(cqe_skip, "cqe_skip");
  add(ext_arg, "ext_arg");
  add(multishot_recv, "multishot_recv");
  add(buf_ring, "buf_ring");
  add(registered_files, "fixed_files");
  add(direct_sockets, "direct_sockets");
  return s;
}

Ring::~Ring() {
  if (live_) io_uring_queue_exit(&ring_);
}

namespace {

// The set-up ladder, best first. SINGLE_ISSUER|DEFER_TASKRUN (6.1) lets completions be posted only
// when this thread waits, in one batch, with no inter-processor interrupts; COOP_TASKRUN (5.19)
// at least avoids interrupting us; then plain set-ups. SUBMIT_ALL (5.18) keeps submitting past a
// failed SQE. A kernel that does not know a flag refuses the set-up (EINVAL): take the next rung.
struct Rung {
  unsigned flags;
  const char* name;
  bool single_issuer;
  bool coop;
};
constexpr Rung kLadder[] = {
    {IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL,
     "single_issuer+defer_taskrun", true, false},
    {IORING_SETUP_COOP_TASKRUN | IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SUBMIT_ALL,
     "coop_taskrun", false, true},
    {IORING_SETUP_SUBMIT_ALL, "plain", false, false},
    {0, "plain", false, false},
};

}  // namespace

int Ring::init(const RingOptions& options, std::string& error) {
  int rc = -EINVAL;
  for (const Rung& rung : kLadder) {
    if (rung.single_issuer && disabled("RINGFIRE_NO_DEFER_TASKRUN")) continue;
    io_uring_params p{};
    p.flags = rung.flags | IORING_SETUP_CQSIZE;
    p.cq_entries = options.cq_entries;
    if (options.sqpoll) {
      p.flags = IORING_SETUP_SQPOLL | IORING_SETUP_CQSIZE;  // SQPOLL excludes DEFER_TASKRUN
      p.sq_thread_idle = 100;
    }
    rc = io_uring_queue_init_params(options.sq_entries, &ring_, &p);
    if (rc == 0) {
      live_ = true;
      setup_name_ = options.sqpoll ? "sqpoll" : rung.name;
      sqpoll_ = options.sqpoll;
      features_.single_issuer = rung.single_issuer && !options.sqpoll;
      features_.coop_taskrun = rung.coop && !options.sqpoll;
      features_.cqe_skip = (p.features & IORING_FEAT_CQE_SKIP) != 0;
      features_.ext_arg = (p.features & IORING_FEAT_EXT_ARG) != 0;
      break;
    }
    if (options.sqpoll) break;
  }
  if (rc != 0) {
    error = std::string("io_uring_setup failed: ") + std::strerror(-rc) +
            (rc == -EPERM || rc == -ENOSYS
                 ? " (io_uring disabled? see /proc/sys/kernel/io_uring_disabled)"
                 : (rc == -ENOMEM ? " (raise RLIMIT_MEMLOCK: ulimit -l)" : ""));
    return rc;
  }
  probe();
  // A registered ring fd saves the file lookup on every io_uring_enter (5.18; best effort).
  io_uring_register_ring_fd(&ring_);
  if (!features_.ext_arg) {
    error = "this kernel lacks IORING_FEAT_EXT_ARG (Linux 5.11+ is required)";
    return -ENOTSUP;
  }
  return 0;
}

void Ring::probe() {
  io_uring_probe* p = io_uring_get_probe_ring(&ring_);
  // Multishot recv has no opcode of its own; it came in 6.0, the same release as
  // IORING_OP_SEND_ZC, which the probe does report.
  if (p != nullptr) {
    features_.multishot_recv = io_uring_opcode_supported(p, IORING_OP_SEND_ZC) != 0;
    io_uring_free_probe(p);
  }
  // A provided-buffer ring (5.19) is asked for the only sure way: register a one-entry ring and
  // let go of it again.
  int err = 0;
  io_uring_buf_ring* trial = compat::setup_buf_ring(&ring_, 1, BufferRing::kGroup, &err);
  features_.buf_ring = trial != nullptr;
  compat::free_buf_ring(&ring_, trial, 1, BufferRing::kGroup);
  // Switches for A/B measurements (docs/performance.md) and for testing fallback paths on new
  // kernels: RINGFIRE_NO_MULTISHOT=1, RINGFIRE_NO_CQE_SKIP=1.
  if (disabled("RINGFIRE_NO_MULTISHOT")) features_.multishot_recv = false;
  if (disabled("RINGFIRE_NO_CQE_SKIP")) features_.cqe_skip = false;
}

bool Ring::register_files(unsigned count) {
  features_.registered_files =
      !disabled("RINGFIRE_NO_FIXED_FILES") && io_uring_register_files_sparse(&ring_, count) == 0;
  return features_.registered_files;
}

bool Ring::enable_direct_sockets(int family, unsigned slot) {
  // The socket -> TCP_NODELAY -> connect chain relies on skipping its first two links' success
  // CQEs, hence cqe_skip.
  features_.direct_sockets = features_.registered_files && features_.cqe_skip &&
                             !disabled("RINGFIRE_NO_DIRECT_SOCKETS") &&
                             probe_direct_socket(family, slot);
  return features_.direct_sockets;
}

int Ring::failed(const char* call, int rc) {
  if (error_.empty()) error_ = std::string(call) + " failed: " + std::strerror(-rc);
  return rc;
}

int Ring::submit() {
  if (broken()) return -EBADFD;
  if (before_submit_ != nullptr) before_submit_(owner_);
  // A signal, or the kernel short of memory for a moment: try again, a bounded number of times.
  // With the CQ reaped before a submission (the worker advances what it handled in its hook),
  // -EBUSY means completions pile up faster than they can be posted: the same short retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    const int rc = io_uring_submit(&ring_);
    if (rc >= 0) return 0;
    if (rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) return failed("io_uring_submit", rc);
  }
  return failed("io_uring_submit", -EBUSY);
}

int Ring::submit_and_wait(unsigned want, long long timeout_ns) {
  if (broken()) return -EBADFD;
  if (before_submit_ != nullptr) before_submit_(owner_);
  __kernel_timespec timeout{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
  io_uring_cqe* cqe = nullptr;
  const int rc = io_uring_submit_and_wait_timeout(&ring_, &cqe, want, &timeout, nullptr);
  if (rc >= 0 || rc == -ETIME || rc == -EINTR || rc == -EBUSY || rc == -EAGAIN) return 0;
  return failed("io_uring_enter", rc);
}

io_uring_sqe* Ring::sqe_after_submit() {
  ++full_sq_submits_;
  if (submit() == 0) {
    // With SQPOLL the kernel thread takes the entries when it runs, not during the submit: wait
    // for it to free one (io_uring_sqring_wait returns at once when there is room).
    if (sqpoll_ && io_uring_sqring_wait(&ring_) < 0) return failed_sqe();
    if (io_uring_sqe* s = io_uring_get_sqe(&ring_)) return s;
    failed("io_uring_get_sqe", -EBUSY);  // submitted, yet no entry came free
  }
  return failed_sqe();
}

io_uring_sqe* Ring::failed_sqe() {
  std::memset(scratch_, 0, sizeof(scratch_));
  return reinterpret_cast<io_uring_sqe*>(scratch_);
}

bool disabled(const char* variable) {
  const char* value = std::getenv(variable);
  return value != nullptr && value[0] == '1';
}

void Ring::reserve(unsigned n) {
  if (io_uring_sq_space_left(&ring_) < n) submit();
}

void Ring::prep_direct_socket(int family, unsigned slot, uint8_t flags, uint64_t user_data) {
  static const int kOne = 1;
  reserve(3);  // these two and the SQE they are linked to: one submission
  io_uring_sqe* open = sqe();
  io_uring_prep_socket_direct(open, family, SOCK_STREAM, 0, slot, 0);
  open->flags |= IOSQE_IO_LINK | flags;
  open->user_data = user_data;
  io_uring_sqe* tune = sqe();
  compat::prep_setsockopt_fixed(tune, slot, IPPROTO_TCP, TCP_NODELAY, &kOne);
  tune->flags |= IOSQE_IO_LINK | flags;
  tune->user_data = user_data;
}

bool Ring::probe_direct_socket(int family, unsigned slot) {
  prep_direct_socket(family, slot, 0, 0);
  // Nothing follows the chain here: the last link's IO_LINK ends with the submission.
  if (io_uring_submit_and_wait(&ring_, 2) < 0) return false;
  bool ok = true;
  for (int i = 0; i < 2; ++i) {
    io_uring_cqe* cqe = nullptr;
    __kernel_timespec limit{1, 0};
    if (io_uring_wait_cqe_timeout(&ring_, &cqe, &limit) != 0) return false;
    ok = ok && cqe->res >= 0;
    io_uring_cqe_seen(&ring_, cqe);
  }
  return ok;
}

BufferRing::~BufferRing() {
  if (br_ != nullptr) compat::free_buf_ring(ring_, br_, count_, kGroup);
  std::free(base_);
}

int BufferRing::init(io_uring* ring, unsigned count, unsigned size, std::string& error) {
  ring_ = ring;
  count_ = count;
  size_ = size;
  base_ = static_cast<char*>(std::aligned_alloc(4096, static_cast<size_t>(count) * size));
  if (base_ == nullptr) {
    error = "cannot allocate receive buffers";
    return -ENOMEM;
  }
  int err = 0;
  br_ = compat::setup_buf_ring(ring, count, kGroup, &err);
  if (br_ == nullptr) {
    error = std::string("cannot register the provided-buffer ring (Linux 5.19+): ") +
            std::strerror(-err);
    return err;
  }
  for (unsigned id = 0; id < count; ++id) recycle(id);
  publish();
  return 0;
}

}  // namespace ringfire
