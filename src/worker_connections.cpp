// The worker's cold paths: opening, closing and reopening connections, failing what they had
// outstanding, timers, and the per-second series. The hot loop is in worker.cpp.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ringfire/worker.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

// ---- connections (cold paths) ----

void Worker::start_connect(uint32_t id) {
  Connection& c = conns_[id];
  if (marks_.stop_ns != 0 && now_ >= marks_.stop_ns) return;
  const Endpoint& e = config_.endpoint;
  const uint64_t t = tag(Op::kConnect, id, c.generation);
  if (direct_sockets_) {
    // socket → TCP_NODELAY → the connect below, one linked chain into slot `id`. The first two
    // post a CQE only if they fail; the rest of the chain then completes with -ECANCELED, for a
    // generation that close_connection() has already left behind.
    ring_.prep_direct_socket(e.addr.ss_family, id, IOSQE_CQE_SKIP_SUCCESS, t);
  } else {
    const int fd = ::socket(e.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      count_connect_error();
      schedule_reconnect(id);
      return;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c.fd = fd;
    if (fixed_files_ && io_uring_register_files_update(ring_.get(), id, &c.fd, 1) != 1) {
      fixed_files_ = false;  // table update refused: plain descriptors from now on
    }
  }
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_connect(sqe, fixed_files_ ? static_cast<int>(id) : c.fd,
                        reinterpret_cast<const sockaddr*>(&e.addr), e.len);
  if (fixed_files_) sqe->flags |= IOSQE_FIXED_FILE;
  sqe->user_data = t;
  c.state = State::kConnecting;
  ++connecting_;
  timers_.arm(id, now_ + static_cast<uint64_t>(config_.timeout.count()));
}

void Worker::on_connect(uint32_t id, int res) {
  Connection& c = conns_[id];
  if (c.state != State::kConnecting) return;
  --connecting_;
  c.state = State::kIdle;  // the connect is over either way (close_connection() has nothing to
                           // cancel on a failure)
  timers_.disarm(id);
  if (res < 0) {
    count_connect_error();
    close_connection(id);
    schedule_reconnect(id);
    return;
  }
  c.state = State::kOpen;
  c.backoff_shift = 0;
  c.responses = 0;
  ++open_;
  counters_for(measuring()).connects++;
  arm_recv(id);
  if (open_loop_) {
    mark_ready(id);
  } else {
    maybe_send(id);
  }
}

void Worker::arm_recv(uint32_t id) {
  Connection& c = conns_[id];
  if (c.recv_armed || c.state != State::kOpen) return;
  io_uring_sqe* sqe = ring_.sqe();
  const int target = fixed_files_ ? static_cast<int>(id) : c.fd;
  if (multishot_) {
    io_uring_prep_recv_multishot(sqe, target, nullptr, 0, 0);
  } else {
    io_uring_prep_recv(sqe, target, nullptr, 0, 0);
  }
  sqe->flags |= IOSQE_BUFFER_SELECT | (fixed_files_ ? IOSQE_FIXED_FILE : 0);
  sqe->buf_group = BufferRing::kGroup;
  sqe->user_data = tag(Op::kRecv, id, c.generation);
  c.recv_armed = true;
}

void Worker::close_connection(uint32_t id) {
  Connection& c = conns_[id];
  timers_.disarm(id);
  if (c.state == State::kOpen) --open_;
  if (c.state == State::kConnecting) --connecting_;
  if (c.fd >= 0) {
    // shutdown() ends a pending multishot recv (it completes with 0, for the old generation).
    // The fixed-file slot keeps the socket alive until the next connect replaces it.
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
    c.fd = -1;
  } else if (direct_sockets_ && c.state != State::kIdle && c.state != State::kBackoff) {
    // No descriptor to shut down: cancel what the ring still has on the slot (the multishot
    // recv, a send stuck on a full socket, a connect). Their completions carry the old
    // generation. The socket closes when the next connect replaces it in the slot (or the ring
    // goes away).
    io_uring_sqe* cancel = ring_.sqe();
    io_uring_prep_cancel_fd(cancel, static_cast<int>(id),
                            IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD_FIXED);
    cancel->flags |= IOSQE_CQE_SKIP_SUCCESS;
    cancel->user_data = tag(Op::kConnect, id, c.generation);
  }
  c.state = State::kIdle;
  c.recv_armed = false;
  c.send_busy = false;
  c.generation = (c.generation + 1) & 0xffffff;
  c.head = 0;
  inflight_ -= c.outstanding;
  c.outstanding = 0;
  c.parser.reset();
}

void Worker::fail_outstanding(uint32_t id, ErrorClass why) {
  Connection& c = conns_[id];
  for (uint32_t k = 0; k < c.outstanding; ++k) {
    const Pending& p = pending(id, c.head + k);
    if (p.budgeted) --budget_used_;  // to be sent again
    if (p.sent_ns == 0) continue;    // never reached the kernel: never counted as sent
    counters_for(p.measured).errors[static_cast<size_t>(why)]++;
    if (p.measured) {
      if (SecondStats* s = second_at(now_)) s->errors++;
    }
  }
  inflight_ -= c.outstanding;
  c.outstanding = 0;
}

void Worker::fail_and_reopen(uint32_t id, ErrorClass why) {
  fail_outstanding(id, why);
  close_connection(id);
  start_connect(id);
}

void Worker::count_connect_error() {
  counters_for(measuring()).errors[static_cast<size_t>(ErrorClass::kConnect)]++;
  if (SecondStats* s = second_at(now_)) s->connect_errors++;
}

void Worker::schedule_reconnect(uint32_t id) {
  Connection& c = conns_[id];
  c.state = State::kBackoff;
  const uint64_t delay = kBackoffBaseNs << c.backoff_shift;
  if (c.backoff_shift < kBackoffMaxShift) ++c.backoff_shift;
  timers_.arm(id, now_ + delay);
}

void Worker::on_timer(uint32_t id) {
  Connection& c = conns_[id];
  switch (c.state) {
    case State::kBackoff:
      c.state = State::kIdle;
      start_connect(id);
      break;
    case State::kConnecting:
      count_connect_error();  // connect timed out
      close_connection(id);
      schedule_reconnect(id);
      break;
    case State::kOpen:
      if (c.outstanding != 0) fail_and_reopen(id, ErrorClass::kTimeout);
      break;
    case State::kIdle:
      break;
  }
}

// ---- per-second series ----

SecondStats* Worker::second_at(uint64_t t) {
  if (t < marks_.measure_start_ns) return nullptr;
  const uint64_t index = (t - marks_.measure_start_ns) / kSecond;
  if (index >= result_.seconds.size()) return nullptr;  // roll_seconds() has not opened it yet
  return &result_.seconds[index];
}

void Worker::roll_seconds(uint64_t now) {
  if (now < marks_.measure_start_ns) return;
  const uint64_t index = (now - marks_.measure_start_ns) / kSecond;
  while (result_.seconds.size() <= index) {
    if (!result_.seconds.empty()) {
      // Close the current last second: its latencies, as sparse buckets, and the open count.
      SecondStats& last = result_.seconds.back();
      second_latency_.for_each_bucket([&last](const Histogram::Bucket& b) {
        last.latency.emplace_back(static_cast<uint32_t>(Histogram::bucket_index(b.low)), b.count);
      });
      second_latency_.reset();
      last.open_connections = open_;
    }
    result_.seconds.emplace_back();
  }
}

}  // namespace ringfire
