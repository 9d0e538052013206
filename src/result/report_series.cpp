// The JSON of what a result keeps per second and per source, and the --timeseries CSV.
#include <cstdio>

#include "ringfire/result/merge.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

using nlohmann::json;

// The machine sample of second `i` of the first source: as read, or of this process's run.
json client_json(const Result& r, size_t i) {
  if (!r.sources.empty() && !r.sources.front().client_json.empty()) {
    const std::vector<std::string>& kept = r.sources.front().client_json;
    return i < kept.size() ? json::parse(kept[i]) : json(nullptr);
  }
  return i < r.client.size() ? to_json(r.client[i]) : json(nullptr);
}

json clock_json(const ClockState& c) {
  if (!c.known)
    return {{"synchronised", nullptr}, {"est_error_us", nullptr}, {"max_error_us", nullptr}};
  return {{"synchronised", c.synchronised},
          {"est_error_us", c.est_error_us},
          {"max_error_us", c.max_error_us}};
}

}  // namespace

std::string unsynchronised_clocks(const Result& r) {
  std::string hosts;
  for (const Source& s : r.sources) {
    if (s.intended_start_wall <= 0 || (s.clock.known && s.clock.synchronised)) continue;
    hosts += (hosts.empty() ? "" : ", ") + (s.host.empty() ? std::string("?") : s.host) +
             (s.shard.sharded() ? " (shard " + s.shard.text() + ")" : "") +
             (s.clock.known ? "" : " (adjtimex failed)");
  }
  if (hosts.empty()) return {};
  return "the wall clock of " + hosts +
         " is not synchronised (no NTP/PTP discipline): --start-at lines shards up only as well "
         "as their clocks agree";
}

json shard_json(const Shard& s) {
  return {{"index", s.index}, {"count", s.count}};
}

json timeseries_json(const Result& r) {
  json timeseries = json::array();
  for (size_t i = 0; i < r.seconds.size(); ++i) {
    const SecondSummary& s = r.seconds[i];
    const SecondLatency l = second_latency(s.stats);
    json buckets = json::array();
    for (const auto& [index, n] : s.stats.latency) {
      buckets.push_back({Histogram::bucket_low(index), Histogram::bucket_high(index), n});
    }
    timeseries.push_back({
        {"t", static_cast<double>(i)},
        {"wall", s.wall},
        {"sent", s.stats.sent},
        {"completed", s.stats.completed},
        {"errors", s.stats.errors},
        {"connect_errors", s.stats.connect_errors},
        {"connects", s.stats.connects},
        {"bytes_received", s.stats.bytes_received},
        {"connections", s.stats.open_connections},
        {"late", s.stats.late},
        {"send_lag_max_us", static_cast<double>(s.stats.lag_max) / 1e3},
        {"client", client_json(r, i)},
        {"latency_us",
         {{"p50", static_cast<double>(l.p50) / 1e3},
          {"p90", static_cast<double>(l.p90) / 1e3},
          {"p99", static_cast<double>(l.p99) / 1e3},
          {"max", static_cast<double>(l.max) / 1e3}}},
        {"latency_buckets", std::move(buckets)},
    });
  }
  return timeseries;
}

json verdict_json(const Result& r) {
  if (!r.sources.empty() && !r.sources.front().verdict_json.empty()) {
    return json::parse(r.sources.front().verdict_json);
  }
  return to_json(r.verdict);
}

json sources_json(const Result& r) {
  json list = json::array();
  for (size_t k = 0; k < r.sources.size(); ++k) {
    const Source& s = r.sources[k];
    json j = {{"host", s.host},
              {"start_wall", s.start_wall},
              {"end_wall", s.end_wall},
              {"intended_start_wall",
               s.intended_start_wall > 0 ? json(s.intended_start_wall) : json(nullptr)},
              {"shard", shard_json(s.shard)},
              {"clock", clock_json(s.clock)}};
    // The first source's verdict and samples are the document's "verdict" and timeseries'
    // "client"; the others' (a merged file) are kept here.
    if (k != 0) {
      j["verdict"] = s.verdict_json.empty() ? json(nullptr) : json::parse(s.verdict_json);
      json client = json::array();
      for (const std::string& c : s.client_json) client.push_back(json::parse(c));
      j["client"] = std::move(client);
    }
    list.push_back(std::move(j));
  }
  return list;
}

void write_timeseries_csv(const Result& r, std::ostream& out) {
  out << "t,wall,sent,completed,errors,connect_errors,bytes_received,connections,p50_us,p90_us,"
         "p99_us,max_us,late,send_lag_max_us,connects\n";
  for (size_t i = 0; i < r.seconds.size(); ++i) {
    const SecondSummary& s = r.seconds[i];
    const SecondLatency l = second_latency(s.stats);
    char line[512];
    std::snprintf(line, sizeof(line),
                  "%zu,%.3f,%lu,%lu,%lu,%lu,%lu,%lu,%.1f,%.1f,%.1f,%.1f,%lu,%.1f,%lu\n", i, s.wall,
                  s.stats.sent, s.stats.completed, s.stats.errors, s.stats.connect_errors,
                  s.stats.bytes_received, s.stats.open_connections,
                  static_cast<double>(l.p50) / 1e3, static_cast<double>(l.p90) / 1e3,
                  static_cast<double>(l.p99) / 1e3, static_cast<double>(l.max) / 1e3, s.stats.late,
                  static_cast<double>(s.stats.lag_max) / 1e3, s.stats.connects);
    out << line;
  }
}

}  // namespace ringfire
