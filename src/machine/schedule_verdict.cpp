// Why an open-loop schedule was not kept (rules in schedule_verdict.hpp).
#include "ringfire/machine/schedule_verdict.hpp"

#include <algorithm>

#include "ringfire/base/format.hpp"
#include "verdict_internal.hpp"

namespace ringfire {

using verdict_detail::format;
using verdict_detail::percent;

namespace {

unsigned long long ull(uint64_t v) {
  return static_cast<unsigned long long>(v);
}

// Every connection busy and due requests left unsent: the connections carried what they could at
// the service time they got. Who made that service time, when the run knows.
std::string connections_full(const ScheduleFacts& f, const ScheduleVerdict& s) {
  const uint32_t slots = f.connections * f.pipeline;
  std::string r = format(
      "all %u connections were busy when requests came due: %llu of the %llu "
      "due were never sent (up to %llu waiting at once)",
      f.connections, ull(f.due - std::min(f.sent, f.due)), ull(f.due), ull(f.max_backlog));
  if (s.ceiling <= 0) return r + "; no response came back to time the server by";
  r += format(
      "; at the measured service time (mean %s) %u request slot%s at most %.0f "
      "req/s of the %.0f requested",
      format_duration(static_cast<uint64_t>(f.service_mean_ns)).c_str(), slots,
      slots == 1 ? " carries" : "s carry", s.ceiling, f.requested_rate);
  if (s.slots_busy < kSlotsBusy) {
    // Requests waited while a slot was empty: between a response and the next send, that time
    // is the client's (or a reconnect's), not the server's.
    r += format(
        ", and the slots were in use only %.0f%% of the time (Little's law: %.0f req/s x %s) "
        "— the client took the rest to turn responses around or to reconnect",
        percent(s.slots_busy), static_cast<double>(f.completed) / f.measured_seconds,
        format_duration(static_cast<uint64_t>(f.service_mean_ns)).c_str());
  }
  if (f.server_cpu_bound) {
    return r + format(
                   "; the server (%s) used %.2f of its %d CPU%s: it is the bottleneck, more "
                   "connections will not help",
                   f.server.c_str(), f.server_cpu, f.server_cpus, f.server_cpus == 1 ? "" : "s");
  }
  if (f.client_bound) {
    return r + "; the client was CPU-bound too (see Client), which stretches the service time";
  }
  return r +
         "; more connections raise that ceiling only if the server's service time stays the "
         "same with more (a server with a fixed pool of workers queues them and gets slower: "
         "compare Service at a higher -c)";
}

// Every connection busy at moments, yet (nearly) every due request went out, late.
std::string connections_busy_at_moments(const ScheduleFacts& f, const ScheduleVerdict& s) {
  std::string r = format(
      "every connection was busy at moments (up to %llu requests waiting), "
      "which made sends late (send lag p99 %s)",
      ull(f.max_backlog), format_duration(f.lag_p99_ns).c_str());
  if (s.slots_busy >= 0) {
    r += format(", though %.0f%% of the %u request slots were in use on average",
                percent(s.slots_busy), f.connections * f.pipeline);
  }
  return r +
         ": slow responses or bursts of arrivals at those moments (see the per-second "
         "series), not too few connections on average";
}

// Connections were free when requests came due: the client sent late.
std::string client_late(const ScheduleFacts& f) {
  const std::string lag = format_duration(f.lag_p99_ns);
  const std::string head =
      "the client sent late with connections free (send lag p99 " + lag + "): ";
  // The kernel's count first, as in the client verdict: a throttled client waits like one whose
  // CPU another process takes.
  if (!f.quota.empty()) return head + f.quota + " (see Client)";
  if (f.oversubscribed) {
    return head + format("its %d workers share %d CPU%s and wait for each other (see Client)",
                         f.workers, f.plan_cpus, f.plan_cpus == 1 ? "" : "s");
  }
  if (f.server_shares_cpu) {
    return head + "the server (" + f.server + ") runs on a worker's CPU and takes turns with it " +
           "(see Client)";
  }
  if (f.client_bound) return head + "its CPU was saturated (see Client)";
  return head +
         "its CPU was not saturated, so its wake-ups came late — another process on its "
         "CPU or the VM delayed it (see Client)";
}

}  // namespace

void schedule_facts_from(const Verdict& v, ScheduleFacts& f) {
  const VerdictEvidence& e = v.evidence;
  f.client_bound = v.client_bound;
  f.oversubscribed = e.oversubscribed;
  f.workers = e.workers;
  f.plan_cpus = e.plan_cpus;
  f.server_shares_cpu = e.server.shares_cpu;
  f.server_cpu_bound = verdict_detail::server_cpu_bound(e.server);
  f.server = e.server.found ? verdict_detail::server_name(e.server) : "";
  f.server_cpu = e.server.cpu;
  f.server_cpus = e.server.cpus;
  f.quota = e.quota_throttled > 0 ? verdict_detail::quota_text(e) : "";
}

ScheduleVerdict judge_schedule(const ScheduleFacts& f) {
  ScheduleVerdict s;
  const double service_s = f.service_mean_ns * 1e-9;
  const double slots = static_cast<double>(f.connections) * f.pipeline;
  if (service_s > 0 && slots > 0 && f.measured_seconds > 0) {
    s.ceiling = slots / service_s;
    s.slots_busy = static_cast<double>(f.completed) / f.measured_seconds * service_s / slots;
  }
  const bool short_of_due =
      static_cast<double>(f.sent) < kScheduleKeptFraction * static_cast<double>(f.due);
  const bool too_late = f.lag_p99_ns > kScheduleLagLimitNs;
  s.kept = !short_of_due && !too_late;
  if (s.kept) return s;
  if (f.busy_rounds == 0) {
    s.reason = client_late(f);
  } else if (short_of_due) {
    s.reason = connections_full(f, s);
  } else {
    s.reason = connections_busy_at_moments(f, s);
  }
  return s;
}

}  // namespace ringfire
