// The client-bound verdict: from the per-second machine deltas of a run (sysmon.hpp) and what the
// run itself knows (RunFacts), decide whether the numbers measured the server or this client, and
// say why in one line.
//
// A run is CLIENT-BOUND when, in at least kHotShare of the judged intervals, any of:
//   1. a worker thread was busy (user + sys CPU / wall) >= kWorkerBusy — it could not go faster;
//   2. a worker thread waited for a CPU (runnable, not running: schedstat run delay / wall)
//      >= kWorkerWait — something else takes its CPU: ringfire's own other workers when there are
//      more workers than usable CPUs (oversubscribed), the local server when it runs on the
//      worker's CPU, else another process;
//   3. the whole process used >= kProcessBusy x the CPUs it may use (affinity, cgroup quota).
// Then the server's real capacity is higher than what was measured. The advice names the cause:
// an oversubscribed client is told to use fewer threads (-t = usable CPUs), never more. When the
// cgroup CPU quota (cgroup_cpu.hpp) throttled the process in the measured window, the cause is
// named as "CPU quota throttled the client (N periods, X ms)": a waiting worker is then held back
// by its container's limit, not by another process, and the advice is to raise the quota.
//
// BOTH SATURATED (Verdict::both_saturated): client-bound by its own CPU (rule 1 or 3, not a
// quota) while the local server used >= kProcessBusy of the CPUs it may run on, on CPUs apart
// from the workers'. Then neither capacity was measured: the figure is the pair's, and only a
// second client machine (--shard, ringfire merge) tells them apart. The summary says so instead
// of claiming the server's capacity is higher, and no flag repeats the server's CPU use.
//
// Flags are warnings that do not make the run client-bound but can distort it:
//   more workers than usable CPUs; the local server sharing a worker's CPU (one of its threads
//   that used CPU in the window may run only on workers' CPUs, or was on one at the start or the
//   end); the local server using >= kProcessBusy of the CPUs it may run on (it is CPU-bound);
//   NIC utilization >= kNicUtilization of line rate in any interval; a core's softirq share
//   >= kCoreSoftirq in any interval; steal >= kSteal in any interval (a noisy VM neighbour);
//   a worker thread that could not be read; the cgroup CPU quota throttling a run that is not
//   client-bound.
// Host-wide TCP counters (/proc/net/snmp, netstat) include every process's traffic and are
// labelled so: listen-queue overflows or drops > 0; retransmits > kRetransShare of segments sent;
// resets of established connections only when ringfire itself saw requests fail by a reset, and
// failed connection attempts only when ringfire's own failed; NIC drops or errors > 0.
//
// Intervals shorter than kMinIntervalSeconds (a trailing partial second) are not judged: tick-based
// CPU times are too coarse there (10 ms ticks are 4% of 0.25 s).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ringfire/machine/sysmon.hpp"
#include "ringfire/machine/sysmon_server.hpp"

namespace ringfire {

inline constexpr double kWorkerBusy = 0.90;
inline constexpr double kWorkerWait = 0.30;
inline constexpr double kProcessBusy = 0.90;
inline constexpr double kHotShare = 0.5;
inline constexpr double kNicUtilization = 0.90;
inline constexpr double kCoreSoftirq = 0.50;
inline constexpr double kSteal = 0.10;
inline constexpr double kRetransShare = 0.001;
inline constexpr double kMinIntervalSeconds = 0.25;

// What the run knows besides the machine samples.
struct RunFacts {
  int workers = 0;
  double requests_per_s = 0;     // achieved, for the evidence only
  std::vector<int> worker_cpus;  // the CPU each worker is pinned to (-1: not pinned)
  int usable_cpus = 0;           // distinct CPUs the plan spread workers over (0: unknown)
  // ringfire's own failures: requests failed by a reset (ErrorClass::kRead) and failed connection
  // attempts. Host-wide TCP counters raise a flag about resets only when these say we were hit.
  uint64_t read_errors = 0, connect_errors = 0;
  ServerUsage server;  // the target's process when it runs on this host
  // https://: the TLS work the client did besides requests. Handshakes per second of the
  // measured window, and the share of all handshakes that resumed a session (0 to 1).
  bool tls = false;
  double handshakes_per_s = 0, resumed_share = 0;
};

// The local server, as the verdict saw it. pid 0 when not found.
struct ServerEvidence {
  bool local = false, found = false;
  pid_t pid = 0;
  std::string comm;
  size_t processes = 0;
  double cpu = -1;     // cores used over the measured window; -1: unknown
  double seconds = 0;  // that window
  int cpus = 0;        // CPUs its threads that ran may use (union of affinities; all if none ran)
  size_t threads_ran = 0;          // threads that used CPU in the window
  bool shares_cpu = false;         // one of those may run only on workers' CPUs, or was seen on one
  bool pinned_to_workers = false;  // the first: it cannot leave the workers' CPUs
  int shared_cpu = -1, shared_worker = -1;
  pid_t shared_tid = 0;
  size_t sharing_threads = 0;
};

// The numbers behind the verdict. Indices are worker positions (0-based), -1 when none.
struct VerdictEvidence {
  size_t seconds = 0;  // intervals judged
  int workers = 0;
  double requests_per_s = 0;
  int worker_cpus = 0;          // distinct CPUs the workers are pinned to
  int plan_cpus = 0;            // usable CPUs the plan had (RunFacts::usable_cpus)
  bool oversubscribed = false;  // workers > plan_cpus: they compete with each other
  uint64_t read_errors = 0, connect_errors = 0;
  ServerEvidence server;

