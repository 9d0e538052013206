// The hot loop. Read top to bottom: setup → loop (wait, dispatch completions, expire timers, send
// what is due) → finish (account for what is still in flight).
#include "ringfire/worker.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "ringfire/clock.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

namespace {

constexpr uint64_t kDispatchQuantumNs = 20'000;  // open loop: shortest sleep between dispatches
constexpr uint64_t kBacklogProbeNs = 10'000'000;
constexpr uint64_t kMaxWaitNs = 10'000'000;  // wake at least this often: stop flag, timers
constexpr unsigned kRecvBufferSize = 16 * 1024;
constexpr uint64_t kStallLimitNs =
    10'000'000'000;  // -n alone: give up after 10 s without a response

unsigned recv_buffer_count(uint32_t connections) {
  // Enough for every connection to have a few buffers' worth in the CQ at once; a power of two
  // (the buffer ring requires it), at most 32768 (16-bit buffer ids).
  const unsigned want = std::clamp<unsigned>(connections * 4, 256, 4096);
  unsigned n = 1;
  while (n < want) n <<= 1;
  return n;
}

}  // namespace

Worker::Worker(const RunConfig& config, const WorkerPlan& plan, const RequestBytes& requests,
               const RunMarks& marks)
    : config_(config),
      plan_(plan),
      requests_(requests),
      marks_(marks),
      depth_(requests.depth()),
      open_loop_(plan.rate > 0),
      pacer_(
          plan.rate, config.arrival, config.seed + plan.index, marks.start_ns,
          static_cast<uint64_t>(config.ramp.count()),
          plan.rate > 0 ? static_cast<double>(plan.index) / static_cast<double>(plan.workers) : 0),
      conns_(plan.connections),
      pending_(static_cast<size_t>(plan.connections) * requests.depth()),
      timers_(plan.connections,
              static_cast<uint64_t>(std::max<int64_t>(config.timeout.count(), 1'000'000'000)),
              marks.start_ns) {
  unstamped_.reserve(plan.connections);
  ready_.reserve(plan.connections);
  for (Connection& c : conns_) c.parser.set_head_request(requests.head());
}

Worker::~Worker() {
  for (Connection& c : conns_) {
    if (c.fd >= 0) ::close(c.fd);
  }
}

void Worker::run() {
  tid_.store(static_cast<pid_t>(gettid()), std::memory_order_release);
  if (plan_.cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(plan_.cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);  // best effort: cgroups may deny
  }
  // The default 50 us timer slack would blur every open-loop wake-up; ask for the exact time.
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  if (setup()) {
    loop();
    finish();
  }
  if (marks_.finished != nullptr) {
    marks_.finished->fetch_add(1, std::memory_order_acq_rel);
    while (!marks_.release->load(std::memory_order_acquire)) usleep(1000);
  }
}

bool Worker::setup() {
  RingOptions options;
  options.sq_entries = std::clamp<unsigned>(plan_.connections * 2, 64, 4096);
  options.cq_entries = options.sq_entries * 8;
  options.sqpoll = config_.sqpoll;
  if (ring_.init(options, result_.error) != 0) return false;
  const RingFeatures& f = ring_.features();
  if (!f.ext_arg) {
    result_.error = "io_uring without IORING_FEAT_EXT_ARG (Linux 5.11+ needed)";
    return false;
  }
  if (buffers_.init(ring_.get(), recv_buffer_count(plan_.connections), kRecvBufferSize,
                    result_.error) != 0) {
    return false;
  }
  multishot_ = f.multishot_recv;
  // Skipping successful send CQEs is safe when a connection never has two sends in the kernel:
  // closed loop sends only when every response is in; open loop without pipelining likewise.
  skip_send_cqes_ = f.cqe_skip && (!open_loop_ || depth_ == 1);
  fixed_files_ = !disabled("RINGFIRE_NO_FIXED_FILES") &&
                 io_uring_register_files_sparse(ring_.get(), plan_.connections) == 0;
  // Sockets made by the ring straight into their slot take the socket(), setsockopt(),
  // files-update and close() syscalls out of every (re)connect. The chain relies on skipping
  // the success CQEs of its first two links.
  direct_sockets_ = fixed_files_ && f.cqe_skip && !disabled("RINGFIRE_NO_DIRECT_SOCKETS") &&
                    ring_.probe_direct_socket(config_.endpoint.addr.ss_family, 0);
  result_.features = f;
  result_.features.registered_files = fixed_files_;
  result_.features.direct_sockets = direct_sockets_;
  result_.features.buf_ring = true;
  const uint64_t measured_span =
      marks_.stop_ns > marks_.measure_start_ns ? marks_.stop_ns - marks_.measure_start_ns : 0;
  result_.seconds.reserve(measured_span / kSecond + 2);
  now_ = now_ns();
  last_progress_ns_ = now_;
  const uint64_t ramp = static_cast<uint64_t>(config_.ramp.count());
  for (uint32_t id = 0; id < plan_.connections; ++id) {
    if (ramp != 0 && !open_loop_) {
      // Closed-loop ramp: connection g of all N opens at start + ramp·g/N.
      const uint64_t g = plan_.first_connection + id;
      conns_[id].state = State::kBackoff;
      timers_.arm(id, marks_.start_ns + ramp * g / config_.connections);
    } else {
      start_connect(id);
    }
  }
  return true;
}

void Worker::loop() {
  io_uring* ring = ring_.get();
  while (true) {
    // Every send prepared since the last wait is handed to the kernel by this call: stamp them now.
    const uint64_t now = now_ns();
    stamp_sends(now);
    uint64_t wait = kMaxWaitNs;
    if (marks_.stop_ns != 0) {
      wait = std::min(wait, marks_.stop_ns > now ? marks_.stop_ns - now : 0);
    }
    if (open_loop_ && !ready_.empty()) {
      // Wake for the next due request, but no more often than kDispatchQuantumNs: at high rates
      // one wake-up then sends every request that came due in the quantum (each keeps its own
      // intended time, so the lag this adds is measured and reported, never hidden).
      const uint64_t due_in = pacer_.next() > now ? pacer_.next() - now : 0;
      wait = std::min(wait, std::max(due_in, kDispatchQuantumNs));
    }
    // Batched wait: with many requests in flight, wake for several completions at once (one
    // io_uring_enter per batch instead of per response), but never wait longer than
    // config_.wait_max for the batch to fill: that bound is all the latency a batch can add.
    // With few requests in flight it waits for one completion, as a blocking client would.
    // Half of what is in flight: the server keeps the other half to work on meanwhile; at 100
    // connections that is ~50 completions per io_uring_enter (0.02 syscalls per response).
    unsigned wait_nr = 1;
    if (config_.wait_batch > 1) {
      const uint64_t expected = (inflight_ / depth_ + connecting_) / 2;
      wait_nr = static_cast<unsigned>(std::clamp<uint64_t>(expected, 1, config_.wait_batch));
      if (wait_nr > 1) {
        wait = std::min(wait, static_cast<uint64_t>(config_.wait_max.count()));
      }
    }
    __kernel_timespec ts{0, static_cast<long long>(std::max<uint64_t>(wait, 1000))};
    io_uring_cqe* cqe = nullptr;
    io_uring_submit_and_wait_timeout(ring, &cqe, wait_nr, &ts, nullptr);
    now_ = now_ns();
    roll_seconds(now_);

    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(ring, head, cqe) {
      ++seen;
      const uint64_t t = cqe->user_data;
      const uint32_t id = tag_id(t);
      const bool stale =
          id >= conns_.size() || tag_generation(t) != (conns_[id].generation & 0xffffff);
      if (stale) {
        // A completion for a connection closed since: its buffer still goes back to the pool.
        if ((cqe->flags & IORING_CQE_F_BUFFER) != 0) {
          buffers_.recycle(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
        }
        continue;
      }
      switch (tag_op(t)) {
        case Op::kConnect:
          on_connect(id, cqe->res);
          break;
        case Op::kSend:
          on_send(id, cqe->res);
          break;
        case Op::kRecv:
          on_recv(id, cqe->res, cqe->flags);
          break;
      }
    }
    io_uring_cq_advance(ring, seen);
    buffers_.publish();
    if (seen != 0) {
      ++result_.wakeups;
      result_.cqes += seen;
    }
    timers_.expire(now_, [this](uint32_t id) { on_timer(id); });
    if (done(now_)) break;
    if (open_loop_) dispatch_due();
  }
}

bool Worker::done(uint64_t now) {
  if (marks_.stop->load(std::memory_order_relaxed)) return true;
  if (marks_.stop_ns != 0 && now >= marks_.stop_ns) return true;
  if (!plan_.limited) return false;
  if (result_.measured.completed >= plan_.requests) return true;
  // -n without -d has no time limit; a server that stopped answering must not hang the run.
  const uint64_t patience =
      std::max<uint64_t>(kStallLimitNs, 10 * static_cast<uint64_t>(config_.timeout.count()));
  if (now - last_progress_ns_ > patience) {
    result_.stalled = true;
    return true;
  }
  return false;
}

void Worker::finish() {
  result_.measured_end_ns = now_;
  if (open_loop_) result_.backlog = count_backlog();
  // What was sent and neither answered nor failed is in flight: the last term of the identity.
  for (uint32_t id = 0; id < conns_.size(); ++id) {
    Connection& c = conns_[id];
    for (uint32_t k = 0; k < c.outstanding; ++k) {
      const Pending& p = pending(id, c.head + k);
      if (p.sent_ns != 0) counters_for(p.measured).in_flight++;
    }
  }
  roll_seconds(now_ + kSecond);  // fold the last partial second
  // The last second is partial; trim slots past the measured end.
  const uint64_t span =
      now_ >= marks_.measure_start_ns ? (now_ - marks_.measure_start_ns) / kSecond + 1 : 0;
  if (result_.seconds.size() > span) result_.seconds.resize(span);
  for (Connection& c : conns_) {
    if (c.fd >= 0) {
      ::close(c.fd);
      c.fd = -1;
    }
  }
}

// ---- requests and responses (the hot path) ----

void Worker::maybe_send(uint32_t id) {
  Connection& c = conns_[id];
  if (c.state != State::kOpen || c.outstanding != 0) return;
  if (marks_.stop_ns != 0 && now_ >= marks_.stop_ns) return;
  uint32_t n = depth_;
  // -n counts requests when they are prepared, so connections preparing in the same round
  // cannot overshoot the budget together.
  const bool measured = measuring();
  const bool budgeted = plan_.limited && measured;
  if (budgeted) {
    const uint64_t left = plan_.requests > budget_used_ ? plan_.requests - budget_used_ : 0;
    if (left == 0) return;
    n = static_cast<uint32_t>(std::min<uint64_t>(n, left));
    budget_used_ += n;
  }
  c.head = 0;
  for (uint32_t k = 0; k < n; ++k) pending(id, k) = Pending{0, 0, measured, budgeted};
  send_requests(id, n);
}

// Hands the next `n` requests of connection `id` (already in its Pending slice) to the ring as
// one send of contiguous preformatted bytes.
void Worker::send_requests(uint32_t id, uint32_t n) {
  Connection& c = conns_[id];
  const auto bytes = requests_.batch(n);
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_send(sqe, fixed_files_ ? static_cast<int>(id) : c.fd, bytes.data(), bytes.size(),
                     MSG_NOSIGNAL | MSG_WAITALL);
  sqe->user_data = tag(Op::kSend, id, c.generation);
  if (fixed_files_) sqe->flags |= IOSQE_FIXED_FILE;
  if (skip_send_cqes_) {
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;  // failures still complete
  } else {
    c.send_busy = true;  // the next send on this socket waits for this one's completion
  }
  c.outstanding += n;
  inflight_ += n;
  unstamped_.push_back(id);
}

void Worker::stamp_sends(uint64_t now) {
  if (unstamped_.empty()) return;
  roll_seconds(now);
  for (const uint32_t id : unstamped_) {
    Connection& c = conns_[id];
    for (uint32_t k = 0; k < c.outstanding; ++k) {
      Pending& p = pending(id, c.head + k);
      if (p.sent_ns != 0) continue;  // stamped in an earlier round
      p.sent_ns = now;
      if (!open_loop_) p.intended_ns = now;  // closed loop: intended is the actual send
      Counters& counters = counters_for(p.measured);
      counters.sent++;
      counters.bytes_sent += requests_.size();
      if (!p.measured) continue;
      SecondStats* s = second_at(now);
      if (s != nullptr) s->sent++;
      if (open_loop_) {
        const uint64_t lag = now - p.intended_ns;
        result_.send_lag.record(lag);
        if (lag > kLateNs) {
          ++result_.late;
          if (s != nullptr) s->late++;
        }
        if (s != nullptr) s->lag_max = std::max(s->lag_max, lag);
      }
    }
    // The deadline follows the oldest outstanding request.
    if (c.outstanding != 0 && !timers_.armed(id)) {
      timers_.arm(id, pending(id, c.head).sent_ns + static_cast<uint64_t>(config_.timeout.count()));
    }
  }
  unstamped_.clear();
}

void Worker::mark_ready(uint32_t id) {
  Connection& c = conns_[id];
  if (c.ready || c.state != State::kOpen || c.send_busy || c.outstanding >= depth_) return;
  c.ready = true;
  ready_.push_back(id);
}

void Worker::dispatch_due() {
  const uint64_t stop = marks_.stop_ns != 0 ? marks_.stop_ns : UINT64_MAX;
  uint64_t due_left = 0;
  while (pacer_.next() <= now_ && pacer_.next() < stop) {
    if (ready_.empty()) {
      // Every connection is busy: these requests wait, their latency already counting.
      ++result_.busy_rounds;
      due_left = 1;
      break;
    }
    const uint32_t id = ready_.back();
    ready_.pop_back();
    Connection& c = conns_[id];
    c.ready = false;
    if (c.state != State::kOpen || c.send_busy || c.outstanding >= depth_) continue;
    uint32_t n = 0;
    while (c.outstanding + n < depth_ && pacer_.next() <= now_ && pacer_.next() < stop) {
      const uint64_t intended = pacer_.next();
      const bool measured = intended >= marks_.measure_start_ns;
      const bool budgeted = plan_.limited && measured;
      if (budgeted) {
        if (budget_used_ >= plan_.requests) break;
        ++budget_used_;
      }
      pending(id, c.head + c.outstanding + n) = Pending{intended, 0, measured, budgeted};
      pacer_.advance();
      ++n;
    }
    if (n == 0) {
      mark_ready(id);
      break;  // -n budget spent
    }
    send_requests(id, n);
    mark_ready(id);
  }
  if (due_left != 0 && now_ - last_backlog_probe_ns_ >= kBacklogProbeNs) {
    // How many are waiting: walk a copy of the schedule up to now. Only when starved, and at most
    // every kBacklogProbeNs, so a long backlog cannot make the starved client slower still.
    last_backlog_probe_ns_ = now_;
    Pacer probe = pacer_;
    uint64_t waiting = 0;
    while (probe.next() <= now_ && probe.next() < stop && waiting < 1'000'000) {
      probe.advance();
      ++waiting;
    }
    result_.max_backlog = std::max(result_.max_backlog, waiting);
  }
}

uint64_t Worker::count_backlog() {
  // Requests due in the measured window before the stop that were never sent.
  const uint64_t end = marks_.stop_ns != 0 ? std::min(marks_.stop_ns, now_) : now_;
  uint64_t n = 0;
  while (pacer_.next() < end) {
    if (pacer_.next() >= marks_.measure_start_ns) ++n;
    pacer_.advance();
  }
  return n;
}

// Records the response the parser just completed. Returns false when the connection must close.
bool Worker::on_response(uint32_t id) {
  Connection& c = conns_[id];
  const ResponseInfo& info = c.parser.info();
  if (c.outstanding == 0) {
    fail_and_reopen(id, ErrorClass::kParse);  // a response nobody asked for
    return false;
  }
  const Pending p = pending(id, c.head);
  c.head = (c.head + 1) % depth_;
  --c.outstanding;
  --inflight_;
  ++c.responses;
  Counters& counters = counters_for(p.measured);
  counters.completed++;
  last_progress_ns_ = now_;
  counters.status[info.status < 600 ? info.status / 100 : 0]++;
  if (p.measured) {
    const uint64_t latency = now_ - p.intended_ns;
    result_.latency.record(latency);
    result_.service.record(now_ - p.sent_ns);
    second_latency_.record(latency);
    if (SecondStats* s = second_at(now_)) s->completed++;
  }
  if (!info.keep_alive) {
    // The server closes after this response: not an error, unless pipelined requests were lost.
    if (c.outstanding != 0) {
      fail_and_reopen(id, ErrorClass::kClosed);
    } else {
      ++counters.peer_closes;
      close_connection(id);
      start_connect(id);
    }
    return false;
  }
  if (c.outstanding == 0) {
    timers_.disarm(id);
  } else if (pending(id, c.head).sent_ns != 0) {
    const uint64_t deadline =
        pending(id, c.head).sent_ns + static_cast<uint64_t>(config_.timeout.count());
    if (timers_.deadline(id) != deadline) timers_.arm(id, deadline);
  }
  if (open_loop_) {
    mark_ready(id);
  } else if (c.outstanding == 0) {
    maybe_send(id);
  }
  return true;
}

void Worker::on_recv(uint32_t id, int res, uint32_t flags) {
  Connection& c = conns_[id];
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if (res > 0) {
    const unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
    const char* data = buffers_.data(bid);
    size_t len = static_cast<size_t>(res);
    if (now_ >= marks_.measure_start_ns) {
      result_.measured.bytes_received += len;
      if (SecondStats* s = second_at(now_)) s->bytes_received += len;
    } else {
      result_.warmup.bytes_received += len;
    }
    const uint32_t generation = c.generation;
    while (len != 0) {
      const ResponseParser::Result r = c.parser.feed({data, len});
      data += r.consumed;
      len -= r.consumed;
      if (r.status == ResponseParser::Status::kComplete) {
        if (!on_response(id)) break;
      } else if (r.status == ResponseParser::Status::kError) {
        fail_and_reopen(id, ErrorClass::kParse);
        break;
      } else {
        break;
      }
    }
    buffers_.recycle(bid);
    if (c.generation != generation)
      return;  // closed while parsing; the new socket has its own recv
    if (!more) {
      c.recv_armed = false;
      arm_recv(id);
    }
    return;
  }
  if ((flags & IORING_CQE_F_BUFFER) != 0) buffers_.recycle(flags >> IORING_CQE_BUFFER_SHIFT);
  if (res == -ENOBUFS) {
    // The buffer pool ran dry: back-pressure, not an error. Multishot recv ends without F_MORE.
    if (!more) {
      c.recv_armed = false;
      arm_recv(id);
    }
    return;
  }
  if (res == -EINVAL && multishot_ && c.responses == 0 && c.outstanding != 0) {
    multishot_ = false;  // kernel without multishot recv: fall back to one recv per completion
    c.recv_armed = false;
    arm_recv(id);
    return;
  }
  c.recv_armed = false;
  if (res == 0) {
    // Peer closed. A body delimited by close completes now; requests still waiting are lost.
    if (c.parser.finish() == ResponseParser::Status::kComplete && !on_response(id)) return;
    if (c.outstanding != 0) {
      fail_and_reopen(id, ErrorClass::kClosed);
    } else {
      counters_for(measuring()).peer_closes++;
      close_connection(id);
      start_connect(id);
    }
    return;
  }
  if (c.outstanding != 0) {
    fail_and_reopen(id, ErrorClass::kRead);
  } else {
    counters_for(measuring()).peer_closes++;  // reset between requests: nothing was lost
    close_connection(id);
    start_connect(id);
  }
}

void Worker::on_send(uint32_t id, int res) {
  // Only failures arrive here when successful sends skip their CQE. MSG_WAITALL makes io_uring
  // retry short sends, so a short count is an error too.
  Connection& c = conns_[id];
  const bool was_busy = c.send_busy;
  c.send_busy = false;
  if (res < 0 || (res == 0 && c.outstanding != 0)) {
    fail_and_reopen(id, ErrorClass::kWrite);
    return;
  }
  if (was_busy && open_loop_) mark_ready(id);
}

}  // namespace ringfire
