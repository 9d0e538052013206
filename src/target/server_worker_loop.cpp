// ServerWorker: ring set-up, the event loop, accepting, and the tick. The per-connection state
// machine is in server_worker_connection.cpp.
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "ringfire/base/clock.hpp"
#include "ringfire/net/tls_options.hpp"
#include "ringfire/target/server_worker.hpp"

namespace ringfire::target {
namespace {

constexpr unsigned kSqEntries = 4096;
// Each connection can have a recv, a send and a timer in flight at once; a roomy CQ keeps the
// kernel off its overflow list under load.
constexpr unsigned kCqEntries = 65536;
// How often the loop wakes with nothing to do: the backstop for the stop flag, the lingering
// sweep and accept retries.
constexpr uint64_t kTickNs = 100'000'000;
// TLS: connections one thread serves at once (one transport slot each; a connection beyond them
// is closed at accept). The slots' buffers are reserved up front and touched only when used.
constexpr uint32_t kTlsConnections = 1024;
// TLS: HTTP bytes sealed per send (server_worker_tls.cpp), which sizes a slot's output buffer.
constexpr size_t kTlsSealBytes = 16 * 1024;

}  // namespace

template <class T>
BasicServerWorker<T>::BasicServerWorker(const ServerWorkerConfig& config) : config_(config) {
  fault_ = config.options->fault;
  // close-announced is --close-every 1: every response says "Connection: close" and closes.
  close_every_ = fault_ == FaultMode::kCloseAnnounced ? 1 : config.options->close_every;
  // validate() has made sure that no duration is negative.
  delay_ns_ = static_cast<uint64_t>(config.options->delay.count());
  if (config.options->stall_for.count() > 0) {
    stall_begin_ns_ = config.start_ns + static_cast<uint64_t>(config.options->stall_at.count());
    stall_end_ns_ = stall_begin_ns_ + static_cast<uint64_t>(config.options->stall_for.count());
  }
  clock_needed_ = delay_ns_ > 0 || stall_end_ns_ > stall_begin_ns_;
  if (config.options->count_paths) paths_ = std::make_unique<PathCounts>();
  wake_fd_ = eventfd(0, EFD_CLOEXEC);
}

template <class T>
BasicServerWorker<T>::~BasicServerWorker() {
  if (wake_fd_ >= 0) close(wake_fd_);
  if (config_.listen_fd >= 0) close(config_.listen_fd);
}

template <class T>
std::string BasicServerWorker<T>::setup() {
  if (wake_fd_ < 0) return std::string("eventfd: ") + std::strerror(errno);
  if (config_.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(config_.cpu, &set);
    const int rc = pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    if (rc != 0) {
      return "cannot pin to CPU " + std::to_string(config_.cpu) + ": " + std::strerror(rc);
    }
  }
  RingOptions options;
  options.sq_entries = kSqEntries;
  options.cq_entries = kCqEntries;
  std::string error;
  if (ring_.init(options, error) != 0) return error;
  if constexpr (!T::kIdentity) {
    TlsOptions tls;
    tls.cert_file = config_.options->tls_cert;
    tls.key_file = config_.options->tls_key;
    tls.ktls = KtlsMode::kOff;
    if (!transport_.init(tls, config_.host, kTlsConnections, kTlsSealBytes, error,
                         T::Role::kServer)) {
      return error;
    }
  }
  return {};
}

template <class T>
void BasicServerWorker<T>::wake() {
  const uint64_t one = 1;
  // A full counter or a closed fd only means the worker is already awake or gone.
  [[maybe_unused]] const ssize_t n = write(wake_fd_, &one, sizeof one);
}

template <class T>
uint64_t BasicServerWorker<T>::now_if_needed() const {
  return clock_needed_ ? now_ns() : 0;
}

template <class T>
void BasicServerWorker<T>::run() {
  arm_wake();
  arm_accept();
  if (fault_ == FaultMode::kListenerFlap) {
    next_flap_ns_ = config_.start_ns + static_cast<uint64_t>(config_.options->flap_every.count());
    arm_flap();
  }
  while (!config_.stop->load(std::memory_order_relaxed)) {
    // The tick's timeout, a signal or a full CQ end a wait as well as a completion does: either
    // way we reap what is there. Anything else means the ring is broken.
    if (const int rc = ring_.submit_and_wait(1, kTickNs); rc < 0) {
      failure_ = std::string("io_uring wait failed: ") + std::strerror(-rc);
      std::fprintf(stderr, "ringfire-target: a server thread stops: %s\n", failure_.c_str());
      return close_all();
    }
    reap();
    if (lingering_ > 0 || accept_retry_on_tick_) {
      const uint64_t now = now_ns();
      if (now >= next_tick_ns_) {
        next_tick_ns_ = now + kTickNs;
        tick();
      }
    }
  }
  finish_at_stop();
}

template <class T>
void BasicServerWorker<T>::reap() {
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  io_uring_for_each_cqe(ring_.get(), head, cqe) {
    dispatch(cqe->user_data, cqe->res, cqe->flags);
    ++seen;
  }
  io_uring_cq_advance(ring_.get(), seen);
}

template <class T>
auto BasicServerWorker<T>::lookup(uint64_t user_data) -> Connection* {
  const uint32_t index = uring_tag::index(user_data);
  const uint32_t generation = uring_tag::generation(user_data);
  if (index >= slab_.size()) return nullptr;
  Connection& c = slab_[index];
  if (c.state == ConnState::kFree || c.generation != generation) return nullptr;
  return &c;
}

template <class T>
void BasicServerWorker<T>::dispatch(uint64_t user_data, int res, unsigned flags) {
  const auto op = uring_tag::op<Op>(user_data);
  switch (op) {
    case Op::kAccept:
      on_accept(res, flags);
      return;
    case Op::kWake:
      return;  // the loop condition reads the stop flag
    case Op::kFlap:
      return on_flap();
    case Op::kRecv:
    case Op::kSend:
    case Op::kTimer: {
      Connection* c = lookup(user_data);
      if (c == nullptr) return;  // stale: the slot was recycled
      if (op == Op::kRecv) on_recv(*c, res);
      if (op == Op::kSend) on_send(*c, res);
      if (op == Op::kTimer) on_timer(*c);
      return;
    }
    case Op::kCancel:
    default:
      return;  // cancel results and liburing's own timeout completions carry no news
  }
}

template <class T>
void BasicServerWorker<T>::arm_wake() {
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_read(sqe, wake_fd_, &wake_buffer_, sizeof wake_buffer_, 0);
  io_uring_sqe_set_data64(sqe, tag(Op::kWake));
}

template <class T>
void BasicServerWorker<T>::arm_accept() {
  if (config_.listen_fd < 0) return;  // --fault listener-flap: the listener is down
  io_uring_sqe* sqe = ring_.sqe();
  // Multishot accept (5.19) posts one completion per connection from a single submission.
  if (multishot_accept_) {
    io_uring_prep_multishot_accept(sqe, config_.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  } else {
    io_uring_prep_accept(sqe, config_.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  }
  io_uring_sqe_set_data64(sqe, tag(Op::kAccept));
  accept_armed_ = true;
}

template <class T>
void BasicServerWorker<T>::on_accept(int res, unsigned flags) {
  // Without F_MORE the multishot request has ended (error, or a single-shot accept): re-arm.
  if ((flags & IORING_CQE_F_MORE) == 0) accept_armed_ = false;
  if (res < 0) {
    // Stopping, or the flapping listener went down: the accept ended on purpose.
    if (stopping_ || config_.listen_fd < 0) return;
    if (res == -EINVAL && multishot_accept_) {
      multishot_accept_ = false;  // kernel before 5.19: one accept per submission
      arm_accept();
    } else if (res == -EMFILE || res == -ENFILE || res == -ENOMEM || res == -ENOBUFS) {
      accept_retry_on_tick_ = true;  // out of descriptors/memory: retrying at once would spin
    } else if (!accept_armed_) {
      arm_accept();
    }
    return;
  }
  ++totals_.connections;
  const uint32_t index = slab_.acquire(res);
  if (index == UINT32_MAX) {
    close(res);
  } else {
    Connection& c = slab_[index];
    const TransportStep step = transport_.start(c.session);
    if constexpr (!T::kIdentity) c.io.handshaking = step == TransportStep::kHandshaking;
    if (step == TransportStep::kFailed) {
      finish_close(c);  // TLS: every slot is taken (kTlsConnections)
    } else if (fault_ != FaultMode::kNone) {
      on_accept_fault(c);
    } else {
      arm_recv(c);
    }
  }
  if (!accept_armed_) arm_accept();
}

template <class T>
void BasicServerWorker<T>::tick() {
  if (accept_retry_on_tick_) {
    accept_retry_on_tick_ = false;
    if (!accept_armed_) arm_accept();
  }
  if (lingering_ == 0) return;
  const uint64_t now = now_ns();
  for (uint32_t i = 0; i < slab_.size(); ++i) {
    Connection& c = slab_[i];
    if (c.state == ConnState::kLingering && now >= c.linger_deadline_ns) finish_close(c);
  }
}

#ifndef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY  // server_worker_tls.cpp includes this file
template class BasicServerWorker<PlainTcp>;

std::unique_ptr<ServerWorker> make_tls_server_worker(const ServerWorkerConfig& config);

std::unique_ptr<ServerWorker> make_server_worker(const ServerWorkerConfig& config) {
  if (!config.options->tls_cert.empty()) return make_tls_server_worker(config);
  return std::make_unique<BasicServerWorker<PlainTcp>>(config);
}
#endif

}  // namespace ringfire::target
