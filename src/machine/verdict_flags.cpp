// The verdict's flags: warnings that do not make a run client-bound but can distort it.
#include "verdict_internal.hpp"

namespace ringfire::verdict_detail {

namespace {

unsigned long long ull(uint64_t v) {
  return static_cast<unsigned long long>(v);
}

// /proc/net/snmp and netstat count every process on the host, a local server included: each flag
// says so, and resets and failed attempts are raised only when ringfire's own counters saw them.
void add_host_tcp_flags(const VerdictEvidence& e, std::vector<std::string>& flags) {
  if (e.listen_overflows > 0 || e.listen_drops > 0) {
    flags.push_back(
        format("host-wide: %llu listen-queue overflows, %llu drops — a listening "
               "server on this host%s could not accept connections as fast as they "
               "came",
               ull(e.listen_overflows), ull(e.listen_drops),
               e.server.local ? " (the target's, it is local)" : ""));
  }
  if (e.retransmits > 0 &&
      static_cast<double>(e.retransmits) > kRetransShare * static_cast<double>(e.segments_sent)) {
    flags.push_back(format(
        "host-wide: %llu TCP retransmits = %.2f%% of %llu segments sent", ull(e.retransmits),
        e.segments_sent
            ? percent(static_cast<double>(e.retransmits) / static_cast<double>(e.segments_sent))
            : 100.0,
        ull(e.segments_sent)));
  }
  if (e.attempt_fails > 0 && e.connect_errors > 0) {
    flags.push_back(
        format("host-wide: %llu failed TCP connection attempts; %llu of ringfire's own "
               "failed",
               ull(e.attempt_fails), ull(e.connect_errors)));
  }
  if (e.estab_resets > 0 && e.read_errors > 0) {
    flags.push_back(
        format("host-wide: %llu established TCP connections reset; ringfire saw %llu "
               "requests fail by a reset",
               ull(e.estab_resets), ull(e.read_errors)));
  }
}

}  // namespace

void add_flags(const VerdictEvidence& e, size_t missing_worker_seconds, const Named& named,
               std::vector<std::string>& flags) {
  if (e.oversubscribed && !named.oversubscription) {
    flags.push_back(
        format("%d workers on %d usable CPU%s: they compete with each other — use -t %d", e.workers,
               e.plan_cpus, e.plan_cpus == 1 ? "" : "s", e.plan_cpus));
  }
  add_server_flags(e, named.server_cpu_bound, flags);
  if (e.quota_throttled > 0 && !named.quota) {
    flags.push_back(quota_text(e) +
                    format(" in %zu of %zu s: its cgroup's quota stopped it at moments, which "
                           "delays sends — raise the quota for a clean measurement",
                           e.quota_throttled_seconds, e.seconds));
  }
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
  add_host_tcp_flags(e, flags);
  if (e.nic_drops > 0 || e.nic_errors > 0) {
    flags.push_back(
        format("%s dropped %llu and errored %llu packets (all its traffic, not only "
               "ringfire's)",
               e.iface.c_str(), ull(e.nic_drops), ull(e.nic_errors)));
  }
  if (missing_worker_seconds > 0) {
    flags.push_back(format("worker CPU unreadable in %zu worker-seconds (thread gone?)",
                           missing_worker_seconds));
  }
}

}  // namespace ringfire::verdict_detail
