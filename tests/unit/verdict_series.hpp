// Synthetic machine series for the verdict's unit tests.
#pragma once

#include <string>
#include <vector>

#include "ringfire/machine/verdict.hpp"

namespace ringfire::verdict_testing {

// A quiet second: two workers at 40%, 10% of 2 CPUs used, loopback at 1.9 Gbit/s, no trouble.
inline Delta quiet_second() {
  Delta d;
  d.seconds = 1.0;
  d.wall = 1700000000.0;
  for (int i = 0; i < 2; ++i) {
    WorkerDelta w;
    w.tid = 100 + i;
    w.ok = true;
    w.user = 0.3;
    w.system = 0.1;
    w.busy = 0.4;
    w.wait_ok = true;
    w.wait = 0.01;
    d.workers.push_back(w);
  }
  d.process.ok = true;
  d.process.cpu = 0.8;
  d.process.cpus = 2;
  d.cpu_ok = true;
  d.cpu.idle = 0.6;
  d.cpu.user = 0.4;
  for (int c = 0; c < 2; ++c) {
    CpuFractions f = d.cpu;
    f.cpu = c;
    d.cores.push_back(f);
  }
  d.nic.ok = true;
  d.nic.iface = "lo";
  d.nic.rx_bytes_per_s = d.nic.tx_bytes_per_s = 1.9e9 / 8;
  d.tcp.ok = d.tcp.netstat_ok = true;
  d.tcp.out_segs = 100000;
  return d;
}

inline std::vector<Delta> quiet_series(size_t n) {
  return std::vector<Delta>(n, quiet_second());
}

inline bool has_flag(const Verdict& v, const std::string& part) {
  for (const auto& f : v.flags)
    if (f.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace ringfire::verdict_testing
