// The verdict's flags: warnings that do not make a run client-bound but can distort it.
#include "verdict_internal.hpp"

namespace ringfire::verdict_detail {

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

}  // namespace ringfire::verdict_detail
