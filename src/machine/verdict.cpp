// The client-bound verdict: rules and thresholds are documented in verdict.hpp.
#include "ringfire/machine/verdict.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

#include "verdict_internal.hpp"

namespace ringfire {

using verdict_detail::add_flags;
using verdict_detail::format;
using verdict_detail::gather;
using verdict_detail::judge_server;
using verdict_detail::Named;
using verdict_detail::percent;
using verdict_detail::PerWorker;
using verdict_detail::pick_workers;
using verdict_detail::quota_text;
using verdict_detail::server_cpu_bound;
using verdict_detail::server_name;

std::string verdict_detail::format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

std::string verdict_detail::quota_text(const VerdictEvidence& e) {
  return format("CPU quota throttled the client (%llu periods, %.0f ms)",
                static_cast<unsigned long long>(e.quota_throttled),
                static_cast<double>(e.quota_throttled_us) / 1e3);
}

namespace {

std::string bits_per_second(double bps) {
  if (bps >= 1e9) return format("%.1f Gbit/s", bps / 1e9);
  if (bps >= 1e6) return format("%.1f Mbit/s", bps / 1e6);
  if (bps >= 1e3) return format("%.1f kbit/s", bps / 1e3);
  return format("%.0f bit/s", bps);
}

bool enough(size_t hot, size_t judged) {
  return hot > 0 && static_cast<double>(hot) >= kHotShare * static_cast<double>(judged);
}

// How many workers are pinned to `cpu`.
int workers_on(const std::vector<int>& worker_cpus, int cpu) {
  return static_cast<int>(std::count(worker_cpus.begin(), worker_cpus.end(), cpu));
}

int distinct_cpus(std::vector<int> cpus) {
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return static_cast<int>(std::count_if(cpus.begin(), cpus.end(), [](int c) { return c >= 0; }));
}

// Who takes the starved worker's CPU, as far as the run can tell. The kernel's count of quota
// throttling comes first: a throttled thread waits exactly like one whose CPU is taken.
std::string competitor(const VerdictEvidence& e, const RunFacts& facts) {
  if (e.quota_throttled > 0) return quota_text(e);
  const size_t w = static_cast<size_t>(e.starved_worker);
  const int cpu = w < facts.worker_cpus.size() ? facts.worker_cpus[w] : -1;
  const int sharing = cpu >= 0 ? workers_on(facts.worker_cpus, cpu) : 0;
  if (sharing > 1) {
    return format(
        "%d of ringfire's own %d workers share its CPU %d and compete with each other "
        "(oversubscribed: %d usable CPU%s)",
        sharing, e.workers, cpu, e.plan_cpus, e.plan_cpus == 1 ? "" : "s");
  }
  if (e.server.shares_cpu && cpu >= 0 && e.server.shared_cpu == cpu) {
    return format("the server (%s) runs on its CPU %d", server_name(e.server).c_str(), cpu);
  }
  return "another process competes for its CPU";
}

std::string advice(const VerdictEvidence& e) {
  const std::string higher = "the server's real capacity is higher than measured";
  if (e.quota_throttled > 0) {
    return higher +
           " — raise the client's CPU quota (the container's CPU limit: cgroup cpu.max, "
           "cpu.cfs_quota_us), or add machines";
  }
  if (e.oversubscribed) {
    return format(
        "ringfire's own workers are oversubscribed — use -t %d (one per usable CPU), "
        "not more threads; the server's real capacity may be higher than measured",
        e.plan_cpus);
  }
  if (e.server.shares_cpu) return higher + " — run client and server on different CPUs";
  if (e.plan_cpus <= 0) return higher + " — add --threads/CPUs or machines";
  // A cgroup quota below the affinity mask caps the CPUs threads could use.
  const int cpus =
      e.usable_cpus > 0 ? std::min(e.plan_cpus, static_cast<int>(e.usable_cpus)) : e.plan_cpus;
  if (e.workers < cpus)
    return higher + format(" — add --threads (up to %d), CPUs or machines", cpus);
  return higher + " — give ringfire more CPUs, or more machines";
}

// Which rules made the run client-bound (verdict.hpp's numbering).
struct Rules {
  bool busy = false, waited = false, process = false;
};

Rules find_reasons(const VerdictEvidence& e, const RunFacts& facts, Verdict& v) {
  Rules rules;
  if (e.hot_worker >= 0 && enough(e.hot_seconds, e.seconds)) {
    rules.busy = true;
    v.reasons.push_back(format("worker %d at ≥%.0f%% CPU for %zu of %zu s", e.hot_worker,
                               percent(kWorkerBusy), e.hot_seconds, e.seconds));
  }
  if (e.starved_worker >= 0 && enough(e.starved_seconds, e.seconds)) {
    rules.waited = true;
    v.reasons.push_back(
        format("worker %d waited for a CPU ≥%.0f%% of the time for %zu of %zu s "
               "(mean %.0f%%): %s",
               e.starved_worker, percent(kWorkerWait), e.starved_seconds, e.seconds,
               percent(e.wait_mean), competitor(e, facts).c_str()));
  }
  if (e.usable_cpus > 0 && enough(e.process_hot_seconds, e.seconds)) {
    rules.process = true;
    std::string reason =
        format("the process used ≥%.0f%% of its %.3g CPUs for %zu of %zu s", percent(kProcessBusy),
               e.usable_cpus, e.process_hot_seconds, e.seconds);
    if (e.quota_throttled > 0) reason += ": " + quota_text(e);
    v.reasons.push_back(std::move(reason));
  }
  return rules;
}

// Client-bound by its own CPU, not by a quota or by a server on its CPUs, while the server used
// all of its own: neither side's capacity was measured alone.
bool both_saturated(const VerdictEvidence& e, const Rules& rules) {
  return (rules.busy || rules.process) && e.quota_throttled == 0 && !e.server.shares_cpu &&
         server_cpu_bound(e.server);
}

std::string both_summary(const VerdictEvidence& e, const Verdict& v, const Rules& rules) {
  // The client's own-CPU reason: the busy worker's (first), else the process's (last).
  const std::string& client = rules.busy ? v.reasons.front() : v.reasons.back();
  return format(
      "CLIENT AND SERVER BOTH AT THEIR LIMIT: %s, and the server (%s) used %.2f of the %d "
      "CPU%s it may run on — the figure is the pair's, not the server's capacity; a second "
      "client machine tells them apart (--shard I/N on each, then ringfire merge)",
      client.c_str(), server_name(e.server).c_str(), e.server.cpu, e.server.cpus,
      e.server.cpus == 1 ? "" : "s");
}

std::string client_bound_summary(const VerdictEvidence& e, const Verdict& v) {
  std::string line = "CLIENT-BOUND: " + v.reasons.front();
  // A busy worker's reason does not name the quota that held the process back: add it.
  if (e.quota_throttled > 0 && line.find("CPU quota") == std::string::npos) {
    line += "; " + quota_text(e);
  }
  return line + "; " + advice(e);
}

std::string quiet_summary(const VerdictEvidence& e, size_t flags) {
  std::string line = format("client: %d worker%s", e.workers, e.workers == 1 ? "" : "s");
  if (e.busiest_worker >= 0) {
    line += format(", busiest %.0f%% CPU (max 1 s: %.0f%%)", percent(e.busiest_mean),
                   percent(e.busiest_max));
  } else {
    line += format(", process %.2f of %.3g CPUs", e.process_cpu_mean, e.usable_cpus);
  }
  if (e.wait_known && e.wait_mean >= 0.005) {
    line += format(", CPU wait up to %.0f%%", percent(e.wait_max));
  }
  if (e.nic_known) line += ", " + e.iface + " " + bits_per_second(e.nic_bits_per_s_mean);
  if (e.tcp_known) {
    line += format(", %llu retransmit%s host-wide", static_cast<unsigned long long>(e.retransmits),
                   e.retransmits == 1 ? "" : "s");
  }
  if (e.server.found) {
    line += ", server " + server_name(e.server);
    if (e.server.cpu >= 0) line += format(" %.2f CPU", e.server.cpu);
  }
  line += " → not client-bound";
  if (e.server.shares_cpu) {
    line += format(", but the server shares CPU %d with worker %d", e.server.shared_cpu,
                   e.server.shared_worker);
  }
  if (flags > 0) line += format(" (%zu flag%s)", flags, flags == 1 ? "" : "s");
  return line;
}

}  // namespace

Verdict judge(std::span<const Delta> series, const RunFacts& facts) {
  Verdict v;
  VerdictEvidence& e = v.evidence;
  e.workers = facts.workers;
  e.requests_per_s = facts.requests_per_s;
  e.worker_cpus = distinct_cpus(facts.worker_cpus);
  e.plan_cpus = facts.usable_cpus;
  e.oversubscribed = facts.usable_cpus > 0 && facts.workers > facts.usable_cpus;
  e.read_errors = facts.read_errors;
  e.connect_errors = facts.connect_errors;
  e.tls = facts.tls;
  e.handshakes_per_s = facts.handshakes_per_s;
  e.resumed_share = facts.resumed_share;
  judge_server(facts.server, facts.worker_cpus, e.server);
  std::vector<PerWorker> per(facts.workers > 0 ? static_cast<size_t>(facts.workers) : 0);
  size_t missing_worker_seconds = 0;
  gather(series, e, per, missing_worker_seconds);
  pick_workers(per, e);
  if (e.tls) {
    v.tls_work = format("TLS work: %.1f handshakes/s, %.0f%% resumed", e.handshakes_per_s,
                        percent(e.resumed_share));
    if (e.cpu_us_per_request > 0) {
      v.tls_work += format(" (in the %.1f us of CPU per request)", e.cpu_us_per_request);
    }
  }

  if (e.seconds == 0) {
    v.summary = "client: no full second measured → no verdict";
    return v;
  }
  const Rules rules = find_reasons(e, facts, v);
  v.client_bound = !v.reasons.empty();
  v.both_saturated = v.client_bound && both_saturated(e, rules);
  // A summary that names the oversubscription, the server's CPU use or the quota is not
  // repeated by a flag.
  Named named;
  named.oversubscription = v.client_bound && e.oversubscribed && !v.both_saturated;
  named.server_cpu_bound = v.both_saturated;
  named.quota = v.client_bound;
  add_flags(e, missing_worker_seconds, named, v.flags);
  if (v.both_saturated) {
    v.summary = both_summary(e, v, rules);
  } else if (v.client_bound) {
    v.summary = client_bound_summary(e, v);
  } else {
    v.summary = quiet_summary(e, v.flags.size());
  }
  return v;
}

Verdict judge(std::span<const Delta> series, int workers, double requests_per_s) {
  RunFacts facts;
  facts.workers = workers;
  facts.requests_per_s = requests_per_s;
  return judge(series, facts);
}

}  // namespace ringfire
