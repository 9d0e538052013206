// The reader of a result file, part two: what describes the run — its configuration, the "run"
// object, the schedule, the thresholds and the connections — read so that to_json writes them
// again byte for byte.
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "read_json_internal.hpp"
#include "ringfire/result/report.hpp"
#include "ringfire/result/threshold.hpp"

namespace ringfire::read_detail {

using nlohmann::json;

namespace {

Nanos nanos(const json& seconds) {
  return Nanos(std::llround(seconds.get<double>() * 1e9));
}

// "127.0.0.1:8080" or "[::1]:8080", as Endpoint::text() writes it.
Endpoint endpoint(const std::string& text) {
  Endpoint e;
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) throw BadResult("config.endpoint: no port in '" + text + "'");
  std::string host = text.substr(0, colon);
  const auto port = static_cast<uint16_t>(std::stoul(text.substr(colon + 1)));
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    auto* a = reinterpret_cast<sockaddr_in6*>(&e.addr);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &a->sin6_addr) != 1) {
      throw BadResult("config.endpoint: not an address: '" + text + "'");
    }
    e.len = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&e.addr);
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &a->sin_addr) != 1) {
      throw BadResult("config.endpoint: not an address: '" + text + "'");
    }
    e.len = sizeof(sockaddr_in);
  }
  return e;
}

void read_config(const json& j, Result& out) {
  RunConfig& c = out.config;
  UrlError url_error;
  if (!parse_url(j.at("url").get<std::string>(), c.url, url_error)) {
    throw BadResult("config.url: " + url_error.message);
  }
  if (!j.at("endpoint").is_null()) c.endpoint = endpoint(j.at("endpoint").get<std::string>());
  c.connections = j.at("connections").get<uint32_t>();
  out.workers = j.at("threads").get<uint32_t>();
  c.pipeline = j.at("pipeline").get<uint32_t>();
  c.duration = nanos(j.at("duration_s"));
  c.warmup = nanos(j.at("warmup_s"));
  c.timeout = nanos(j.at("timeout_s"));
  c.requests = j.at("requests").get<uint64_t>();
  c.rate = j.at("rate").get<double>();
  c.ramp = nanos(j.at("ramp_s"));
  c.include_ramp = j.at("include_ramp").get<bool>();
  c.method = j.at("method").get<std::string>();
  c.wait_batch = j.at("wait_batch").get<uint32_t>();
  c.wait_max = Nanos(j.at("wait_max_ns").get<int64_t>());
  c.sqpoll = j.at("sqpoll").get<bool>();
  // Since issue 21; absent from older files (one box, no start time).
  if (j.contains("shard")) c.shard = shard(j.at("shard"), "config");
  if (j.contains("start_at") && !j.at("start_at").is_null()) {
    c.start_at = j.at("start_at").get<double>();
  }
  if ((j.at("mode") == "closed") != c.closed_loop()) {
    throw BadResult("config.mode " + j.at("mode").dump() + " does not match the rate");
  }
}

RingFeatures ring_features(const std::string& text) {
  RingFeatures f;
  const std::pair<const char*, bool*> flags[] = {
      {"defer_taskrun", &f.single_issuer},
      {"coop_taskrun", &f.coop_taskrun},
      {"cqe_skip", &f.cqe_skip},
      {"ext_arg", &f.ext_arg},
      {"multishot_recv", &f.multishot_recv},
      {"buf_ring", &f.buf_ring},
      {"fixed_files", &f.registered_files},
      {"direct_sockets", &f.direct_sockets},
  };
  std::istringstream words(text);
  std::string word;
  while (words >> word) {
    for (const auto& [name, flag] : flags) {
      if (word.substr(1) == name) *flag = word.front() == '+';
    }
  }
  if (f.describe() != text) throw BadResult("run.ring_features: unknown '" + text + "'");
  return f;
}

Outcome outcome(const json& j) {
  Outcome o;
  const std::string kind = j.at("kind").get<std::string>();
  o.kind = kind == "ok"                ? Outcome::Kind::kOk
           : kind == "nothing_reached" ? Outcome::Kind::kNothingReached
           : kind == "server_stopped"  ? Outcome::Kind::kServerStopped
                                      : throw BadResult("run.outcome: unknown kind '" + kind + "'");
  o.reason = j.at("reason").get<std::string>();
  if (o.kind == Outcome::Kind::kServerStopped)
    o.silent_from_s = j.at("silent_from_s").get<double>();
  return o;
}

