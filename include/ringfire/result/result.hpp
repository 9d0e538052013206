// The result of a run: counters by class, histograms with exact buckets and sums, per-label and
// per-second figures, connection figures, the schedule, the verdict and the machines it came from.
// A run of this process fills one (run/run.hpp); result/merge.hpp adds results together (a run's
// workers, or files of several machines); result/report.hpp and read_json.hpp write and read it.
// It echoes the RunConfig it ran with (a type of the run layer; no code of it is linked here).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/engine/ring.hpp"
#include "ringfire/http2/h2_stats.hpp"
#include "ringfire/machine/schedule_verdict.hpp"
#include "ringfire/machine/sysmon.hpp"
#include "ringfire/machine/verdict.hpp"
#include "ringfire/metrics/connection_stats.hpp"
#include "ringfire/metrics/histogram.hpp"
#include "ringfire/metrics/stats.hpp"
#include "ringfire/metrics/tls_stats.hpp"
#include "ringfire/result/source.hpp"
#include "ringfire/result/threshold.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

// One measured second: its figures with its latency buckets (result/merge.hpp's
// second_latency() gives its percentiles), summed over workers and sources.
struct SecondSummary {
  SecondStats stats;
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

// How the run ended for the exit status: a run that reached nothing, or whose server stopped
// answering, is a failure (exit 1) even though it produced figures.
struct Outcome {
  enum class Kind : uint8_t {
    kOk,
    kNothingReached,  // no response at all: one line, never a table of zeros
    kServerStopped,   // the report stands, with the time the server went silent; exit 1
  };
  Kind kind = Kind::kOk;
  std::string reason;         // one line, for stderr and the JSON
  double silent_from_s = -1;  // kServerStopped: seconds into the measured window
};

// One label of the scenario over the measured window (a run of one URL has one: the totals).
struct LabelSummary {
  std::string label;
  Counters counters;
  Histogram latency;  // completed responses only
};

// A result that `ringfire merge` made of several (result/merge_shards.hpp): how the shards'
// windows lined up, and the rates over the window they all shared and over their union.
struct MergeFacts {
  bool merged = false;
  uint32_t inputs = 0;            // files merged
  uint32_t shards = 0;            // the shard count they share (1: one-box results)
  double start_skew_s = 0;        // the largest difference between the sources' actual starts
  double shared_start_wall = 0;   // the window every source measured: [start, start + seconds)
  double shared_seconds = 0;      // 0: the windows did not overlap
  uint64_t shared_rows = 0;       // whole per-second rows every source has
  uint64_t shared_completed = 0;  // completed in those rows
  std::string forced;             // the refusal --force overrode ("": the inputs belong together)
  double shared_requests_per_second() const {
    return shared_rows != 0
               ? static_cast<double>(shared_completed) / static_cast<double>(shared_rows)
               : 0;
  }
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
  // Per label, in the scenario's order. `labels_kept`: the workers counted them apart (several
  // labels, or an expect); otherwise the one entry is the totals.
  std::vector<LabelSummary> labels;
  bool labels_kept = false;
  ScheduleStats schedule;
  std::vector<Delta> client;    // machine samples, one per measured second (the last may be short)
  Verdict verdict;              // is the client the bottleneck? judged from `client`
  double measured_seconds = 0;  // wall time of the measured window (from the end of warm-up)
  double start_wall = 0;        // unix seconds at the end of warm-up
  bool interrupted = false;     // stopped by SIGINT/SIGTERM
  bool stalled = false;         // -n run given up: the server stopped answering
  bool pipelining_stopped = false;  // the server announced Connection: close: batches of one
  H2Stats http2;                    // --h2c: the protocol's endings (http2/h2_stats.hpp)
  uint64_t connections_at_measure_start = 0;  // open when the measured window began
  uint64_t last_response_ns = 0;              // monotonic time of the last response (0: none)
  uint64_t wakeups = 0;
  uint64_t cqes = 0;
  uint64_t full_sq_submits = 0;  // submissions forced by a full SQ in the middle of a reap
  ConnectionStats connections;   // merged over workers (connection_stats.hpp)
  TlsStats tls;                  // https://: handshakes and their figures (tls_stats.hpp)
  uint64_t start_ns = 0;         // monotonic time the connections began to open
  RingFeatures features;         // of worker 0 (all workers probe the same kernel)
  std::string error;             // a run that could not start; empty otherwise
  Outcome outcome;               // judged last, from everything above
  // One per config.thresholds, in order; empty when the run was interrupted (not evaluated).
  std::vector<ThresholdCheck> thresholds;
  // The machines (processes) whose runs this result holds: one for a run of this process, none
  // for a worker's partial result, several once files are merged (result/source.hpp).
  std::vector<Source> sources;
  MergeFacts merge;  // set by merge_shards() only

  double requests_per_second() const;
  double bytes_per_second() const;
};

}  // namespace ringfire
