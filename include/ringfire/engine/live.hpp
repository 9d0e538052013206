// The live progress line's data: each worker publishes a small snapshot when its ledger closes a
// measured second (cold: once a second), and the run's main thread reads them for the line. The
// ledger's per-second series itself is worker-owned and never read from another thread.
//
// A seqlock, so that the worker never waits: it bumps `sequence` to odd, stores the fields with
// relaxed stores, and bumps it to even; a reader retries when it saw an odd or a changed sequence.
// Every field is a std::atomic, so a torn read is only ever discarded, never undefined behaviour.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "ringfire/metrics/histogram.hpp"
#include "ringfire/metrics/stats.hpp"

namespace ringfire {

// What one worker has measured up to the end of its last closed second.
struct LiveSecond {
  uint64_t seconds = 0;           // measured seconds closed (the last one has index seconds - 1)
  uint64_t completed = 0;         // responses in those seconds
  uint64_t errors = 0;            // failed requests and connect errors in those seconds
  uint64_t last_completed = 0;    // responses in the last closed second
  uint64_t open_connections = 0;  // at the end of the last closed second
  // Connections that became ready in the last closed second: with TLS a connection is ready
  // when its handshake is done, so these are its handshakes.
  uint64_t last_connects = 0;
  Histogram last_latency;  // latencies of the last closed second
};

class LiveSnapshot {
 public:
  LiveSnapshot();
  // Worker thread, when its ledger closed `closed` (its latency buckets and connections filled).
  void publish(const SecondStats& closed);
  // Any thread. False when the worker kept writing while we read (retried a few times first).
  bool read(LiveSecond& out) const;
  // How many seconds the worker has closed (a cheap check before read()).
  uint64_t seconds() const { return sequence_.load(std::memory_order_acquire) / 2; }

 private:
  std::atomic<uint64_t> sequence_{0};
  std::atomic<uint64_t> completed_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> last_completed_{0};
  std::atomic<uint64_t> open_connections_{0};
  std::atomic<uint64_t> last_connects_{0};
  std::atomic<uint64_t> buckets_{0};  // entries of latency_ in use
  // The closed second's non-empty latency buckets, each (index << 48 | count): a second's count
  // in one bucket of one worker stays far below 2^48. Room for every bucket of a Histogram.
  std::unique_ptr<std::atomic<uint64_t>[]> latency_;
};

// One progress line's figures, merged over the workers by the run's main thread.
struct LiveView {
  bool warming_up = false;  // before the measured window (ramp, warm-up): times only
  double elapsed_s = 0;     // into the measured window (warming up: since the start)
  double total_s = 0;       // the measured duration (warming up: ramp + warm-up); 0: none (-n)
  uint64_t requests = 0;    // -n's total, or 0
  uint64_t completed = 0;   // measured responses so far (the seconds the workers closed)
  uint64_t errors = 0;      // failed requests and connect errors so far
  uint64_t open_connections = 0;
  bool tls = false;  // https://: the line shows handshakes/s
  // The last second: requests/s, handshakes/s (connections ready) and latency percentiles of
  // the workers that have closed it.
  uint64_t second_completed = 0;
  uint64_t second_handshakes = 0;
  uint64_t p50_ns = 0, p99_ns = 0;
  double busiest_worker_cpu = -1;  // busy fraction of the busiest worker thread; -1: unknown
};

// Called by run() once a second on its main thread; never by a worker.
using ProgressSink = std::function<void(const LiveView&)>;

// Merges the snapshots of `workers` workers into `view` (its times already set), for the second
// with index `second`: the per-second figures come from the workers that have closed it.
void merge_live(const LiveSnapshot* snapshots, size_t workers, uint64_t second, LiveView& view);

}  // namespace ringfire
