// Open loop: requests go out when the schedule says, each to a connection with room for it.
// A request that finds every connection busy waits, and its latency already counts (from its
// intended send time); how often that happened and how many waited is measured here.
#include <algorithm>

#include "ringfire/engine/worker.hpp"

namespace ringfire {

namespace {
constexpr uint64_t kBacklogProbeNs = 10'000'000;
}

template <Transport T>
void BasicWorker<T>::mark_ready(uint32_t id) {
  Connection& c = conns_[id];
  if (c.ready || c.state != State::kOpen || c.send_busy || ledger_.outstanding(id) >= depth_) {
    return;
  }
  c.ready = true;
  ready_.push_back(id);
}

template <Transport T>
void BasicWorker<T>::dispatch_due() {
  const uint64_t stop = marks_.stop_ns != 0 ? marks_.stop_ns : UINT64_MAX;
  while (pacer_.next() <= now_ && pacer_.next() < stop) {
    if (ready_.empty()) {
      // Every connection is busy: these requests wait, their latency already counting. Only the
      // measured window's rounds count: the schedule is judged on it.
      if (measuring()) {
        ++result_.busy_rounds;
        if (now_ - last_backlog_probe_ns_ >= kBacklogProbeNs) probe_backlog(stop);
      }
      return;
    }
    const uint32_t id = ready_.back();
    ready_.pop_back();
    Connection& c = conns_[id];
    c.ready = false;
    if (c.state != State::kOpen || c.send_busy || ledger_.outstanding(id) >= depth_) continue;
    uint32_t n = 0;
    while (ledger_.outstanding(id) < depth_ && pacer_.next() <= now_ && pacer_.next() < stop) {
      const uint64_t intended = pacer_.next();
      const bool measured = intended >= marks_.measure_start_ns;
      if (ledger_.take_budget(1, measured) == 0) break;
      queue_requests(id, n, 1, intended, measured);
      pacer_.advance();
      ++n;
    }
    if (n == 0) {
      mark_ready(id);
      return;  // -n budget spent
    }
    send_requests(id, n);
    mark_ready(id);
  }
}

// How many requests are waiting for a connection: walks a copy of the schedule up to now. Only
// when starved, and at most every kBacklogProbeNs, so a long backlog cannot make the starved
// client slower still.
template <Transport T>
void BasicWorker<T>::probe_backlog(uint64_t stop) {
  last_backlog_probe_ns_ = now_;
  Pacer probe = pacer_;
  uint64_t waiting = 0;
  // Each step of a Poisson pacer draws `stride` gaps (pacer.hpp): the bound is on the draws.
  const uint64_t most = std::max<uint64_t>(1'000, 1'000'000 / probe.stride());
  while (probe.next() <= now_ && probe.next() < stop && waiting < most) {
    probe.advance();
    ++waiting;
  }
  result_.max_backlog = std::max(result_.max_backlog, waiting);
}

// Requests due in the measured window before the stop that were never sent.
template <Transport T>
uint64_t BasicWorker<T>::count_backlog() {
  const uint64_t end = marks_.stop_ns != 0 ? std::min(marks_.stop_ns, now_) : now_;
  uint64_t n = 0;
  while (pacer_.next() < end) {
    if (pacer_.next() >= marks_.measure_start_ns) ++n;
    pacer_.advance();
  }
  return n;
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
// The transports this file is compiled for (net/transport.hpp); one line per member.
template void BasicWorker<PlainTcp>::mark_ready(uint32_t id);
template void BasicWorker<PlainTcp>::dispatch_due();
template void BasicWorker<PlainTcp>::probe_backlog(uint64_t stop);
template uint64_t BasicWorker<PlainTcp>::count_backlog();

#endif

}  // namespace ringfire
