// RAII over one io_uring instance: creation with the best flags the kernel takes (and a fallback),
// a probe of the features the load generator and the target server rely on, and the
// provided-buffer ring that multishot receives draw from. One Ring per worker thread (client or
// server), created in that thread.
#pragma once

#include <liburing.h>

#include <cstdint>
#include <string>

namespace ringfire {

// What this kernel and this ring can do. Filled in by Ring alone: init() probes everything it
// can on its own, register_files() and enable_direct_sockets() the two that need more set-up.
struct RingFeatures {
  bool single_issuer = false;     // IORING_SETUP_SINGLE_ISSUER|DEFER_TASKRUN (6.1): task work runs
                                  // only when we enter the kernel, in our thread, in batches
  bool coop_taskrun = false;      // the 5.19 fallback: no IPI to interrupt us for task work
  bool cqe_skip = false;          // IOSQE_CQE_SKIP_SUCCESS (5.17): no CQE for successful sends
  bool ext_arg = false;           // wait with a timeout without a timeout SQE (5.11)
  bool multishot_recv = false;    // IORING_RECV_MULTISHOT with provided buffers (6.0)
  bool buf_ring = false;          // registered provided-buffer ring (5.19)
  bool registered_files = false;  // sparse fixed-file table (5.19)
  bool direct_sockets = false;    // sockets opened, tuned and connected inside the ring
                                  // (IORING_OP_SOCKET 5.19 + setsockopt command 6.7): no
                                  // syscall per (re)connect
  std::string describe() const;   // one line, for --verbose and the JSON report
};

// True when the environment variable is set to "1": the A/B switches of docs/performance.md
// (RINGFIRE_NO_DEFER_TASKRUN, RINGFIRE_NO_MULTISHOT, RINGFIRE_NO_CQE_SKIP,
// RINGFIRE_NO_FIXED_FILES, RINGFIRE_NO_DIRECT_SOCKETS). Read once, at set-up, by Ring.
bool disabled(const char* variable);

struct RingOptions {
  unsigned sq_entries = 1024;
  unsigned cq_entries = 8192;
  bool sqpoll = false;
};

class Ring {
 public:
  Ring() = default;
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;
  ~Ring();

  // Creates the ring and probes single_issuer, coop_taskrun, cqe_skip, ext_arg, multishot_recv
  // and buf_ring. On failure returns a negative errno and fills `error` with one line.
  int init(const RingOptions& options, std::string& error);

  io_uring* get() { return &ring_; }
  const RingFeatures& features() const { return features_; }
  // How init() set the ring up: "single_issuer+defer_taskrun", "coop_taskrun", "sqpoll" or "plain".
  const char* setup_name() const { return setup_name_; }

  // Registers a sparse table of `count` fixed files (5.19) unless RINGFIRE_NO_FIXED_FILES=1;
  // sets and returns features().registered_files.
  bool register_files(unsigned count);
  // Sets and returns features().direct_sockets: sockets can be made and tuned in the ring
  // (register_files() done, cqe_skip for the chain's success CQEs, RINGFIRE_NO_DIRECT_SOCKETS
  // not set, and probe_direct_socket(family, slot) succeeds).
  bool enable_direct_sockets(int family, unsigned slot);

  // ---- the one submit path ----
  // Every submission goes through submit() or submit_and_wait(): the loop's, the one sqe() makes
  // when the SQ is full in the middle of a reap, reserve()'s and the last one at the stop. Each
  // first calls the owner's hook (the worker stamps the requests it is about to hand over, so
  // that no request reaches the kernel before its send time is taken: docs/architecture.md,
  // invariant 3), then checks the result. A ring that refuses a submission is broken(): error()
  // says why in one line, sqe() hands out a scratch entry that is never submitted, and the owner's
  // loop stops at its next turn instead of spinning.
  using BeforeSubmit = void (*)(void* owner);
  void set_before_submit(BeforeSubmit hook, void* owner) {
    before_submit_ = hook;
    owner_ = owner;
  }
  // Submits what is queued. 0, or the negative errno that broke the ring.
  int submit();
  // Submits what is queued and waits up to `timeout_ns` for `want` completions. 0 when the wait
  // ended as waits do: completions, the timeout (-ETIME), a signal (-EINTR), a full CQ that
  // wants reaping (-EBUSY) or a short-lived lack of kernel memory (-EAGAIN). Otherwise the
  // negative errno of a ring that no longer works (broken() is then set).
  int submit_and_wait(unsigned want, long long timeout_ns);
  bool broken() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  // Submissions sqe() had to make because the SQ was full (the loop's own are not counted).
  uint64_t full_sq_submits() const { return full_sq_submits_; }

