#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "ringfire/http/http_parser.hpp"
#include "ringfire/result/read_json.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

using nlohmann::json;

json counters_json(const Counters& c) {
  json errors = {{kConnectErrorsKey, c.connect_errors()}};
  for (size_t i = 0; i < kErrorClasses; ++i)
    errors[to_string(static_cast<ErrorClass>(i))] = c.errors[i];
  json parse = json::object();  // by reason, the non-zero ones: "bad chunk size": 3
  for (size_t i = 0; i < c.parse_errors.size(); ++i) {
    if (c.parse_errors[i] != 0) parse[to_string(static_cast<ParseError>(i))] = c.parse_errors[i];
  }
  json by_cause = json::object();  // the non-zero ones: "EADDRNOTAVAIL": 14936
  for (size_t i = 0; i < kConnectFailures; ++i) {
    if (c.connect_failures[i] != 0)
      by_cause[to_string(static_cast<ConnectFailure>(i))] = c.connect_failures[i];
  }
  return {
      {"sent", c.sent},
      {"completed", c.completed},
      {"failed", c.failed()},
      {"in_flight", c.in_flight},
      {"status", status_json(c)},
      {"errors", errors},
      {"parse_errors", parse},
      {"connect_errors_by_cause", by_cause},
      {"unsolicited", c.unsolicited},
      {"bytes_sent", c.bytes_sent},
      {"bytes_received", c.bytes_received},
      {"http_bytes_sent", c.http_bytes_sent},
      {"http_bytes_received", c.http_bytes_received},
      {"connects", c.connects},
      {"peer_closes", c.peer_closes},
  };
}

}  // namespace

json status_json(const Counters& c) {
  return {{"1xx", c.status[1]}, {"2xx", c.status[2]}, {"3xx", c.status[3]},
          {"4xx", c.status[4]}, {"5xx", c.status[5]}, {"other", c.status[0]}};
}

namespace {

json outcome_json(const Outcome& o) {
  const char* kind = o.kind == Outcome::Kind::kOk               ? "ok"
                     : o.kind == Outcome::Kind::kNothingReached ? "nothing_reached"
                                                                : "server_stopped";
  json j = {{"kind", kind}, {"reason", o.reason}};
  if (o.kind == Outcome::Kind::kServerStopped) j["silent_from_s"] = o.silent_from_s;
  return j;
}

double seconds(Nanos d) {
  return static_cast<double>(d.count()) * 1e-9;
}

// ringfire merge's facts; null for the run of one process.
json merge_json(const Result& r) {
  const MergeFacts& f = r.merge;
  if (!f.merged) return nullptr;
  return {{"inputs", f.inputs},
          {"shards", f.shards},
          {"start_skew_s", f.start_skew_s},
          {"shared_start_wall", f.shared_start_wall},
          {"shared_seconds", f.shared_seconds},
          {"shared_rows", f.shared_rows},
          {"shared_completed", f.shared_completed},
          {"shared_requests_per_second", f.shared_requests_per_second()},
          {"forced", f.forced.empty() ? json(nullptr) : json(f.forced)},
          // The roll-up: the document's "verdict" stays the first shard's own.
          {"client_bound", r.verdict.client_bound},
          {"verdict", r.verdict.summary}};
}

json schedule_json(const Result& r) {
  if (r.config.closed_loop()) return nullptr;
  const ScheduleStats& s = r.schedule;
  return {{"requested_rate", s.requested_rate},
          {"achieved_rate", s.achieved_rate},
          {"arrival", r.config.arrival == Arrival::kPoisson ? "poisson" : "constant"},
          {"due", s.due},
          {"late", s.late},
          {"backlog", s.backlog},
          {"busy_rounds", s.busy_rounds},
          {"max_backlog", s.max_backlog},
          {"kept", s.kept},
          {"reason", s.reason},
          {"send_lag_ns", histogram_json(s.send_lag)}};
}

}  // namespace

