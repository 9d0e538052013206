// The client-bound verdict: rules and thresholds are documented in verdict.hpp.
#include "ringfire/verdict.hpp"

#include <cstdarg>
#include <cstdio>

#include "verdict_internal.hpp"

namespace ringfire {

using verdict_detail::add_flags;
using verdict_detail::format;
using verdict_detail::gather;
using verdict_detail::percent;
using verdict_detail::PerWorker;
using verdict_detail::pick_workers;

std::string verdict_detail::format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
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

constexpr const char* kAdvice =
    "the server's real capacity is higher than measured — add --threads/CPUs or machines";

}  // namespace

Verdict judge(std::span<const Delta> series, int workers, double requests_per_s) {
  Verdict v;
  VerdictEvidence& e = v.evidence;
  e.workers = workers;
  e.requests_per_s = requests_per_s;
  std::vector<PerWorker> per(workers > 0 ? static_cast<size_t>(workers) : 0);
  size_t missing_worker_seconds = 0;
  gather(series, e, per, missing_worker_seconds);
  pick_workers(per, e);

  if (e.seconds == 0) {
    v.summary = "client: no full second measured → no verdict";
    return v;
  }

  if (e.hot_worker >= 0 && enough(e.hot_seconds, e.seconds)) {
    v.reasons.push_back(format("worker %d at ≥%.0f%% CPU for %zu of %zu s", e.hot_worker,
                               percent(kWorkerBusy), e.hot_seconds, e.seconds));
  }
  if (e.starved_worker >= 0 && enough(e.starved_seconds, e.seconds)) {
    v.reasons.push_back(
        format("worker %d waited for a CPU ≥%.0f%% of the time for %zu of %zu s "
               "(mean %.0f%%): another process competes for its CPU",
               e.starved_worker, percent(kWorkerWait), e.starved_seconds, e.seconds,
               percent(e.wait_mean)));
  }
  if (e.usable_cpus > 0 && enough(e.process_hot_seconds, e.seconds)) {
    v.reasons.push_back(format("the process used ≥%.0f%% of its %.3g CPUs for %zu of %zu s",
                               percent(kProcessBusy), e.usable_cpus, e.process_hot_seconds,
                               e.seconds));
  }
  v.client_bound = !v.reasons.empty();
  add_flags(e, missing_worker_seconds, v.flags);

  if (v.client_bound) {
    v.summary = "CLIENT-BOUND: " + v.reasons.front() + "; " + kAdvice;
    return v;
  }
  std::string line = format("client: %d worker%s", workers, workers == 1 ? "" : "s");
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
    line += format(", %llu retransmit%s", static_cast<unsigned long long>(e.retransmits),
                   e.retransmits == 1 ? "" : "s");
  }
  line += v.flags.empty() ? " → not client-bound"
                          : format(" → not client-bound (%zu flag%s)", v.flags.size(),
                                   v.flags.size() == 1 ? "" : "s");
  v.summary = std::move(line);
  return v;
}

}  // namespace ringfire
