#include "ringfire/result/merge.hpp"

#include <algorithm>
#include <cmath>

#include "ringfire/machine/sysmon.hpp"
#include "ringfire/machine/verdict.hpp"

namespace ringfire {

namespace {

void merge_labels(std::vector<LabelSummary>& into, const std::vector<LabelSummary>& part) {
  for (size_t i = 0; i < part.size(); ++i) {
    const LabelSummary& p = part[i];
    // The same scenario has the same labels in the same order: the index first, then the name.
    auto it = i < into.size() && into[i].label == p.label
                  ? into.begin() + static_cast<std::ptrdiff_t>(i)
                  : std::find_if(into.begin(), into.end(),
                                 [&p](const LabelSummary& l) { return l.label == p.label; });
    if (it == into.end()) {
      into.push_back(p);
      continue;
    }
    it->counters.add(p.counters);
    it->latency.merge(p.latency);
  }
}

// Row k of `part` began `offset` whole seconds after row 0 of `into` (negative: before).
void merge_seconds(Result& into, const Result& part, int64_t offset) {
  if (offset < 0) {
    const auto shift = static_cast<size_t>(-offset);
    std::vector<SecondSummary> rows(shift);
    for (size_t k = 0; k < shift; ++k) rows[k].wall = part.start_wall + static_cast<double>(k);
    into.seconds.insert(into.seconds.begin(), rows.begin(), rows.end());
    offset = 0;
  }
  const auto first = static_cast<size_t>(offset);
  const size_t rows = std::max(into.seconds.size(), first + part.seconds.size());
  for (size_t k = into.seconds.size(); k < rows; ++k) {
    SecondSummary row;
    row.wall = k >= first ? part.seconds[k - first].wall : into.start_wall + static_cast<double>(k);
    into.seconds.push_back(row);
  }
  for (size_t k = 0; k < part.seconds.size(); ++k) {
    into.seconds[first + k].stats.add(part.seconds[k].stats);
  }
}

void merge_window(Result& into, const Result& part) {
  if (part.start_wall == into.start_wall) {
    into.measured_seconds = std::max(into.measured_seconds, part.measured_seconds);
    return;
  }
  const double end =
      std::max(into.start_wall + into.measured_seconds, part.start_wall + part.measured_seconds);
  into.start_wall = std::min(into.start_wall, part.start_wall);
  into.measured_seconds = end - into.start_wall;
}

void merge_schedule(ScheduleStats& into, const ScheduleStats& part) {
  into.due += part.due;
  into.late += part.late;
  into.backlog += part.backlog;
  into.busy_rounds += part.busy_rounds;
  into.max_backlog = std::max(into.max_backlog, part.max_backlog);
  into.send_lag.merge(part.send_lag);
  into.kept = into.kept && part.kept;
  if (into.reason.empty()) into.reason = part.reason;
}

// `source` of `result` with its verdict and machine samples as text, from the typed ones when
// the source is this process's run.
Source sealed(const Result& result, const Source& source) {
  Source s = source;
  if (s.verdict_json.empty()) s.verdict_json = to_json(result.verdict).dump();
  if (s.client_json.empty()) {
    for (const Delta& d : result.client) s.client_json.push_back(to_json(d).dump());
  }
  return s;
}

}  // namespace

void seal_sources(Result& result) {
  for (Source& s : result.sources) s = sealed(result, s);
}

void merge(Result& into, const Result& part) {
  if (into.workers == 0) {
    into = part;
    return;
  }
  const auto offset = static_cast<int64_t>(std::llround(part.start_wall - into.start_wall));
  merge_seconds(into, part, offset);
  merge_window(into, part);
  into.workers += part.workers;
  into.worker_cpus.insert(into.worker_cpus.end(), part.worker_cpus.begin(), part.worker_cpus.end());
  into.measured.add(part.measured);
  into.warmup.add(part.warmup);
  into.latency.merge(part.latency);
  into.service.merge(part.service);
  merge_labels(into.labels, part.labels);
  into.labels_kept = into.labels_kept || part.labels_kept;
  merge_schedule(into.schedule, part.schedule);
  into.interrupted = into.interrupted || part.interrupted;
  into.stalled = into.stalled || part.stalled;
  into.pipelining_stopped = into.pipelining_stopped || part.pipelining_stopped;
  into.http2.add(part.http2);
  into.connections_at_measure_start += part.connections_at_measure_start;
  into.last_response_ns = std::max(into.last_response_ns, part.last_response_ns);
  into.wakeups += part.wakeups;
  into.cqes += part.cqes;
  into.full_sq_submits += part.full_sq_submits;
  into.connections.add(part.connections);
  into.tls.add(part.tls);
  if (part.start_ns != 0 && (into.start_ns == 0 || part.start_ns < into.start_ns)) {
    into.start_ns = part.start_ns;
  }
  if (into.error.empty()) into.error = part.error;
  seal_sources(into);
  for (const Source& s : part.sources) into.sources.push_back(sealed(part, s));
}

SecondLatency second_latency(const SecondStats& second) {
  // The percentiles of a histogram of the buckets' lower bounds: what the report printed before
  // the rows kept their buckets, so the figures a user reads did not change.
  Histogram h;
  for (const auto& [index, n] : second.latency) h.add_bucket(Histogram::bucket_low(index), n);
  SecondLatency l;
  l.p50 = h.value_at_percentile(50);
  l.p90 = h.value_at_percentile(90);
  l.p99 = h.value_at_percentile(99);
  l.max = h.count() != 0 ? Histogram::bucket_high(Histogram::bucket_index(h.max())) : 0;
  return l;
}

}  // namespace ringfire