json histogram_json(const Histogram& h) {
  json percentiles = json::object();
  for (double p : {50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    char key[16];
    std::snprintf(key, sizeof(key), "%g", p);
    percentiles[key] = h.value_at_percentile(p);
  }
  json buckets = json::array();
  h.for_each_bucket([&buckets](const Histogram::Bucket& b) {
    buckets.push_back({b.low, b.high, b.count});
  });
  // sum and saturated: what a reader needs to restore the histogram exactly (read_json.hpp);
  // the sum as a decimal string, since it may not fit a JSON number's 64 bits.
  return {{"count", h.count()}, {"min", h.min()},          {"max", h.max()},
          {"mean", h.mean()},   {"stdev", h.stdev()},      {"percentiles", percentiles},
          {"buckets", buckets}, {"sum", decimal(h.sum())}, {"saturated", h.saturated()}};
}

json to_json(const Result& r) {
  const RunConfig& c = r.config;
  return {
      {"schema", kJsonSchema},
      {"version", RINGFIRE_VERSION},
      {"config",
       {{"url", "http://" + c.url.host_header + c.url.target},
        {"endpoint", c.endpoint.text()},
        {"connections", c.connections},
        {"threads", r.workers},
        {"pipeline", c.pipeline},
        {"duration_s", seconds(c.duration)},
        {"warmup_s", seconds(c.warmup)},
        {"timeout_s", seconds(c.timeout)},
        {"requests", c.requests},
        {"rate", c.rate},
        {"mode", c.closed_loop() ? "closed" : "open"},
        {"ramp_s", seconds(c.ramp)},
        {"include_ramp", c.include_ramp},
        {"method", c.method},
        {"wait_batch", c.wait_batch},
        {"wait_max_ns", c.wait_max.count()},
        {"sqpoll", c.sqpoll},
        {"shard", shard_json(c.shard)},
        {"start_at", c.start_at > 0 ? json(c.start_at) : json(nullptr)}}},
      {"run",
       {{"start_wall", r.start_wall},
        {"measured_seconds", r.measured_seconds},
        {"interrupted", r.interrupted},
        {"stalled", r.stalled},
        {"outcome", outcome_json(r.outcome)},
        {"pipelining_stopped", r.pipelining_stopped},
        {"connections_at_measure_start", r.connections_at_measure_start},
        {"worker_cpus", r.worker_cpus},
        {"ring_features", r.features.describe()},
        {"wakeups", r.wakeups},
        {"cqes", r.cqes},
        {"full_sq_submits", r.full_sq_submits},
        {"labels_kept", r.labels_kept}}},
      {"totals", counters_json(r.measured)},
      {"requests_per_second", r.requests_per_second()},
      {"bytes_per_second", r.bytes_per_second()},
      {"latency_ns", histogram_json(r.latency)},
      {"service_ns", histogram_json(r.service)},
      {"labels", labels_json(r)},
      {"http2", http2_json(r)},
      {"connect_latency_ns", histogram_json(r.connections.connect_latency)},
      {"connections", connections_json(r)},
      {"tls", tls_json(r)},
      {"warmup", counters_json(r.warmup)},
      {"schedule", schedule_json(r)},
      {"verdict", verdict_json(r)},
      {"thresholds", thresholds_json(r)},
      {"timeseries", timeseries_json(r)},
      {"sources", sources_json(r)},
      {"merge", merge_json(r)},
  };
}

void write_hdr_percentiles(const Histogram& h, std::ostream& out) {
  char line[160];
  std::snprintf(line, sizeof(line), "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
                "1/(1-Percentile)");
  out << line;
  const double n = static_cast<double>(h.count());
  for (const auto& [p, value] : percentile_distribution(h)) {
    const double q = p / 100;
    const double total = std::max(1.0, std::ceil(q * n));
    if (q < 1) {
      std::snprintf(line, sizeof(line), "%12.3f %14.12f %10.0f %14.2f\n",
                    static_cast<double>(value) / 1e6, q, total, 1 / (1 - q));
    } else {
      std::snprintf(line, sizeof(line), "%12.3f %14.12f %10.0f\n", static_cast<double>(value) / 1e6,
                    q, total);
    }
    out << line;
  }
  std::snprintf(line, sizeof(line), "#[Mean    = %12.3f, StdDeviation   = %12.3f]\n",
                h.mean() / 1e6, h.stdev() / 1e6);
  out << line;
  std::snprintf(line, sizeof(line), "#[Max     = %12.3f, Total count    = %12lu]\n",
                static_cast<double>(h.max()) / 1e6, h.count());
  out << line;
  std::snprintf(line, sizeof(line), "#[Buckets = %12zu, SubBuckets     = %12lu]\n",
                Histogram::bucket_count(), Histogram::kSubBuckets);
  out << line;
}

bool write_file(const std::string& path, const std::string& text, std::string& error) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
    f << text;
    if (!f.flush()) {
      error = "cannot write '" + path + "': " + std::strerror(errno);
      return false;
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot write '" + path + "': " + std::strerror(errno);
    std::remove(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace ringfire
