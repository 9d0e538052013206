// The worker thread's life around the hot loop: pinning, the ring and its features, opening the
// connections, the stop conditions, and what the stop leaves in flight.
#include <pthread.h>
#include <sched.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <utility>

#include "ringfire/base/clock.hpp"
#include "ringfire/engine/live.hpp"
#include "ringfire/engine/worker.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

namespace {

constexpr uint64_t kStallLimitNs = 10'000'000'000;  // -n alone: give up after 10 s of silence

// The receive pool: a number of buffers and their size, at most 64 MiB per worker.
struct RecvPool {
  unsigned count;
  unsigned size;
};

RecvPool recv_pool(uint32_t connections) {
  // Enough buffers for every connection to have a few in the CQ at once; a power of two (the
  // buffer ring requires it), from 256 to 4096. As large as the 64 MiB budget allows, up to
  // 64 KiB: a receive takes what the socket holds up to one buffer, so a large response arrives
  // in a quarter of the completions it would take in 16 KiB buffers (120 KB: 8 → 2, and the
  // worker's instructions per response roughly halve; docs/performance.md). A small response
  // touches only the first page of its buffer, so small ones cost no memory for the size.
  constexpr size_t kPoolBytes = size_t{64} << 20;
  constexpr unsigned kMaxSize = 64 * 1024;
  constexpr unsigned kMinSize = 16 * 1024;
  const unsigned want = std::clamp<unsigned>(connections * 4, 256, 4096);
  unsigned count = 1;
  while (count < want) count <<= 1;
  const auto size =
      static_cast<unsigned>(std::clamp<size_t>(kPoolBytes / count, kMinSize, kMaxSize));
  static_assert(size_t{4096} * kMinSize == kPoolBytes && size_t{256} * kMaxSize <= kPoolBytes);
  return {count, size};
}

LedgerPlan ledger_plan(const WorkerConfig& config, const WorkerPlan& plan, const RequestMix& mix,
                       const RunMarks& marks) {
  LedgerPlan p;
  p.connections = plan.connections;
  p.depth = config.http2 ? config.streams : config.pipeline;
  p.measure_start_ns = marks.measure_start_ns;
  p.stop_ns = marks.stop_ns;
  p.open_loop = plan.rate > 0;
  p.limited = plan.limited;
  p.budget = plan.requests;
  p.request_bytes = mix.is_static() ? mix.static_batch(1).size() : 0;
  p.labels = config.labels;
  return p;
}

// Some labels are HEAD and some are not: which one a response answers decides its framing.
bool mixed_head(const RequestMix& mix) {
  bool head = false, other = false;
  for (uint16_t l = 0; l < mix.labels(); ++l) (mix.head(l) ? head : other) = true;
  return head && other;
}

}  // namespace

template <Transport T>
BasicWorker<T>::BasicWorker(const WorkerConfig& config, const WorkerPlan& plan, RequestMix& mix,
                            const RunMarks& marks)
    : config_(config),
      plan_(plan),
      mix_(mix),
      static_requests_(mix.is_static()),
      mixed_head_(mixed_head(mix)),
      picks_(config.pipeline),
      queued_(config.pipeline),
      marks_(marks),
      timeout_ns_(static_cast<uint64_t>(config.timeout.count())),
      open_loop_(plan.rate > 0),
      depth_(config.pipeline),
      pacer_(plan.rate > 0 ? plan.schedule_rate : 0, config.arrival, config.seed,
             marks.schedule_ns != 0 ? marks.schedule_ns : marks.start_ns,
             static_cast<uint64_t>(config.ramp.count()), plan.schedule_first, plan.schedule_stride),
      connect_pacer_(plan.connect_rate, marks.start_ns),
      conns_(plan.connections),
      ledger_(ledger_plan(config, plan, mix, marks)),
      timers_(plan.connections, std::max<uint64_t>(timeout_ns_, 1'000'000'000), marks.start_ns) {
  // A shard started after the shared schedule's origin (--start-at with a warm-up it arrived
  // too late for) skips the warm-up requests already past instead of sending them in a burst;
  // measured ones are never skipped.
  while (pacer_.next() < marks.start_ns && pacer_.next() < marks.measure_start_ns) pacer_.advance();
  ready_.reserve(plan.connections);
  connect_queued_ns_.resize(plan.connections, 0);
  result_.connections.planned = plan.connections;
  for (Connection& c : conns_) c.parser.set_head_request(mix.head(0));
  if (!static_requests_ && (depth_ > 1 || mix.has_patches())) {
    slot_size_ = mix.max_size() * depth_;
    send_slots_.resize(slot_size_ * plan.connections);
  }
  if (marks.live != nullptr) ledger_.publish_live(&marks.live[plan.index]);
}

template <Transport T>
BasicWorker<T>::~BasicWorker() {
  for (Connection& c : conns_) {
    if (c.fd >= 0) ::close(c.fd);
  }
}

template <Transport T>
void BasicWorker<T>::run() {
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
    open_connections();
    loop();
    finish();
  }
  if (marks_.finished != nullptr) {
    marks_.finished->fetch_add(1, std::memory_order_acq_rel);
    while (!marks_.release->load(std::memory_order_acquire)) usleep(1000);
  }
}

