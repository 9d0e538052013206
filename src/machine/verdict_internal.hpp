// What the verdict's files share (internal to src/): the per-worker tallies, the evidence
// gathering and the flags. The rules themselves are documented in verdict.hpp.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ringfire/machine/verdict.hpp"

namespace ringfire::verdict_detail {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

inline double percent(double fraction) {
  return fraction * 100;
}

struct PerWorker {
  size_t seen = 0, hot = 0, starved = 0, wait_seen = 0;
  double busy_sum = 0, busy_max = 0, wait_sum = 0, wait_max = 0;
};

// Fills the evidence from the judged intervals (those of at least kMinIntervalSeconds).
void gather(std::span<const Delta> series, VerdictEvidence& e, std::vector<PerWorker>& per,
            size_t& missing_worker_seconds);
// Picks the busiest, the hottest and the most starved worker.
void pick_workers(const std::vector<PerWorker>& per, VerdictEvidence& e);
// What the summary already says, so that no flag repeats it.
struct Named {
  bool oversubscription = false;  // the workers are oversubscribed
  bool server_cpu_bound = false;  // the local server used all of its CPUs
  bool quota = false;             // the cgroup CPU quota throttled the client
};
void add_flags(const VerdictEvidence& e, size_t missing_worker_seconds, const Named& named,
               std::vector<std::string>& flags);
// "CPU quota throttled the client (N periods, X ms)".
std::string quota_text(const VerdictEvidence& e);

// The local server (verdict_server.cpp).
void judge_server(const ServerUsage& u, const std::vector<int>& worker_cpus, ServerEvidence& e);
bool server_cpu_bound(const ServerEvidence& s);
std::string server_name(const ServerEvidence& s);  // "pid 123 nginx" (", and 4 more")
void add_server_flags(const VerdictEvidence& e, bool cpu_bound_named,
                      std::vector<std::string>& flags);

}  // namespace ringfire::verdict_detail
