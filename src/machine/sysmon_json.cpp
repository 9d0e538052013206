// JSON of a Delta. Field names are documented in sysmon.hpp and are part of the report schema.
#include <cmath>

#include "ringfire/machine/sysmon.hpp"

namespace ringfire {

namespace {

// Fractions and rates keep 4 significant decimals: the file stays compact and tick-based CPU
// times are not more precise than that anyway.
double round4(double v) {
  return std::round(v * 1e4) / 1e4;
}
double round1(double v) {
  return std::round(v * 10) / 10;
}

nlohmann::json cpu_json(const CpuFractions& f, bool with_id) {
  nlohmann::json j;
  if (with_id) j["id"] = f.cpu;
  j["usr"] = round4(f.user);
  j["nice"] = round4(f.nice);
  j["sys"] = round4(f.system);
  j["irq"] = round4(f.irq);
  j["soft"] = round4(f.softirq);
  j["iowait"] = round4(f.iowait);
  j["steal"] = round4(f.steal);
  j["idle"] = round4(f.idle);
  return j;
}

}  // namespace

nlohmann::json to_json(const Delta& d) {
  nlohmann::json j;
  j["dt"] = round4(d.seconds);
  j["wall"] = std::round(d.wall * 1e3) / 1e3;

  nlohmann::json workers = nlohmann::json::array();
  for (const WorkerDelta& w : d.workers) {
    if (!w.ok) {
      workers.push_back(nullptr);
      continue;
    }
    workers.push_back({{"tid", w.tid},
                       {"usr", round4(w.user)},
                       {"sys", round4(w.system)},
                       {"busy", round4(w.busy)},
                       {"wait", w.wait_ok ? nlohmann::json(round4(w.wait)) : nullptr}});
  }
  j["workers"] = std::move(workers);

  const ProcessDelta& p = d.process;
  if (p.ok) {
    j["proc"] = {{"cpu", round4(p.cpu)},        {"usr", round4(p.user)},
                 {"sys", round4(p.system)},     {"vcsw", p.voluntary_ctxt},
                 {"ivcsw", p.involuntary_ctxt}, {"cpus", round4(p.cpus)}};
  } else {
    j["proc"] = nullptr;
  }

  if (d.cpu_ok) {
    j["cpu"] = cpu_json(d.cpu, false);
    nlohmann::json cores = nlohmann::json::array();
    for (const CpuFractions& c : d.cores) cores.push_back(cpu_json(c, true));
    j["cores"] = std::move(cores);
  } else {
    j["cpu"] = nullptr;
    j["cores"] = nullptr;
  }

  const NicDelta& n = d.nic;
  if (n.ok) {
    bool known = n.line_rate_mbps > 0;
    j["nic"] = {{"if", n.iface},
                {"rx_Bps", round1(n.rx_bytes_per_s)},
                {"tx_Bps", round1(n.tx_bytes_per_s)},
                {"rx_pps", round1(n.rx_packets_per_s)},
                {"tx_pps", round1(n.tx_packets_per_s)},
                {"rx_drop", n.rx_drop},
                {"tx_drop", n.tx_drop},
                {"rx_err", n.rx_errs},
                {"tx_err", n.tx_errs},
                {"speed_mbps", known ? nlohmann::json(n.line_rate_mbps) : nullptr},
                {"util", known ? nlohmann::json(round4(n.utilization)) : nullptr}};
  } else {
    j["nic"] = nullptr;
  }

  const TcpDelta& t = d.tcp;
  if (t.ok) {
    auto ext = [&](uint64_t v) { return t.netstat_ok ? nlohmann::json(v) : nullptr; };
    j["tcp"] = {{"scope", "host"},  // every process's traffic, not only ringfire's
                {"retrans", t.retrans_segs},
                {"out_segs", t.out_segs},
                {"in_segs", t.in_segs},
                {"active_opens", t.active_opens},
                {"attempt_fails", t.attempt_fails},
                {"estab_resets", t.estab_resets},
                {"out_rsts", t.out_rsts},
                {"in_errs", t.in_errs},
                {"listen_overflows", ext(t.listen_overflows)},
                {"listen_drops", ext(t.listen_drops)},
                {"timeouts", ext(t.tcp_timeouts)}};
  } else {
    j["tcp"] = nullptr;
  }

  const QuotaDelta& q = d.quota;
  if (q.ok) {
    j["quota"] = {
        {"periods", q.periods}, {"throttled", q.throttled}, {"throttled_us", q.throttled_us}};
  } else {
    j["quota"] = nullptr;
  }
  return j;
}

}  // namespace ringfire
