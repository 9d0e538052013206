// The plan: each worker's share of the connections, the request budget and the rate, and the
// clock marks of the run (start, end of warm-up, stop), all fixed before any thread starts.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/config.hpp"

namespace ringfire {

struct WorkerPlan {
  uint32_t index = 0;
  uint32_t workers = 1;  // how many workers share the run
  int cpu = -1;          // pin target; -1: not pinned
  uint32_t connections = 0;
  uint32_t first_connection = 0;  // global index of this worker's first connection
  bool limited = false;           // -n given: stop after `requests` responses
  uint64_t requests = 0;          // this worker's share of -n
  double rate = 0;                // this worker's share of -R (requests/s); 0: closed loop
  double connect_rate = 0;        // this worker's share of --connect-rate; 0: not paced
};

struct Plan {
  std::vector<WorkerPlan> workers;
  // Distinct CPUs the workers are spread over: those of --cpus, else of the affinity mask.
  uint32_t usable_cpus = 1;
  // More workers than CPUs: they take turns on the same CPUs and wait for each other.
  bool oversubscribed() const { return workers.size() > usable_cpus; }
};

// Splits the run across workers: threads = config.threads or the number of CPUs (never more than
// connections); connections, requests and rate are divided as evenly as integers allow, the
// remainders going to the first workers.
Plan make_plan(const RunConfig& config);

// One line for stderr before the run when the plan is oversubscribed ("12 workers on 1 usable
// CPU: ..."), else "".
std::string oversubscription_warning(const Plan& plan);

}  // namespace ringfire
