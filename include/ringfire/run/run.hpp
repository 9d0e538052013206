// A whole run: plan → workers (one pinned thread each) → merge → Result. The report formats a
// Result; nothing in it is computed twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/engine/live.hpp"
#include "ringfire/machine/schedule_verdict.hpp"
#include "ringfire/result/result.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

// The rule behind Outcome::kServerStopped: nothing completed during the last stretch of the
// measured window that is at least this fraction of it, at least kSilenceMinNs long, and longer
// than twice the slowest response seen (a slow server answering rarely is not a stopped one) and
// than two open-loop intervals. A run cut short by Ctrl-C is never judged so.
inline constexpr double kSilenceFraction = 0.2;
inline constexpr uint64_t kSilenceMinNs = 1'000'000'000;
Outcome judge_outcome(const Result& result, uint64_t measure_start_ns);

// The schedule facts of a finished run (its schedule counters, service times and verdict), for
// judge_schedule() (schedule_verdict.hpp).
ScheduleFacts schedule_facts(const Result& result);

// Runs `config` to the end (duration, request count, or `stop` becoming true). `stop` may be set
// from a signal handler. `progress`, when set, is called on the calling thread once a second with
// the live figures (live.hpp); the workers only publish a snapshot when a second closes.
Result run(const RunConfig& config, std::atomic<bool>& stop, const ProgressSink& progress = {});

}  // namespace ringfire
