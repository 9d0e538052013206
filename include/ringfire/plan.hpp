// The plan: each worker's share of the connections, the request budget and the rate, and the
// clock marks of the run (start, end of warm-up, stop), all fixed before any thread starts.
#pragma once

#include <cstdint>
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
};

struct Plan {
  std::vector<WorkerPlan> workers;
};

// Splits the run across workers: threads = config.threads or the number of CPUs (never more than
// connections); connections, requests and rate are divided as evenly as integers allow, the
// remainders going to the first workers.
Plan make_plan(const RunConfig& config);

}  // namespace ringfire