  // An SQE; when the SQ is full, submit() first. Never nullptr (a scratch entry once broken()).
  io_uring_sqe* sqe() {
    io_uring_sqe* s = io_uring_get_sqe(&ring_);
    return s != nullptr ? s : sqe_after_submit();
  }
  // Submits what is queued if fewer than `n` SQEs are free, so that a chain of `n` linked SQEs
  // is never split across two submissions.
  void reserve(unsigned n);
  // Queues a TCP socket made straight into fixed-file `slot` (replacing, and so closing, what was
  // there) and TCP_NODELAY set on it, linked so that the next SQE queued runs after them on that
  // socket. `flags` go on both (IOSQE_CQE_SKIP_SUCCESS: a CQE only if one fails); both carry
  // `user_data`.
  void prep_direct_socket(int family, unsigned slot, uint8_t flags, uint64_t user_data);
  // Whether this kernel can do that (IORING_OP_SOCKET 5.19 + the setsockopt command of 6.7).
  // Tries it once, synchronously (leaves that socket in the slot; the first connect replaces it).
  // Needs a registered file table with `slot` in it.
  bool probe_direct_socket(int family, unsigned slot);

 private:
  void probe();
  io_uring_sqe* sqe_after_submit();  // cold: the SQ was full
  io_uring_sqe* failed_sqe();        // the scratch entry of a broken ring
  int failed(const char* call, int rc);

  io_uring ring_{};
  bool sqpoll_ = false;
  BeforeSubmit before_submit_ = nullptr;
  void* owner_ = nullptr;
  std::string error_;  // set once the ring refused a submission
  // What sqe() hands out once broken: filled, never submitted. Raw bytes, as io_uring_sqe ends in
  // a flexible array that may not be a member.
  alignas(io_uring_sqe) unsigned char scratch_[sizeof(io_uring_sqe)] = {};
  uint64_t full_sq_submits_ = 0;
  bool live_ = false;
  const char* setup_name_ = "none";
  RingFeatures features_;
};

// The per-worker receive memory: `count` buffers of `size` bytes in one allocation, handed to the
// kernel through a registered buffer ring. The worker parses each buffer in place and gives it back
// with recycle(); publish() makes a batch of recycled buffers visible to the kernel at once.
class BufferRing {
 public:
  static constexpr int kGroup = 0;

  BufferRing() = default;
  BufferRing(const BufferRing&) = delete;
  BufferRing& operator=(const BufferRing&) = delete;
  ~BufferRing();

  int init(io_uring* ring, unsigned count, unsigned size, std::string& error);

  const char* data(unsigned id) const { return base_ + static_cast<size_t>(id) * size_; }
  unsigned size() const { return size_; }
  unsigned count() const { return count_; }

  void recycle(unsigned id) {
    io_uring_buf_ring_add(br_, base_ + static_cast<size_t>(id) * size_, size_,
                          static_cast<unsigned short>(id), io_uring_buf_ring_mask(count_),
                          pending_++);
  }
  void publish() {
    if (pending_ != 0) io_uring_buf_ring_advance(br_, pending_);
    pending_ = 0;
  }

 private:
  io_uring* ring_ = nullptr;
  io_uring_buf_ring* br_ = nullptr;
  char* base_ = nullptr;
  unsigned count_ = 0;
  unsigned size_ = 0;
  int pending_ = 0;
};

}  // namespace ringfire
