#include "ringfire/run/plan.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <string>

namespace ringfire {

Plan make_plan(const RunConfig& config) {
  const std::vector<int> cpus = config.cpus.empty() ? allowed_cpus() : config.cpus;
  // This shard's part of the run (the whole on one box), then split across its workers.
  const Shard shard = config.shard;
  const auto connections = static_cast<uint32_t>(shard_share(config.connections, shard));
  const uint64_t requests = shard_share(config.requests, shard);
  uint32_t threads = config.threads != 0 ? config.threads : static_cast<uint32_t>(cpus.size());
  threads = std::clamp<uint32_t>(threads, 1, std::max<uint32_t>(1, connections));
  if (requests != 0 && requests < threads) threads = static_cast<uint32_t>(requests);
  Plan plan;
  plan.workers.resize(threads);
  plan.usable_cpus = static_cast<uint32_t>(std::set<int>(cpus.begin(), cpus.end()).size());
  auto first = static_cast<uint32_t>(shard_first(config.connections, shard));
  for (uint32_t i = 0; i < threads; ++i) {
    WorkerPlan& w = plan.workers[i];
    w.index = i;
    w.workers = threads;
    w.cpu = cpus[i % cpus.size()];
    w.connections = connections / threads + (i < connections % threads ? 1 : 0);
    w.first_connection = first;
    first += w.connections;
    if (config.requests != 0) {
      w.limited = true;
      w.requests = requests / threads + (i < requests % threads ? 1 : 0);
    }
    if (config.rate > 0) {
      // One request in every shards × threads of the one global schedule (pacer.hpp).
      w.schedule_rate = config.rate;
      w.schedule_first = shard.index + uint64_t{shard.count} * i;
      w.schedule_stride = uint64_t{shard.count} * threads;
      w.rate = config.rate / static_cast<double>(w.schedule_stride);
    }
    if (config.connect_rate > 0) {
      w.connect_rate = config.connect_rate * w.connections / config.connections;
    }
  }
  return plan;
}

std::string oversubscription_warning(const Plan& plan) {
  if (!plan.oversubscribed()) return {};
  const std::string cpus = std::to_string(plan.usable_cpus);
  return std::to_string(plan.workers.size()) + " workers on " + cpus + " usable CPU" +
         (plan.usable_cpus == 1 ? "" : "s") + ": they will compete with each other; use -t " + cpus;
}

WorkerConfig worker_config(const RunConfig& config) {
  WorkerConfig w;
  w.endpoint = config.endpoint;
  w.sources = config.sources;
  w.connections = config.connections;
  w.pipeline = config.pipeline;
  w.timeout = config.timeout;
  w.ramp = config.ramp;
  w.arrival = config.arrival;
  w.seed = config.seed;
  w.keepalive_requests = config.keepalive_requests;
  w.http2 = config.http2;
  w.streams = config.streams;
  w.window_bits = config.window_bits;
  w.wait_batch = config.wait_batch;
  w.wait_max = config.wait_max;
  w.sqpoll = config.sqpoll;
  w.tls = config.tls;
  if (w.tls.sni.empty()) w.tls.sni = config.url.host;  // SNI and the name verified
  if (keeps_labels(config.scenario)) {
    for (const RequestSpec& r : config.scenario.requests) w.labels.push_back(r.expect);
  }
  // Test knob, not an option: a small SQ makes a reap fill it (tests/integration/submit_test.cpp).
  if (const char* sq = std::getenv("RINGFIRE_SQ_ENTRIES")) {
    w.sq_entries = static_cast<unsigned>(std::strtoul(sq, nullptr, 10));
  }
  return w;
}

}  // namespace ringfire
