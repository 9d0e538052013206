// The client-bound verdict: rules and thresholds are documented in verdict.hpp.
#include "ringfire/verdict.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace ringfire {

namespace {

std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof(buf), fmt, args);
  va_end(args);
  return buf;
}

std::string bits_per_second(double bps) {
  if (bps >= 1e9) return format("%.1f Gbit/s", bps / 1e9);
  if (bps >= 1e6) return format("%.1f Mbit/s", bps / 1e6);
  if (bps >= 1e3) return format("%.1f kbit/s", bps / 1e3);
  return format("%.0f bit/s", bps);
}

double percent(double fraction) {
  return fraction * 100;
}

bool enough(size_t hot, size_t judged) {
  return hot > 0 && static_cast<double>(hot) >= kHotShare * static_cast<double>(judged);
}

struct PerWorker {
  size_t seen = 0, hot = 0, starved = 0, wait_seen = 0;
  double busy_sum = 0, busy_max = 0, wait_sum = 0, wait_max = 0;
};

// Index of the element with the largest key; -1 when every key is <= 0.
template <typename Key>
int argmax(const std::vector<PerWorker>& w, Key key) {
  int best = -1;
  double best_key = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    double k = key(w[i]);
    if (k > best_key) {
      best_key = k;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void gather(std::span<const Delta> series, VerdictEvidence& e, std::vector<PerWorker>& per,
            size_t& missing_worker_seconds) {
  double process_sum = 0, nic_sum = 0;
  size_t process_seen = 0, nic_seen = 0;
  for (const Delta& d : series) {
    if (d.seconds < kMinIntervalSeconds) continue;
    ++e.seconds;
    if (per.size() < d.workers.size()) per.resize(d.workers.size());
    for (size_t i = 0; i < d.workers.size(); ++i) {
      const WorkerDelta& w = d.workers[i];
      PerWorker& p = per[i];
      if (!w.ok) {
        ++missing_worker_seconds;
        continue;
      }
      ++p.seen;
      p.busy_sum += w.busy;
      p.busy_max = std::max(p.busy_max, w.busy);
      if (w.busy >= kWorkerBusy) ++p.hot;
      if (w.wait_ok) {
        ++p.wait_seen;
        p.wait_sum += w.wait;
        p.wait_max = std::max(p.wait_max, w.wait);
        if (w.wait >= kWorkerWait) ++p.starved;
      }
    }
    if (d.process.ok) {
      ++process_seen;
      process_sum += d.process.cpu;
      e.process_cpu_max = std::max(e.process_cpu_max, d.process.cpu);
      e.usable_cpus = d.process.cpus;
      if (d.process.cpus > 0 && d.process.cpu >= kProcessBusy * d.process.cpus) {
        ++e.process_hot_seconds;
      }
      e.involuntary_ctxt += d.process.involuntary_ctxt;
    }
    if (d.cpu_ok) {
      bool soft_hot = false;
      for (const CpuFractions& c : d.cores) {
        if (c.softirq > e.softirq_max) {
          e.softirq_max = c.softirq;
          e.softirq_core = c.cpu;
        }
        soft_hot = soft_hot || c.softirq >= kCoreSoftirq;
      }
      if (soft_hot) ++e.softirq_seconds;
      double steal = d.cpu.steal;
      for (const CpuFractions& c : d.cores) steal = std::max(steal, c.steal);
      e.steal_max = std::max(e.steal_max, steal);
      if (steal >= kSteal) ++e.steal_seconds;
    }
    if (!d.nic.iface.empty()) e.iface = d.nic.iface;
    if (d.nic.ok) {
      e.nic_known = true;
      ++nic_seen;
      double bits = 8 * std::max(d.nic.rx_bytes_per_s, d.nic.tx_bytes_per_s);
      nic_sum += bits;
      e.nic_bits_per_s_max = std::max(e.nic_bits_per_s_max, bits);
      e.nic_drops += d.nic.rx_drop + d.nic.tx_drop;
      e.nic_errors += d.nic.rx_errs + d.nic.tx_errs;
      e.line_rate_mbps = d.nic.line_rate_mbps;
      if (d.nic.utilization >= 0) {
        e.nic_utilization_max = std::max(e.nic_utilization_max, d.nic.utilization);
        if (d.nic.utilization >= kNicUtilization) ++e.nic_hot_seconds;
      }
    }
    if (d.tcp.ok) {
      e.tcp_known = true;
      e.retransmits += d.tcp.retrans_segs;
      e.segments_sent += d.tcp.out_segs;
      e.attempt_fails += d.tcp.attempt_fails;
      e.estab_resets += d.tcp.estab_resets;
      e.listen_overflows += d.tcp.listen_overflows;
      e.listen_drops += d.tcp.listen_drops;
      e.tcp_timeouts += d.tcp.tcp_timeouts;
    }
  }
  if (process_seen > 0) e.process_cpu_mean = process_sum / static_cast<double>(process_seen);
  if (nic_seen > 0) e.nic_bits_per_s_mean = nic_sum / static_cast<double>(nic_seen);
  if (e.requests_per_s > 0 && process_seen > 0) {
    e.cpu_us_per_request = e.process_cpu_mean / e.requests_per_s * 1e6;
  }
}

void pick_workers(const std::vector<PerWorker>& per, VerdictEvidence& e) {
  auto mean_busy = [](const PerWorker& p) {
    return p.seen ? p.busy_sum / static_cast<double>(p.seen) : 0.0;
  };
  auto mean_wait = [](const PerWorker& p) {
    return p.wait_seen ? p.wait_sum / static_cast<double>(p.wait_seen) : 0.0;
  };
  e.busiest_worker = argmax(per, mean_busy);
  if (e.busiest_worker >= 0) {
    e.busiest_mean = mean_busy(per[e.busiest_worker]);
    e.busiest_max = per[e.busiest_worker].busy_max;
  }
  // Ties in hot seconds go to the busier worker: the key adds the mean (< 2) to 2 x the count.
  e.hot_worker = argmax(per, [&](const PerWorker& p) {
    return p.hot ? 2.0 * static_cast<double>(p.hot) + mean_busy(p) : 0.0;
  });
  if (e.hot_worker >= 0) e.hot_seconds = per[e.hot_worker].hot;

  for (const PerWorker& p : per) e.wait_known = e.wait_known || p.wait_seen > 0;
  e.starved_worker = argmax(per, [&](const PerWorker& p) {
    return 2.0 * static_cast<double>(p.starved) + std::min(mean_wait(p), 1.0);
  });
  if (e.starved_worker >= 0) {
    const PerWorker& p = per[e.starved_worker];
    e.starved_seconds = p.starved;
    e.wait_mean = mean_wait(p);
    e.wait_max = p.wait_max;
  }
}

void add_flags(const VerdictEvidence& e, size_t missing_worker_seconds,
               std::vector<std::string>& flags) {
  if (e.nic_hot_seconds > 0) {
    flags.push_back(format("%s at ≥%.0f%% of its %lld Mb/s line rate for %zu of %zu s (max %.0f%%)",
                           e.iface.c_str(), percent(kNicUtilization),
                           static_cast<long long>(e.line_rate_mbps), e.nic_hot_seconds, e.seconds,
                           percent(e.nic_utilization_max)));
  }
  if (e.softirq_seconds > 0) {
    flags.push_back(format("core %d softirq up to %.0f%% (some core ≥%.0f%% for %zu of %zu s)",
                           e.softirq_core, percent(e.softirq_max), percent(kCoreSoftirq),
                           e.softirq_seconds, e.seconds));
  }
  if (e.steal_seconds > 0) {
    flags.push_back(
        format("CPU steal up to %.0f%% (≥%.0f%% for %zu of %zu s): a VM neighbour "
               "takes CPU time",
               percent(e.steal_max), percent(kSteal), e.steal_seconds, e.seconds));
  }
  if (e.listen_overflows > 0 || e.listen_drops > 0) {
    flags.push_back(
        format("listen queue overflows %llu, drops %llu (host-wide): a server on this "
               "host cannot accept fast enough",
               static_cast<unsigned long long>(e.listen_overflows),
               static_cast<unsigned long long>(e.listen_drops)));
  }
  if (e.retransmits > 0 &&
      static_cast<double>(e.retransmits) > kRetransShare * static_cast<double>(e.segments_sent)) {
    flags.push_back(format("%llu TCP retransmits = %.2f%% of %llu segments sent (host-wide)",
                           static_cast<unsigned long long>(e.retransmits),
                           e.segments_sent ? percent(static_cast<double>(e.retransmits) /
                                                     static_cast<double>(e.segments_sent))
                                           : 100.0,
                           static_cast<unsigned long long>(e.segments_sent)));
  }
  if (e.attempt_fails > 0) {
    flags.push_back(format("%llu failed TCP connection attempts (host-wide)",
                           static_cast<unsigned long long>(e.attempt_fails)));
  }
  if (e.estab_resets > 0) {
    flags.push_back(format("%llu established TCP connections reset (host-wide)",
                           static_cast<unsigned long long>(e.estab_resets)));
  }
  if (e.nic_drops > 0 || e.nic_errors > 0) {
    flags.push_back(format("%s dropped %llu and errored %llu packets", e.iface.c_str(),
                           static_cast<unsigned long long>(e.nic_drops),
                           static_cast<unsigned long long>(e.nic_errors)));
  }
  if (missing_worker_seconds > 0) {
    flags.push_back(format("worker CPU unreadable in %zu worker-seconds (thread gone?)",
                           missing_worker_seconds));
  }
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

nlohmann::json to_json(const Verdict& v) {
  const VerdictEvidence& e = v.evidence;
  auto index = [](int i) { return i >= 0 ? nlohmann::json(i) : nullptr; };
  nlohmann::json evidence = {
      {"seconds", e.seconds},
      {"workers", e.workers},
      {"requests_per_s", e.requests_per_s},
      {"busiest_worker", index(e.busiest_worker)},
      {"busiest_mean", e.busiest_mean},
      {"busiest_max", e.busiest_max},
      {"hot_worker", index(e.hot_worker)},
      {"hot_seconds", e.hot_seconds},
      {"starved_worker", e.wait_known ? index(e.starved_worker) : nullptr},
      {"starved_seconds", e.starved_seconds},
      {"wait_mean", e.wait_known ? nlohmann::json(e.wait_mean) : nullptr},
      {"wait_max", e.wait_known ? nlohmann::json(e.wait_max) : nullptr},
      {"process_cpu_mean", e.process_cpu_mean},
      {"process_cpu_max", e.process_cpu_max},
      {"usable_cpus", e.usable_cpus},
      {"process_hot_seconds", e.process_hot_seconds},
      {"cpu_us_per_request", e.cpu_us_per_request},
      {"involuntary_ctxt", e.involuntary_ctxt},
      {"iface", e.iface},
      {"nic_bits_per_s_mean", e.nic_known ? nlohmann::json(e.nic_bits_per_s_mean) : nullptr},
      {"nic_bits_per_s_max", e.nic_known ? nlohmann::json(e.nic_bits_per_s_max) : nullptr},
      {"line_rate_mbps", e.line_rate_mbps > 0 ? nlohmann::json(e.line_rate_mbps) : nullptr},
      {"nic_utilization_max",
       e.nic_utilization_max >= 0 ? nlohmann::json(e.nic_utilization_max) : nullptr},
      {"nic_hot_seconds", e.nic_hot_seconds},
      {"nic_drops", e.nic_drops},
      {"nic_errors", e.nic_errors},
      {"softirq_core", index(e.softirq_core)},
      {"softirq_max", e.softirq_max},
      {"softirq_seconds", e.softirq_seconds},
      {"steal_max", e.steal_max},
      {"steal_seconds", e.steal_seconds},
      {"retransmits", e.tcp_known ? nlohmann::json(e.retransmits) : nullptr},
      {"segments_sent", e.tcp_known ? nlohmann::json(e.segments_sent) : nullptr},
      {"listen_overflows", e.tcp_known ? nlohmann::json(e.listen_overflows) : nullptr},
      {"listen_drops", e.tcp_known ? nlohmann::json(e.listen_drops) : nullptr},
      {"attempt_fails", e.tcp_known ? nlohmann::json(e.attempt_fails) : nullptr},
      {"estab_resets", e.tcp_known ? nlohmann::json(e.estab_resets) : nullptr},
      {"tcp_timeouts", e.tcp_known ? nlohmann::json(e.tcp_timeouts) : nullptr},
  };
  nlohmann::json thresholds = {{"worker_busy", kWorkerBusy},
                               {"worker_wait", kWorkerWait},
                               {"process_busy", kProcessBusy},
                               {"hot_share", kHotShare},
                               {"nic_utilization", kNicUtilization},
                               {"core_softirq", kCoreSoftirq},
                               {"steal", kSteal},
                               {"retrans_share", kRetransShare},
                               {"min_interval_s", kMinIntervalSeconds}};
  return {{"client_bound", v.client_bound},
          {"summary", v.summary},
          {"reasons", v.reasons},
          {"flags", v.flags},
          {"evidence", std::move(evidence)},
          {"thresholds", std::move(thresholds)}};
}

}  // namespace ringfire
