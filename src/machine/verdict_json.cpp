// JSON of a Verdict (the report's "verdict" object).
#include "ringfire/machine/verdict.hpp"

#include "verdict_internal.hpp"

namespace ringfire {

namespace {

nlohmann::json server_json(const ServerEvidence& s) {
  if (!s.found) return nullptr;
  auto known = [](bool ok, auto value) { return ok ? nlohmann::json(value) : nullptr; };
  return {{"pid", s.pid},
          {"comm", s.comm},
          {"processes", s.processes},
          {"cpu", known(s.cpu >= 0, s.cpu)},
          {"seconds", known(s.cpu >= 0, s.seconds)},
          {"cpus", s.cpus},
          {"cpu_bound", verdict_detail::server_cpu_bound(s)},
          {"threads_ran", s.threads_ran},
          {"shares_cpu", s.shares_cpu},
          {"pinned_to_worker_cpus", s.pinned_to_workers},
          {"shared_cpu", known(s.shares_cpu, s.shared_cpu)},
          {"shared_worker", known(s.shares_cpu, s.shared_worker)},
          {"shared_tid", known(s.shares_cpu, s.shared_tid)},
          {"sharing_threads", s.sharing_threads}};
}

}  // namespace

nlohmann::json to_json(const Verdict& v) {
  const VerdictEvidence& e = v.evidence;
  auto index = [](int i) { return i >= 0 ? nlohmann::json(i) : nullptr; };
  nlohmann::json evidence = {
      {"seconds", e.seconds},
      {"workers", e.workers},
      {"requests_per_s", e.requests_per_s},
      {"worker_cpus", e.worker_cpus},
      {"plan_cpus", e.plan_cpus > 0 ? nlohmann::json(e.plan_cpus) : nullptr},
      {"oversubscribed", e.oversubscribed},
      {"read_errors", e.read_errors},
      {"connect_errors", e.connect_errors},
      {"server_local", e.server.local},
      {"server_cpu", e.server.found && e.server.cpu >= 0 ? nlohmann::json(e.server.cpu) : nullptr},
      {"server", server_json(e.server)},
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
      {"tls_handshakes_per_s", e.tls ? nlohmann::json(e.handshakes_per_s) : nullptr},
      {"tls_resumed_share", e.tls ? nlohmann::json(e.resumed_share) : nullptr},
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
      {"quota_periods", e.quota_known ? nlohmann::json(e.quota_periods) : nullptr},
      {"quota_throttled", e.quota_known ? nlohmann::json(e.quota_throttled) : nullptr},
      {"quota_throttled_us", e.quota_known ? nlohmann::json(e.quota_throttled_us) : nullptr},
      {"quota_throttled_seconds", e.quota_throttled_seconds},
      // /proc/net/snmp and netstat: every process on the host, not only ringfire.
      {"tcp_scope", "host"},
      {"host_retransmits", e.tcp_known ? nlohmann::json(e.retransmits) : nullptr},
      {"host_segments_sent", e.tcp_known ? nlohmann::json(e.segments_sent) : nullptr},
      {"host_listen_overflows", e.tcp_known ? nlohmann::json(e.listen_overflows) : nullptr},
      {"host_listen_drops", e.tcp_known ? nlohmann::json(e.listen_drops) : nullptr},
      {"host_attempt_fails", e.tcp_known ? nlohmann::json(e.attempt_fails) : nullptr},
      {"host_estab_resets", e.tcp_known ? nlohmann::json(e.estab_resets) : nullptr},
      {"host_tcp_timeouts", e.tcp_known ? nlohmann::json(e.tcp_timeouts) : nullptr},
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
          {"both_saturated", v.both_saturated},
          {"summary", v.summary},
          {"reasons", v.reasons},
          {"flags", v.flags},
          {"evidence", std::move(evidence)},
          {"thresholds", std::move(thresholds)}};
}

}  // namespace ringfire
