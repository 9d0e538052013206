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
#include "ringfire/schedule_verdict.hpp"
#include "ringfire/stats.hpp"
#include "ringfire/sysmon.hpp"
#include "ringfire/verdict.hpp"

namespace ringfire {

struct SecondSummary {
  SecondStats stats;                            // summed over workers (latency buckets merged)
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;  // ns, from the merged buckets
  double wall = 0;  // wall-clock time at the start of this second (unix seconds)
};

// Open loop only: how the schedule fared.
struct ScheduleStats {
  double requested_rate = 0;
  double achieved_rate = 0;  // measured requests sent / measured seconds
  uint64_t due = 0;          // requests whose intended time fell in the measured window
  uint64_t late = 0;         // sent > 1 ms after their intended time
  uint64_t backlog = 0;      // due but never sent (the run ended first)
  uint64_t busy_rounds = 0;  // dispatch rounds that found every connection busy
  uint64_t max_backlog = 0;  // most requests waiting for a connection at once (per worker)
  Histogram send_lag;        // actual − intended send time
  bool kept = true;
  std::string reason;  // why not, from the evidence (schedule_verdict.hpp)
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
  ScheduleStats schedule;
  std::vector<Delta> client;    // machine samples, one per measured second (the last may be short)
  Verdict verdict;              // is the client the bottleneck? judged from `client`
  double measured_seconds = 0;  // wall time of the measured window (from the end of warm-up)
  double start_wall = 0;        // unix seconds at the end of warm-up
  bool interrupted = false;     // stopped by SIGINT/SIGTERM
  bool stalled = false;         // -n run given up: the server stopped answering
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
