// The machine sampler: CPU, NIC and TCP counters of the client host, and the CPU of each worker
// thread, read from /proc and /sys once a second. Two samples make a Delta (rates and fractions
// over the interval); a series of Deltas is the evidence behind the client-bound verdict
// (verdict.hpp).
//
// Parsers are pure (text in, numbers out) so tests feed them fixture strings; the readers around
// them never throw: a file that is missing or malformed leaves its fields zero and its `ok` false.
// Not for the hot path: take() reads 4 + 2 x workers small files, ~0.3 ms of CPU with 4 workers
// on a 2-core VM (RealSampler.CostPerSample prints it): 0.03% of a core at one sample a second.
//
// JSON of a Delta (to_json), one object per interval. Absent data is `null`, never a made-up zero.
//   dt      seconds in the interval (CLOCK_MONOTONIC)
//   wall    unix seconds (float) at the end of the interval
//   workers [{tid, usr, sys, busy, wait}] per worker thread, in the order given to the Sampler.
//           usr/sys/busy: thread CPU time / dt (busy = usr + sys). wait: time the thread was
//           runnable but not running (schedstat run delay) / dt, or null without schedstats.
//           A worker whose thread is gone is null.
//   proc    {cpu, usr, sys, vcsw, ivcsw, cpus} this process (getrusage): CPU in cores (1.0 = one
//   core busy),
//           voluntary / involuntary context switches in the interval, cpus = CPUs it may use
//           (affinity, capped by a cgroup cpu.max quota).
//   cpu     {usr, nice, sys, irq, soft, iowait, steal, idle} the whole machine, fractions of all
//           CPU time in the interval (they sum to ~1).
//   cores   [{id, usr, nice, sys, irq, soft, iowait, steal, idle}] the same, per core.
//   nic     {if, rx_Bps, tx_Bps, rx_pps, tx_pps, rx_drop, tx_drop, rx_err, tx_err, speed_mbps,
//           util} the interface that routes to the target. Bps = bytes/s; drop/err are counts in
//           the interval; speed_mbps is the line rate (null when unknown, e.g. lo, most VMs);
//           util = max(rx, tx) bits/s / line rate (null when the line rate is unknown).
//   tcp     {scope, retrans, out_segs, in_segs, active_opens, attempt_fails, estab_resets,
//           out_rsts, in_errs, listen_overflows, listen_drops, timeouts} counts in the interval.
//           scope is "host": these count every process's TCP traffic, a local server's included.
//   quota   {periods, throttled, throttled_us} the cgroup CPU quota (cgroup_cpu.hpp) in the
//           interval: enforcement periods, periods the quota ran out, and the time the process's
//           cgroup was stopped, in microseconds; of the cgroup on the path that was throttled
//           most. null when no cgroup with the cpu controller was found.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ringfire/machine/cgroup_cpu.hpp"

