// The evidence behind the verdict: tallies over the judged intervals of a run.
#include <algorithm>

#include "verdict_internal.hpp"

namespace ringfire::verdict_detail {

namespace {

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

}  // namespace

namespace {

void tally_workers(const Delta& d, std::vector<PerWorker>& per, size_t& missing_worker_seconds) {
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
}

void tally_process(const ProcessDelta& p, VerdictEvidence& e) {
  e.process_cpu_max = std::max(e.process_cpu_max, p.cpu);
  // Workers pinned to fewer CPUs (--cpus) than the process may use can only fill those.
  e.usable_cpus = e.plan_cpus > 0 ? std::min(p.cpus, static_cast<double>(e.plan_cpus)) : p.cpus;
  if (e.usable_cpus > 0 && p.cpu >= kProcessBusy * e.usable_cpus) ++e.process_hot_seconds;
  e.involuntary_ctxt += p.involuntary_ctxt;
}

void tally_cores(const Delta& d, VerdictEvidence& e) {
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

// Returns the interval's bits per second (the larger direction).
double tally_nic(const NicDelta& n, VerdictEvidence& e) {
  e.nic_known = true;
  double bits = 8 * std::max(n.rx_bytes_per_s, n.tx_bytes_per_s);
  e.nic_bits_per_s_max = std::max(e.nic_bits_per_s_max, bits);
  e.nic_drops += n.rx_drop + n.tx_drop;
  e.nic_errors += n.rx_errs + n.tx_errs;
  e.line_rate_mbps = n.line_rate_mbps;
  if (n.utilization >= 0) {
    e.nic_utilization_max = std::max(e.nic_utilization_max, n.utilization);
    if (n.utilization >= kNicUtilization) ++e.nic_hot_seconds;
  }
  return bits;
}

void tally_tcp(const TcpDelta& t, VerdictEvidence& e) {
  e.tcp_known = true;
  e.retransmits += t.retrans_segs;
  e.segments_sent += t.out_segs;
  e.attempt_fails += t.attempt_fails;
  e.estab_resets += t.estab_resets;
  e.listen_overflows += t.listen_overflows;
  e.listen_drops += t.listen_drops;
  e.tcp_timeouts += t.tcp_timeouts;
}

}  // namespace

void gather(std::span<const Delta> series, VerdictEvidence& e, std::vector<PerWorker>& per,
            size_t& missing_worker_seconds) {
  double process_sum = 0, nic_sum = 0;
  size_t process_seen = 0, nic_seen = 0;
  for (const Delta& d : series) {
    // Throttling is a count, exact in a short interval too.
    if (d.quota.ok) {
      e.quota_known = true;
      e.quota_periods += d.quota.periods;
      e.quota_throttled += d.quota.throttled;
      e.quota_throttled_us += d.quota.throttled_us;
    }
    if (d.seconds < kMinIntervalSeconds) continue;
    if (d.quota.ok && d.quota.throttled > 0) ++e.quota_throttled_seconds;
    ++e.seconds;
    tally_workers(d, per, missing_worker_seconds);
    if (d.process.ok) {
      ++process_seen;
      process_sum += d.process.cpu;
      tally_process(d.process, e);
    }
    if (d.cpu_ok) tally_cores(d, e);
    if (!d.nic.iface.empty()) e.iface = d.nic.iface;
    if (d.nic.ok) {
      ++nic_seen;
      nic_sum += tally_nic(d.nic, e);
    }
    if (d.tcp.ok) tally_tcp(d.tcp, e);
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

}  // namespace ringfire::verdict_detail