void read_run(const json& j, Result& out) {
  out.start_wall = j.at("start_wall").get<double>();
  out.measured_seconds = j.at("measured_seconds").get<double>();
  out.interrupted = j.at("interrupted").get<bool>();
  out.stalled = j.at("stalled").get<bool>();
  out.outcome = outcome(j.at("outcome"));
  out.pipelining_stopped = j.at("pipelining_stopped").get<bool>();
  out.connections_at_measure_start = j.at("connections_at_measure_start").get<uint64_t>();
  out.worker_cpus = j.at("worker_cpus").get<std::vector<int>>();
  out.features = ring_features(j.at("ring_features").get<std::string>());
  out.wakeups = j.at("wakeups").get<uint64_t>();
  out.cqes = j.at("cqes").get<uint64_t>();
  out.full_sq_submits = j.at("full_sq_submits").get<uint64_t>();
  out.labels_kept = j.at("labels_kept").get<bool>();
}

void read_schedule(const json& j, Result& out) {
  if (j.is_null()) return;
  ScheduleStats& s = out.schedule;
  s.requested_rate = j.at("requested_rate").get<double>();
  s.achieved_rate = j.at("achieved_rate").get<double>();
  out.config.arrival = j.at("arrival") == "poisson" ? Arrival::kPoisson : Arrival::kConstant;
  s.due = j.at("due").get<uint64_t>();
  s.late = j.at("late").get<uint64_t>();
  s.backlog = j.at("backlog").get<uint64_t>();
  s.busy_rounds = j.at("busy_rounds").get<uint64_t>();
  s.max_backlog = j.at("max_backlog").get<uint64_t>();
  s.kept = j.at("kept").get<bool>();
  s.reason = j.at("reason").get<std::string>();
  s.send_lag = histogram(j.at("send_lag_ns"), "schedule.send_lag_ns");
}

// Each threshold from its expression (as --threshold parsed it); its check unless the run was
// interrupted (then every pass is null and none was evaluated).
void read_thresholds(const json& list, Result& out) {
  bool evaluated = false;
  for (const json& j : list) {
    Threshold t;
    std::string error;
    if (!parse_threshold(j.at("expr").get<std::string>(), t, error)) {
      throw BadResult("thresholds: " + error);
    }
    out.config.thresholds.push_back(t);
    evaluated = evaluated || !j.at("pass").is_null();
  }
  if (!evaluated) return;
  for (const json& j : list) {
    ThresholdCheck check;
    if (!j.at("value").is_null()) check.value = j.at("value").get<double>();
    check.pass = j.at("pass").get<bool>();
    out.thresholds.push_back(check);
  }
}

// The connections' times are written relative to the run's start (monotonic clock, meaningless
// on another machine): read back as times after a start of 1 ns, they print the same.
void read_connections(const json& doc, Result& out) {
  const json& j = doc.at("connections");
  ConnectionStats& s = out.connections;
  s.connect_latency = histogram(doc.at("connect_latency_ns"), "connect_latency_ns");
  s.planned = j.at("planned").get<uint64_t>();
  s.peak_open = j.at("peak_open").get<uint64_t>();
  s.keepalive_reconnects = j.at("keepalive_reconnects").get<uint64_t>();
  out.start_ns = 1;
  if (!j.at("opening_s").is_null()) {
    s.all_open_ns =
        out.start_ns + static_cast<uint64_t>(std::llround(j.at("opening_s").get<double>() * 1e9));
    s.first_open_ns =
        s.all_open_ns -
        static_cast<uint64_t>(std::llround(j.at("first_to_last_s").get<double>() * 1e9));
  }
}

// Written by ringfire merge (null or absent for the run of one process).
void read_merge(const json& doc, Result& out) {
  if (!doc.contains("merge") || doc.at("merge").is_null()) return;
  const json& j = doc.at("merge");
  MergeFacts& f = out.merge;
  f.merged = true;
  f.inputs = j.at("inputs").get<uint32_t>();
  f.shards = j.at("shards").get<uint32_t>();
  f.start_skew_s = j.at("start_skew_s").get<double>();
  f.shared_start_wall = j.at("shared_start_wall").get<double>();
  f.shared_seconds = j.at("shared_seconds").get<double>();
  f.shared_rows = j.at("shared_rows").get<uint64_t>();
  f.shared_completed = j.at("shared_completed").get<uint64_t>();
  if (!j.at("forced").is_null()) f.forced = j.at("forced").get<std::string>();
  out.verdict.client_bound = j.at("client_bound").get<bool>();
  out.verdict.summary = j.at("verdict").get<std::string>();
}

}  // namespace

void read_description(const json& doc, Result& out) {
  read_config(doc.at("config"), out);
  read_run(doc.at("run"), out);
  read_schedule(doc.at("schedule"), out);
  read_thresholds(doc.at("thresholds"), out);
  read_connections(doc, out);
  read_merge(doc, out);
  read_http2(doc, out);
}

}  // namespace ringfire::read_detail