namespace ringfire {

// ---------------------------------------------------------------------------------------------
// Raw counters, as the kernel reports them.

// One "cpu" line of /proc/stat, in clock ticks (USER_HZ). guest time is already inside user.
struct CpuTimes {
  int cpu = -1;  // core number; -1 for the "cpu" (all cores) line
  uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
};

struct CpuStat {
  bool ok = false;
  CpuTimes all;
  std::vector<CpuTimes> cores;  // in file order (offline cores are absent)
};

// One interface line of /proc/net/dev.
struct NetDevCounters {
  std::string name;
  uint64_t rx_bytes = 0, rx_packets = 0, rx_errs = 0, rx_drop = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errs = 0, tx_drop = 0;
};

// The TCP counters we watch, from /proc/net/snmp ("Tcp:") and /proc/net/netstat ("TcpExt:").
struct TcpCounters {
  bool snmp_ok = false;     // the Tcp: fields below were found
  bool netstat_ok = false;  // the TcpExt: fields below were found
  // Tcp:
  uint64_t active_opens = 0, attempt_fails = 0, estab_resets = 0, in_segs = 0, out_segs = 0;
  uint64_t retrans_segs = 0, in_errs = 0, out_rsts = 0;
  // TcpExt:
  uint64_t listen_overflows = 0, listen_drops = 0, tcp_timeouts = 0;
};

// The fields of /proc/PID/stat or /proc/PID/task/TID/stat that we use.
struct TaskStat {
  char state = '?';
  uint64_t utime = 0, stime = 0;  // clock ticks
  int64_t num_threads = 0;
  int processor = -1;  // the CPU it last ran on
};

// /proc/PID/task/TID/schedstat: time on CPU, time runnable but waiting for a CPU, timeslices.
struct SchedStat {
  uint64_t run_ns = 0, wait_ns = 0, timeslices = 0;
};

// ---------------------------------------------------------------------------------------------
// Pure parsers. Each returns false (leaving what it could not read at zero) on malformed text.

bool parse_proc_stat(std::string_view text, CpuStat& out);
bool parse_net_dev(std::string_view text, std::vector<NetDevCounters>& out);
// Fills the snmp part of `out` from /proc/net/snmp text, and the netstat part from
// /proc/net/netstat text. Each sets its own *_ok flag.
bool parse_snmp(std::string_view text, TcpCounters& out);
bool parse_netstat(std::string_view text, TcpCounters& out);
// /proc/PID/stat: parsed after the LAST ')' because comm may hold spaces and parentheses.
bool parse_task_stat(std::string_view text, TaskStat& out);
bool parse_schedstat(std::string_view text, SchedStat& out);
// voluntary_ctxt_switches / nonvoluntary_ctxt_switches of /proc/PID/status.
bool parse_status_ctxt(std::string_view text, uint64_t& voluntary, uint64_t& involuntary);
// cgroup v2 cpu.max ("max 100000" or "150000 100000"): the quota in CPUs, or 0 when unlimited.
double parse_cpu_max(std::string_view text);
// /proc/self/cgroup: the cgroup v2 path ("0::/a/b" -> "/a/b"), or "" when there is none.
std::string parse_cgroup_v2_path(std::string_view text);

// Routing: the interface that /proc/net/route (IPv4) or /proc/net/ipv6_route (IPv6) would use for
// `target` (longest prefix, then lowest metric; rejected and down routes are skipped), or "" when
// no route matches. Addresses are in network byte order, as in in_addr / in6_addr.
std::string route_interface_v4(std::string_view route_text, const void* in_addr4);
std::string route_interface_v6(std::string_view ipv6_route_text, const void* in6_addr16);
// /sys/class/net/IF/speed in Mb/s, or -1 when unknown (empty, "-1", junk).
int64_t parse_speed_mbps(std::string_view text);

// ---------------------------------------------------------------------------------------------
// Readers of the real files. They never throw.

// The interface traffic to `target` leaves by: "lo" for loopback addresses and for this host's own
// addresses (the kernel's local table routes those over lo; /proc/net/route does not show it),
// else the routing-table answer. "" when unknown.
std::string interface_for(const sockaddr_storage& target);
int64_t read_line_rate_mbps(const std::string& iface);  // -1 when unknown
// CPUs this process may use: affinity, capped by a cgroup CPU quota (v2 cpu.max, v1
// cpu.cfs_quota_us) when one is set on its cgroup or an ancestor.
double usable_cpus();

struct WorkerSample {
  pid_t tid = 0;
  bool ok = false;        // the stat file was read (false: thread gone or unreadable)
  bool sched_ok = false;  // schedstat was read (needs CONFIG_SCHEDSTATS / schedstats in kernel)
  TaskStat stat;
  SchedStat sched;
};

// getrusage(RUSAGE_SELF): the same numbers as /proc/self/stat and /proc/self/status, in
// microseconds instead of 10 ms ticks, for one syscall instead of two file reads.
struct ProcessSample {
  bool ok = false;
  uint64_t user_us = 0, system_us = 0;
  uint64_t voluntary_ctxt = 0, involuntary_ctxt = 0;
};

struct NicSample {
  bool ok = false;  // the interface was found in /proc/net/dev
  NetDevCounters counters;
};

struct Sample {
  int64_t mono_ns = 0;            // CLOCK_MONOTONIC when the sample was taken
  double wall = 0;                // unix seconds (CLOCK_REALTIME), same moment
  double ticks_per_second = 100;  // sysconf(_SC_CLK_TCK)
  double cpus = 0;                // usable_cpus() at construction
  CpuStat cpu;
  NicSample nic;
  std::string iface;
  int64_t line_rate_mbps = -1;
  TcpCounters tcp;
  ProcessSample process;
  std::vector<WorkerSample> workers;
  std::vector<CgroupThrottle> quota;  // one per cgroup cpu.stat the Sampler found
};

// ---------------------------------------------------------------------------------------------
// Rates and fractions over the interval between two samples.

struct CpuFractions {
  int cpu = -1;
  double user = 0, nice = 0, system = 0, irq = 0, softirq = 0, iowait = 0, steal = 0, idle = 0;
};

struct WorkerDelta {
  pid_t tid = 0;
  bool ok = false;
  // Fractions of the interval. busy comes from schedstat's nanosecond run time when available
  // (else from stat's ticks); user/system split it in the ratio of stat's tick counts.
  double user = 0, system = 0, busy = 0;
  bool wait_ok = false;
  double wait = 0;  // runnable-but-not-running fraction of the interval (schedstat run delay)
};

struct ProcessDelta {
  bool ok = false;
  double cpu = 0, user = 0, system = 0;  // cores
  uint64_t voluntary_ctxt = 0, involuntary_ctxt = 0;
  double cpus = 0;  // CPUs the process may use
};

struct NicDelta {
  bool ok = false;
  std::string iface;
  double rx_bytes_per_s = 0, tx_bytes_per_s = 0, rx_packets_per_s = 0, tx_packets_per_s = 0;
  uint64_t rx_drop = 0, tx_drop = 0, rx_errs = 0, tx_errs = 0;
  int64_t line_rate_mbps = -1;  // -1: unknown
  double utilization = -1;      // max(rx, tx) / line rate; -1: unknown
};

struct TcpDelta {
  bool ok = false;  // snmp was read in both samples (netstat fields are zero when it was not)
  bool netstat_ok = false;
  uint64_t retrans_segs = 0, out_segs = 0, in_segs = 0, active_opens = 0, attempt_fails = 0;
  uint64_t estab_resets = 0, out_rsts = 0, in_errs = 0;
  uint64_t listen_overflows = 0, listen_drops = 0, tcp_timeouts = 0;
};

// The cgroup CPU quota in the interval: of the cgroup that was throttled longest.
struct QuotaDelta {
  bool ok = false;  // some cpu.stat was read in both samples
  uint64_t periods = 0, throttled = 0, throttled_us = 0;
};

struct Delta {
  double seconds = 0;  // monotonic interval length
  double wall = 0;     // unix seconds at the end
  std::vector<WorkerDelta> workers;
  ProcessDelta process;
  bool cpu_ok = false;
  CpuFractions cpu;
  std::vector<CpuFractions> cores;
  NicDelta nic;
  TcpDelta tcp;
  QuotaDelta quota;
};

// One Sampler per run, used from one thread (it reuses a read buffer).
class Sampler {
 public:
  // Resolves the interface and its line rate once. `worker_tids` are Linux TIDs (gettid()) of
  // threads of this process.
  Sampler(const sockaddr_storage& target, std::vector<pid_t> worker_tids);

  Sample take();
  // Same, reusing `out`'s storage (no allocation after the first call with the same workers).
  void take(Sample& out);

  // Counters that went backwards (a reset interface, a wrapped 32-bit counter) count as zero.
  static Delta diff(const Sample& a, const Sample& b);

  const std::string& interface() const { return iface_; }
  int64_t line_rate_mbps() const { return line_rate_mbps_; }

 private:
  std::vector<pid_t> tids_;
  std::string iface_;
  int64_t line_rate_mbps_ = -1;
  double cpus_ = 0;
  double ticks_per_second_ = 100;
  CgroupCpu cgroup_;
  std::string buf_;  // reused for every file read
  std::string path_;
  std::vector<NetDevCounters> devs_;
};

nlohmann::json to_json(const Delta& d);

}  // namespace ringfire
