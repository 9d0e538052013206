// The plan: each worker's share of the connections, the request budget and the rate, fixed before
// any thread starts, and the narrow settings every worker reads. (The run's clock marks are
// RunMarks, engine/worker_config.hpp, set by run().)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/engine/worker_config.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

struct Plan {
  std::vector<WorkerPlan> workers;
  // Distinct CPUs the workers are spread over: those of --cpus, else of the affinity mask.
  uint32_t usable_cpus = 1;
  // More workers than CPUs: they take turns on the same CPUs and wait for each other.
  bool oversubscribed() const { return workers.size() > usable_cpus; }
};

// Splits the run across workers: this shard's share of the connections and requests
// (base/shard.hpp; the whole run without --shard), then threads = config.threads or the number
// of CPUs (never more than the shard's connections), the shard's connections and requests divided
// as evenly as integers allow, the remainders going to the first workers. Open loop: each worker
// takes every (shards × threads)-th request of the one global schedule.
Plan make_plan(const RunConfig& config);

// What every worker reads of `config` (the scenario's expects only when labels are kept).
WorkerConfig worker_config(const RunConfig& config);

// One line for stderr before the run when the plan is oversubscribed ("12 workers on 1 usable
// CPU: ..."), else "".
std::string oversubscription_warning(const Plan& plan);

}  // namespace ringfire
