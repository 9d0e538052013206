// The one merge of results: the workers of a run (run.cpp merges each worker's partial result)
// and, unchanged, result files of several machines. Counters add, histograms add bucket by bucket
// (with their exact sums, min, max and saturated counts), per-second rows add on the wall-clock
// second they began, labels add by name, connection figures add, and each source is kept.
#pragma once

#include <cstdint>

#include "ringfire/run/run.hpp"

namespace ringfire {

// Afterwards `into` holds both results. An empty `into` (no worker yet) becomes `part`.
// Per field:
//  - config, ring features, outcome, thresholds: `into`'s (the first part's); the caller judges
//    the merged run again (run() does: verdict, schedule, outcome, thresholds);
//  - workers, connections at measure start, wakeups, cqes, schedule counts: summed;
//    worker_cpus appended; max_backlog, last_response_ns: the largest; start_ns: the earliest;
//  - measured, warmup, labels (by name; a new name is appended): Counters::add, Histogram::merge;
//  - latency, service, send lag, connect latency: Histogram::merge (exact);
//  - tls: TlsStats::add (counts and name counts add, handshake histograms merge);
//  - seconds: row k of `part` adds to the row that began on the same wall-clock second
//    (offset rounded from the start_wall difference), its buckets merged;
//  - start_wall: the earliest; measured_seconds: equal starts keep the longest, else the union;
//  - interrupted, stalled, pipelining_stopped: either; error: the first;
//  - sources: appended (a worker's partial result has none; run() adds the one of this process).
void merge(Result& into, const Result& part);

// Fills each source's verdict_json/client_json that are still empty from Result::verdict and
// Result::client (a run of this process has one source): before its result is merged with
// another's, so that each source keeps its own.
void seal_sources(Result& result);

// The figures of one per-second row, from its buckets (as the CSV and the JSON print them):
// percentiles of the buckets' lower bounds, max the upper bound of the highest bucket.
struct SecondLatency {
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;  // ns
};
SecondLatency second_latency(const SecondStats& second);

}  // namespace ringfire
