// Whether a run's figures stand: a run that reached nothing, or whose server stopped answering,
// exits 1 with one line saying so (see Outcome in run.hpp).
#include <algorithm>
#include <cstdio>
#include <string>

#include "ringfire/run/run.hpp"

namespace ringfire {

namespace {

// "3 connect errors: ECONNREFUSED — nothing listens there, 2 read errors": the connect errors
// name their most frequent cause.
std::string errors_text(const Counters& m) {
  std::string why;
  if (m.connect_errors() != 0) {
    const ConnectFailure f = m.dominant_connect_failure();
    why = std::to_string(m.connect_errors()) + " connect errors: " + to_string(f) + " \u2014 " +
          meaning(f);
  }
  for (size_t i = 0; i < kErrorClasses; ++i) {
    if (m.errors[i] == 0) continue;
    why += (why.empty() ? "" : ", ") + std::to_string(m.errors[i]) + " " +
           to_string(static_cast<ErrorClass>(i)) + " errors";
  }
  return why;
}

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f s", s);
  return buf;
}

}  // namespace

Outcome judge_outcome(const Result& r, uint64_t measure_start_ns) {
  Outcome o;
  const Counters& m = r.measured;
  if (m.answered() == 0 && r.warmup.answered() == 0) {
    o.kind = Outcome::Kind::kNothingReached;
    o.reason = "no response received from " + r.config.endpoint.text();
    std::string errors = errors_text(m);
    // https://: the handshakes' own reason, OpenSSL's words (a verify error, an alert, ...).
    if (r.tls.failed_total() != 0) errors += "; TLS " + r.tls.dominant_failure();
    if (!errors.empty()) o.reason += " (" + errors + ")";
    return o;
  }
  if (r.interrupted || r.measured_seconds <= 0) return o;
  const double window = r.measured_seconds;
  const double last = r.last_response_ns > measure_start_ns
                          ? static_cast<double>(r.last_response_ns - measure_start_ns) * 1e-9
                          : 0;
  const double silent = window - last;
  double needed = std::max(kSilenceFraction * window, static_cast<double>(kSilenceMinNs) * 1e-9);
  needed = std::max(needed, 2e-9 * static_cast<double>(r.latency.max()));
  if (!r.config.closed_loop() && r.config.rate > 0) {
    // Two of this process's request intervals: a shard sends every N-th request of the schedule.
    needed = std::max(needed, 2.0 * r.config.shard.count / r.config.rate);
  }
  if (silent < needed) return o;
  o.kind = Outcome::Kind::kServerStopped;
  o.silent_from_s = last;
  o.reason = "the server stopped answering " + seconds_text(last) +
             " into the measured window: nothing completed in its last " + seconds_text(silent) +
             " of " + seconds_text(window);
  const std::string errors = errors_text(m);
  if (!errors.empty()) o.reason += " (" + errors + ")";
  return o;
}

ScheduleFacts schedule_facts(const Result& result) {
  ScheduleFacts f;
  f.requested_rate = result.schedule.requested_rate;
  f.measured_seconds = result.measured_seconds;
  f.due = result.schedule.due;
  f.sent = result.measured.sent;
  f.completed = result.measured.completed;
  f.lag_p99_ns = result.schedule.send_lag.value_at_percentile(99);
  f.busy_rounds = result.schedule.busy_rounds;
  f.max_backlog = result.schedule.max_backlog;
  f.connections =
      static_cast<uint32_t>(shard_share(result.config.connections, result.config.shard));
  f.pipeline = result.config.pipeline;
  f.service_mean_ns = result.service.count() != 0 ? result.service.mean() : 0;
  schedule_facts_from(result.verdict, f);
  return f;
}

}  // namespace ringfire