template <Transport T>
bool BasicWorker<T>::setup() {
  RingOptions options;
  options.sq_entries = config_.sq_entries != 0
                           ? config_.sq_entries
                           : std::clamp<unsigned>(plan_.connections * 2, 64, 4096);
  options.cq_entries = options.sq_entries * 8;
  options.sqpoll = config_.sqpoll;
  if (ring_.init(options, result_.error) != 0) return false;  // needs EXT_ARG (checked there)
  if (config_.http2 && !h2_setup()) return false;
  ring_.set_before_submit(&BasicWorker::before_submit_hook, this);
  const RecvPool pool = recv_pool(plan_.connections);
  if (buffers_.init(ring_.get(), pool.count, pool.size, result_.error) != 0) {
    return false;
  }
  const RingFeatures& f = ring_.features();
  multishot_ = f.multishot_recv;
  // Skipping successful send CQEs is safe when a connection never has two sends in the kernel:
  // closed loop sends only when every response is in; open loop without pipelining likewise.
  // HTTP/2 sends whatever nghttp2 queued whenever the last send completed: it needs them all.
  skip_send_cqes_ = f.cqe_skip && (!open_loop_ || depth_ == 1) && !config_.http2;
  if constexpr (!T::kIdentity) {
    // A session's output buffer is reused once the kernel has its send: every send completes.
    skip_send_cqes_ = false;
    const size_t batch =
        static_requests_ ? mix_.static_batch(depth_).size() : mix_.max_size() * depth_;
    if (!transport_.init(config_.tls, config_.tls.sni, plan_.connections, batch, result_.error)) {
      return false;
    }
  }
  fixed_files_ = ring_.register_files(plan_.connections);
  // Sockets made by the ring straight into their slot take the socket(), setsockopt(),
  // files-update and close() syscalls out of every (re)connect.
  // --source-ip needs bind() before connect(), which a direct socket (no descriptor) cannot get
  // from liburing 2.3 (IORING_OP_BIND is Linux 6.11, liburing 2.7): those runs keep plain
  // sockets, bound synchronously and then registered into the slot.
  direct_sockets_ =
      config_.sources.empty() && ring_.enable_direct_sockets(config_.endpoint.addr.ss_family, 0);
  result_.features = ring_.features();
  now_ = now_ns();
  return true;
}

template <Transport T>
void BasicWorker<T>::open_connections() {
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
}

template <Transport T>
bool BasicWorker<T>::done(uint64_t now) {
  if (marks_.stop->load(std::memory_order_relaxed)) return true;
  if (marks_.stop_ns != 0 && now >= marks_.stop_ns) return true;
  if (!plan_.limited) return false;
  if (ledger_.result().measured.answered() >= plan_.requests) return true;
  // -n without -d has no time limit; a server that stopped answering must not hang the run.
  const uint64_t patience = std::max<uint64_t>(kStallLimitNs, 10 * timeout_ns_);
  const uint64_t last = std::max(ledger_.result().last_response_ns, marks_.start_ns);
  if (now - last > patience) {
    result_.stalled = true;
    return true;
  }
  return false;
}

template <Transport T>
void BasicWorker<T>::finish() {
  // Sends queued in the last batch are in the SQ: hand them to the kernel, as the ledger already
  // counts them as sent (they end as in flight).
  ring_.submit();
  result_.full_sq_submits = ring_.full_sq_submits();
  result_.measured_end_ns = now_;
  if (open_loop_) result_.backlog = count_backlog();
  ledger_.finish(now_);
  result_.requests = std::move(ledger_.result());
  if constexpr (!T::kIdentity) result_.tls = transport_.stats();
  if (h2_) result_.http2.alloc_peak_bytes = h2_->memory.peak();
  for (Connection& c : conns_) {
    if (c.fd >= 0) {
      ::close(c.fd);
      c.fd = -1;
    }
  }
  h2_.reset();  // nghttp2's memory goes back here, on the worker's own thread
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY
std::unique_ptr<Worker> make_worker(const WorkerConfig& config, const WorkerPlan& plan,
                                    RequestMix& mix, const RunMarks& marks) {
  // Chosen once per run (net/transport.hpp): https:// speaks TLS, everything else plain TCP.
  if (config.tls.enabled) return make_tls_worker(config, plan, mix, marks);
  return std::make_unique<BasicWorker<PlainTcp>>(config, plan, mix, marks);
}
#endif

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
// The transports this file is compiled for (net/transport.hpp); one line per member.
template BasicWorker<PlainTcp>::BasicWorker(const WorkerConfig& config, const WorkerPlan& plan,
                                            RequestMix& mix, const RunMarks& marks);
template BasicWorker<PlainTcp>::~BasicWorker();
template void BasicWorker<PlainTcp>::run();
template bool BasicWorker<PlainTcp>::setup();
template void BasicWorker<PlainTcp>::open_connections();
template bool BasicWorker<PlainTcp>::done(uint64_t now);
template void BasicWorker<PlainTcp>::finish();

#endif

}  // namespace ringfire
