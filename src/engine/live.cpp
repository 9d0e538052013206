#include "ringfire/engine/live.hpp"

namespace ringfire {
namespace {

constexpr unsigned kCountBits = 48;
constexpr uint64_t kCountMask = (uint64_t{1} << kCountBits) - 1;
constexpr int kReadAttempts = 8;

}  // namespace

LiveSnapshot::LiveSnapshot() : latency_(new std::atomic<uint64_t>[Histogram::bucket_count()]) {}

void LiveSnapshot::publish(const SecondStats& closed) {
  constexpr auto relaxed = std::memory_order_relaxed;
  const uint64_t sequence = sequence_.load(relaxed);  // only this thread writes
  sequence_.store(sequence + 1, relaxed);
  std::atomic_thread_fence(std::memory_order_release);  // the odd sequence before the fields
  completed_.store(completed_.load(relaxed) + closed.completed, relaxed);
  errors_.store(errors_.load(relaxed) + closed.errors + closed.connect_errors, relaxed);
  last_completed_.store(closed.completed, relaxed);
  open_connections_.store(closed.open_connections, relaxed);
  last_connects_.store(closed.connects, relaxed);
  size_t n = 0;
  for (const auto& [index, count] : closed.latency) {
    if (n == Histogram::bucket_count()) break;  // cannot happen: one entry per bucket at most
    latency_[n++].store(uint64_t{index} << kCountBits | (count & kCountMask), relaxed);
  }
  buckets_.store(n, relaxed);
  sequence_.store(sequence + 2, std::memory_order_release);
}

bool LiveSnapshot::read(LiveSecond& out) const {
  constexpr auto relaxed = std::memory_order_relaxed;
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    const uint64_t before = sequence_.load(std::memory_order_acquire);
    if ((before & 1) != 0) continue;
    out.seconds = before / 2;  // one publish per closed second
    out.completed = completed_.load(relaxed);
    out.errors = errors_.load(relaxed);
    out.last_completed = last_completed_.load(relaxed);
    out.open_connections = open_connections_.load(relaxed);
    out.last_connects = last_connects_.load(relaxed);
    out.last_latency.reset();
    const uint64_t n = buckets_.load(relaxed);
    for (uint64_t i = 0; i < n && i < Histogram::bucket_count(); ++i) {
      const uint64_t entry = latency_[i].load(relaxed);
      out.last_latency.add_bucket(Histogram::bucket_low(entry >> kCountBits), entry & kCountMask);
    }
    std::atomic_thread_fence(std::memory_order_acquire);  // the fields before the re-check
    if (sequence_.load(relaxed) == before) return true;
  }
  return false;
}

void merge_live(const LiveSnapshot* snapshots, size_t workers, uint64_t second, LiveView& view) {
  LiveSecond one;
  Histogram last;
  for (size_t w = 0; w < workers; ++w) {
    if (!snapshots[w].read(one)) continue;
    view.completed += one.completed;
    view.errors += one.errors;
    view.open_connections += one.open_connections;
    if (one.seconds != second + 1) continue;  // not closed yet, or already past it
    view.second_completed += one.last_completed;
    view.second_handshakes += one.last_connects;
    last.merge(one.last_latency);
  }
  view.p50_ns = last.value_at_percentile(50);
  view.p99_ns = last.value_at_percentile(99);
}

}  // namespace ringfire
