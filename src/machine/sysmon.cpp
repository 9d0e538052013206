// Sampler: reads every counter once per take(); diff() turns two samples into rates.
#include "ringfire/machine/sysmon.hpp"

#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "sysmon_text.hpp"

namespace ringfire {

namespace {

int64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// Counters never go backwards unless reset or wrapped; either way the interval's count is unknown,
// and zero is the honest lower bound.
uint64_t grew(uint64_t before, uint64_t after) {
  return after >= before ? after - before : 0;
}

double ratio(double num, double den) {
  return den > 0 ? num / den : 0;
}

CpuFractions cpu_fractions(const CpuTimes& a, const CpuTimes& b) {
  CpuFractions f;
  f.cpu = b.cpu;
  uint64_t user = grew(a.user, b.user), nice = grew(a.nice, b.nice);
  uint64_t system = grew(a.system, b.system), idle = grew(a.idle, b.idle);
  uint64_t iowait = grew(a.iowait, b.iowait), irq = grew(a.irq, b.irq);
  uint64_t softirq = grew(a.softirq, b.softirq), steal = grew(a.steal, b.steal);
  // The core's own tick total is the denominator, not wall time: it stays right when the interval
  // is not a whole number of ticks.
  auto total = static_cast<double>(user + nice + system + idle + iowait + irq + softirq + steal);
  f.user = ratio(static_cast<double>(user), total);
  f.nice = ratio(static_cast<double>(nice), total);
  f.system = ratio(static_cast<double>(system), total);
  f.idle = ratio(static_cast<double>(idle), total);
  f.iowait = ratio(static_cast<double>(iowait), total);
  f.irq = ratio(static_cast<double>(irq), total);
  f.softirq = ratio(static_cast<double>(softirq), total);
  f.steal = ratio(static_cast<double>(steal), total);
  return f;
}

}  // namespace

Sampler::Sampler(const sockaddr_storage& target, std::vector<pid_t> worker_tids)
    : tids_(std::move(worker_tids)) {
  iface_ = interface_for(target);
  line_rate_mbps_ = read_line_rate_mbps(iface_);
  cpus_ = usable_cpus();
  cgroup_ = find_cgroup_cpu();
  long hz = ::sysconf(_SC_CLK_TCK);
  ticks_per_second_ = hz > 0 ? static_cast<double>(hz) : 100;
  buf_.reserve(16384);
  path_.reserve(64);
}

Sample Sampler::take() {
  Sample s;
  take(s);
  return s;
}

void Sampler::take(Sample& out) {
  using sysmon_text::read_small_file;
  out.mono_ns = clock_ns(CLOCK_MONOTONIC);
  out.wall = static_cast<double>(clock_ns(CLOCK_REALTIME)) / 1e9;
  out.ticks_per_second = ticks_per_second_;
  out.cpus = cpus_;
  out.iface = iface_;
  out.line_rate_mbps = line_rate_mbps_;

  // Worker threads first and back to back: their CPU times are the numbers the verdict leans on
  // most, so keep them closest to the timestamp.
  out.workers.resize(tids_.size());
  char path[64];
  for (size_t i = 0; i < tids_.size(); ++i) {
    WorkerSample& w = out.workers[i];
    w.tid = tids_[i];
    std::snprintf(path, sizeof(path), "/proc/self/task/%d/stat", static_cast<int>(tids_[i]));
    w.ok = read_small_file(path, buf_) && parse_task_stat(buf_, w.stat);
    std::snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", static_cast<int>(tids_[i]));
    w.sched_ok = read_small_file(path, buf_) && parse_schedstat(buf_, w.sched);
  }

  rusage usage{};
  out.process.ok = ::getrusage(RUSAGE_SELF, &usage) == 0;
  if (out.process.ok) {
    auto us = [](const timeval& tv) {
      return static_cast<uint64_t>(tv.tv_sec) * 1'000'000 + static_cast<uint64_t>(tv.tv_usec);
    };
    out.process.user_us = us(usage.ru_utime);
    out.process.system_us = us(usage.ru_stime);
    out.process.voluntary_ctxt = static_cast<uint64_t>(usage.ru_nvcsw);
    out.process.involuntary_ctxt = static_cast<uint64_t>(usage.ru_nivcsw);
  }

  if (!(read_small_file("/proc/stat", buf_) && parse_proc_stat(buf_, out.cpu))) out.cpu.ok = false;

  out.nic.ok = false;
  if (!iface_.empty() && read_small_file("/proc/net/dev", buf_)) {
    parse_net_dev(buf_, devs_);
    for (const auto& d : devs_) {
      if (d.name != iface_) continue;
      out.nic.counters = d;
      out.nic.ok = true;
      break;
    }
  }

  out.tcp = TcpCounters{};
  if (read_small_file("/proc/net/snmp", buf_)) parse_snmp(buf_, out.tcp);
  if (read_small_file("/proc/net/netstat", buf_)) parse_netstat(buf_, out.tcp);
  read_cgroup_throttle(cgroup_.stat_files, out.quota, buf_);
}

namespace {

void diff_workers(const Sample& a, const Sample& b, double secs, Delta& d) {
  const double hz = b.ticks_per_second > 0 ? b.ticks_per_second : 100;
  auto ticks_fraction = [&](uint64_t ticks) {
    return ratio(static_cast<double>(ticks) / hz, secs);
  };
  d.workers.resize(b.workers.size());
  for (size_t i = 0; i < b.workers.size(); ++i) {
    const WorkerSample& wb = b.workers[i];
    WorkerDelta& w = d.workers[i];
    w.tid = wb.tid;
    const WorkerSample* wa =
        i < a.workers.size() && a.workers[i].tid == wb.tid ? &a.workers[i] : nullptr;
    if (wa == nullptr) continue;
    w.ok = wa->ok && wb.ok;
    w.wait_ok = wa->sched_ok && wb.sched_ok;
    if (w.ok) {
      uint64_t user = grew(wa->stat.utime, wb.stat.utime);
      uint64_t system = grew(wa->stat.stime, wb.stat.stime);
      w.busy = ticks_fraction(user + system);
      if (w.wait_ok) {
        // schedstat counts nanoseconds; stat's ticks are 10 ms, 1% of a second: near the 90%
        // threshold that difference matters.
        w.busy = ratio(static_cast<double>(grew(wa->sched.run_ns, wb.sched.run_ns)) / 1e9, secs);
      }
      double user_share =
          user + system > 0 ? static_cast<double>(user) / static_cast<double>(user + system) : 1.0;
      w.user = w.busy * user_share;
      w.system = w.busy - w.user;
    }
    if (w.wait_ok) {
      w.wait = ratio(static_cast<double>(grew(wa->sched.wait_ns, wb.sched.wait_ns)) / 1e9, secs);
    }
  }
}

void diff_process(const Sample& a, const Sample& b, double secs, Delta& d) {
  ProcessDelta& p = d.process;
  p.cpus = b.cpus;
  p.ok = a.process.ok && b.process.ok;
  if (p.ok) {
    p.user = ratio(static_cast<double>(grew(a.process.user_us, b.process.user_us)) / 1e6, secs);
    p.system =
        ratio(static_cast<double>(grew(a.process.system_us, b.process.system_us)) / 1e6, secs);
    p.cpu = p.user + p.system;
    p.voluntary_ctxt = grew(a.process.voluntary_ctxt, b.process.voluntary_ctxt);
    p.involuntary_ctxt = grew(a.process.involuntary_ctxt, b.process.involuntary_ctxt);
  }
}

void diff_nic(const Sample& a, const Sample& b, double secs, Delta& d) {
  NicDelta& n = d.nic;
  n.iface = b.iface;
  n.line_rate_mbps = b.line_rate_mbps;
  n.ok = a.nic.ok && b.nic.ok && a.nic.counters.name == b.nic.counters.name;
  if (n.ok) {
    const NetDevCounters& ca = a.nic.counters;
    const NetDevCounters& cb = b.nic.counters;
    n.rx_bytes_per_s = ratio(static_cast<double>(grew(ca.rx_bytes, cb.rx_bytes)), secs);
    n.tx_bytes_per_s = ratio(static_cast<double>(grew(ca.tx_bytes, cb.tx_bytes)), secs);
    n.rx_packets_per_s = ratio(static_cast<double>(grew(ca.rx_packets, cb.rx_packets)), secs);
    n.tx_packets_per_s = ratio(static_cast<double>(grew(ca.tx_packets, cb.tx_packets)), secs);
    n.rx_drop = grew(ca.rx_drop, cb.rx_drop);
    n.tx_drop = grew(ca.tx_drop, cb.tx_drop);
    n.rx_errs = grew(ca.rx_errs, cb.rx_errs);
    n.tx_errs = grew(ca.tx_errs, cb.tx_errs);
    if (n.line_rate_mbps > 0) {
      double bits = 8 * std::max(n.rx_bytes_per_s, n.tx_bytes_per_s);
      n.utilization = bits / (static_cast<double>(n.line_rate_mbps) * 1e6);
    }
  }
}

void diff_tcp(const Sample& a, const Sample& b, Delta& d) {
  TcpDelta& t = d.tcp;
  t.ok = a.tcp.snmp_ok && b.tcp.snmp_ok;
  if (t.ok) {
    t.retrans_segs = grew(a.tcp.retrans_segs, b.tcp.retrans_segs);
    t.out_segs = grew(a.tcp.out_segs, b.tcp.out_segs);
    t.in_segs = grew(a.tcp.in_segs, b.tcp.in_segs);
    t.active_opens = grew(a.tcp.active_opens, b.tcp.active_opens);
    t.attempt_fails = grew(a.tcp.attempt_fails, b.tcp.attempt_fails);
    t.estab_resets = grew(a.tcp.estab_resets, b.tcp.estab_resets);
    t.out_rsts = grew(a.tcp.out_rsts, b.tcp.out_rsts);
    t.in_errs = grew(a.tcp.in_errs, b.tcp.in_errs);
  }
  t.netstat_ok = a.tcp.netstat_ok && b.tcp.netstat_ok;
  if (t.netstat_ok) {
    t.listen_overflows = grew(a.tcp.listen_overflows, b.tcp.listen_overflows);
    t.listen_drops = grew(a.tcp.listen_drops, b.tcp.listen_drops);
    t.tcp_timeouts = grew(a.tcp.tcp_timeouts, b.tcp.tcp_timeouts);
  }
}

// Of the cgroups on the path, the one stopped longest in the interval: the quota that bit.
void diff_quota(const Sample& a, const Sample& b, Delta& d) {
  QuotaDelta& q = d.quota;
  if (a.quota.size() != b.quota.size()) return;
  for (size_t i = 0; i < b.quota.size(); ++i) {
    if (!a.quota[i].ok || !b.quota[i].ok) continue;
    const uint64_t us = grew(a.quota[i].throttled_us, b.quota[i].throttled_us);
    if (q.ok && us <= q.throttled_us) continue;
    q.ok = true;
    q.periods = grew(a.quota[i].periods, b.quota[i].periods);
    q.throttled = grew(a.quota[i].throttled, b.quota[i].throttled);
    q.throttled_us = us;
  }
}

}  // namespace

Delta Sampler::diff(const Sample& a, const Sample& b) {
  Delta d;
  d.seconds = static_cast<double>(b.mono_ns - a.mono_ns) / 1e9;
  d.wall = b.wall;
  diff_workers(a, b, d.seconds, d);
  diff_process(a, b, d.seconds, d);
  d.cpu_ok = a.cpu.ok && b.cpu.ok;
  if (d.cpu_ok) {
    d.cpu = cpu_fractions(a.cpu.all, b.cpu.all);
    for (const CpuTimes& cb : b.cpu.cores) {
      auto it = std::find_if(a.cpu.cores.begin(), a.cpu.cores.end(),
                             [&](const CpuTimes& ca) { return ca.cpu == cb.cpu; });
      if (it != a.cpu.cores.end()) d.cores.push_back(cpu_fractions(*it, cb));
    }
  }

  diff_nic(a, b, d.seconds, d);
  diff_tcp(a, b, d);
  diff_quota(a, b, d);
  return d;
}

}  // namespace ringfire
