// A whole run: plan → workers (one pinned thread each) → merge → Result. The report formats a
// Result; nothing in it is computed twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/config.hpp"
#include "ringfire/histogram.hpp"
#include "ringfire/ring.hpp"
#include "ringfire/stats.hpp"

namespace ringfire {

struct SecondSummary {
  SecondStats stats;                            // summed over workers (latency buckets merged)
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;  // ns, from the merged buckets
  double wall = 0;  // wall-clock time at the start of this second (unix seconds)
};

struct Result {
  RunConfig config;
  uint32_t workers = 0;
  std::vector<int> worker_cpus;
  Counters measured;
  Counters warmup;
  Histogram latency;
  Histogram service;
  std::vector<SecondSummary> seconds;
  double measured_seconds = 0;  // wall time of the measured window (from the end of warm-up)
  double start_wall = 0;        // unix seconds at the end of warm-up
  bool interrupted = false;     // stopped by SIGINT/SIGTERM
  uint64_t wakeups = 0;
  uint64_t cqes = 0;
  RingFeatures features;  // of worker 0 (all workers probe the same kernel)
  std::string error;      // a run that could not start; empty otherwise

  double requests_per_second() const;
  double bytes_per_second() const;
};

// Runs `config` to the end (duration, request count, or `stop` becoming true). `stop` may be set
// from a signal handler.
Result run(const RunConfig& config, std::atomic<bool>& stop);

}  // namespace ringfire