  int busiest_worker = -1;  // highest mean busy fraction
  double busiest_mean = 0, busiest_max = 0;
  int hot_worker = -1;  // most intervals at >= kWorkerBusy
  size_t hot_seconds = 0;

  int starved_worker = -1;  // most intervals waiting >= kWorkerWait (else highest mean wait)
  size_t starved_seconds = 0;
  double wait_mean = 0, wait_max = 0;  // of starved_worker
  bool wait_known = false;             // schedstat was available for some worker

  double process_cpu_mean = 0, process_cpu_max = 0;  // cores
  double usable_cpus = 0;  // the process's (affinity, cgroup quota), at most plan_cpus
  size_t process_hot_seconds = 0;
  double cpu_us_per_request = 0;  // process CPU time / completed requests (0 when unknown)
  uint64_t involuntary_ctxt = 0;

  std::string iface;
  bool nic_known = false;
  double nic_bits_per_s_mean = 0, nic_bits_per_s_max = 0;  // max(rx, tx)
  int64_t line_rate_mbps = -1;
  double nic_utilization_max = -1;  // -1: line rate unknown
  size_t nic_hot_seconds = 0;
  uint64_t nic_drops = 0, nic_errors = 0;

  int softirq_core = -1;
  double softirq_max = 0;
  size_t softirq_seconds = 0;  // intervals where some core was >= kCoreSoftirq
  double steal_max = 0;
  size_t steal_seconds = 0;

  // The cgroup CPU quota (cgroup_cpu.hpp), summed over every interval of the window.
  bool quota_known = false;  // a cgroup with the cpu controller was read
  uint64_t quota_periods = 0, quota_throttled = 0, quota_throttled_us = 0;
  size_t quota_throttled_seconds = 0;  // judged intervals in which the quota ran out

  bool tcp_known = false;  // the TCP counters below are host-wide (every process's traffic)
  uint64_t retransmits = 0, segments_sent = 0;
  uint64_t listen_overflows = 0, listen_drops = 0;
  uint64_t attempt_fails = 0, estab_resets = 0, tcp_timeouts = 0;

  // RunFacts' TLS work, as given: a full handshake costs the client far more CPU than a
  // request, so CPU per request is read against these.
  bool tls = false;
  double handshakes_per_s = 0, resumed_share = 0;
};

struct Verdict {
  bool client_bound = false;
  // Client-bound by its own CPU while the local server was CPU-bound: the figure is the pair's.
  bool both_saturated = false;
  std::string summary;               // one line, no newline
  std::vector<std::string> reasons;  // every rule that made it client-bound (first = summary's)
  std::vector<std::string> flags;
  // https://: one line on the TLS work behind the figures ("TLS work: 812.0 handshakes/s, 75%
  // resumed, ..."); empty otherwise.
  std::string tls_work;
  VerdictEvidence evidence;
};

// Pure: no clock, no files. `facts.workers` is the number of worker threads the run used (the
// deltas' worker entries may be empty when their TIDs were unknown).
Verdict judge(std::span<const Delta> series, const RunFacts& facts);
// The same with nothing known but the worker count and the achieved rate.
Verdict judge(std::span<const Delta> series, int workers, double requests_per_s);

nlohmann::json to_json(const Verdict& v);

}  // namespace ringfire
