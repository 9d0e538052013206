// Open loop: was the schedule kept, and if not, why — from what was measured, never assumed.
//
// Kept: at least kScheduleKeptFraction of the due requests went out and the send lag's p99
// stayed under kScheduleLagLimitNs. When it was not kept, the reason is chosen by evidence:
//   - Every connection was busy when requests came due (busy_rounds > 0) and due requests were
//     left unsent: the connections carried what they could at the service time the server gave.
//     The reason prints that ceiling, request slots (connections x pipeline) / mean service time,
//     and never promises that more connections help: they raise the ceiling only if the server's
//     service time does not grow with them (a server with a fixed pool of workers, such as
//     gunicorn's sync workers, queues the extra ones and gets slower). A local server that was
//     CPU-bound, or a CPU-bound client, is named when the verdict saw it. When, by Little's law
//     (completed/s x mean service time / slots), the slots were in use less than kSlotsBusy of
//     the time while requests waited, the rest was the client's turnaround (or reconnects).
//   - Every connection was busy at moments but (nearly) every due request went out, late: slow
//     responses or bursts at those moments, not too few connections on average.
//   - Connections were free: the client itself sent late. Why, from the client verdict: its own
//     workers oversubscribed, the local server on a worker's CPU, its CPU saturated, or else its
//     wake-ups came late with CPU to spare (another process, the VM).
#pragma once

#include <cstdint>
#include <string>

#include "ringfire/machine/verdict.hpp"

namespace ringfire {

// The schedule was kept when at least this fraction of the due requests went out and the p99 of
// the send lag stayed under kScheduleLagLimitNs (a looser bound than "late": one shared core's
// scheduling hiccup should be reported, not turn the run into a warning).
inline constexpr double kScheduleKeptFraction = 0.99;
inline constexpr uint64_t kScheduleLagLimitNs = 10'000'000;
// Below this share of request slots in use while requests waited, the client's own turnaround
// took a visible part of each request's cycle.
inline constexpr double kSlotsBusy = 0.90;

struct ScheduleFacts {
  double requested_rate = 0;  // req/s
  double measured_seconds = 0;
  uint64_t due = 0, sent = 0, completed = 0;  // measured requests
  uint64_t lag_p99_ns = 0;
  uint64_t busy_rounds = 0;  // dispatch rounds that found every connection busy
  uint64_t max_backlog = 0;  // most requests waiting for a connection at once (per worker)
  uint32_t connections = 0, pipeline = 1;
  double service_mean_ns = 0;  // actual send → response, measured requests (0: none)
  // From the client verdict (schedule_facts_from fills these).
  bool client_bound = false;
  bool oversubscribed = false;
  int workers = 0, plan_cpus = 0;
  bool server_shares_cpu = false;
  bool server_cpu_bound = false;
  std::string server;  // "pid 123 nginx" when the local server was found
  double server_cpu = -1;
  int server_cpus = 0;
  std::string quota;  // "CPU quota throttled the client (...)" when the cgroup quota did
};

struct ScheduleVerdict {
  bool kept = true;
  std::string reason;      // why not, when not kept
  double slots_busy = -1;  // mean share of request slots in use (Little's law); -1: unknown
  double ceiling = 0;      // req/s the slots carry at the mean service time; 0: unknown
};

// Copies what the client verdict found into `f`.
void schedule_facts_from(const Verdict& v, ScheduleFacts& f);

// Pure.
ScheduleVerdict judge_schedule(const ScheduleFacts& f);

}  // namespace ringfire
