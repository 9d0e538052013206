// The local server in the verdict: does it share a worker's CPU, and was it CPU-bound?
#include <algorithm>

#include "verdict_internal.hpp"

namespace ringfire::verdict_detail {

namespace {

bool is_worker_cpu(const std::vector<int>& worker_cpus, int cpu) {
  return cpu >= 0 && std::find(worker_cpus.begin(), worker_cpus.end(), cpu) != worker_cpus.end();
}

// A thread that cannot leave the workers' CPUs: the CPU it shares (the one it was last seen on
// when that is a worker's, else its first allowed one), or -1.
int pinned_shared_cpu(const ServerThread& t, const std::vector<int>& worker_cpus) {
  if (t.allowed.empty()) return -1;
  for (int cpu : t.allowed) {
    if (!is_worker_cpu(worker_cpus, cpu)) return -1;
  }
  if (is_worker_cpu(worker_cpus, t.cpu_end)) return t.cpu_end;
  return t.allowed.front();
}

// A thread seen on a worker's CPU at the start or the end of the window, or -1.
int seen_shared_cpu(const ServerThread& t, const std::vector<int>& worker_cpus) {
  if (is_worker_cpu(worker_cpus, t.cpu_end)) return t.cpu_end;
  if (is_worker_cpu(worker_cpus, t.cpu_start)) return t.cpu_start;
  return -1;
}

}  // namespace

void judge_server(const ServerUsage& u, const std::vector<int>& worker_cpus, ServerEvidence& e) {
  e = ServerEvidence{};
  e.local = u.local;
  e.found = u.found && !u.pids.empty();
  if (!e.found) return;
  e.pid = u.pids.front();
  e.comm = u.comm;
  e.processes = u.pids.size();
  if (u.measured) {
    e.cpu = u.cpu;
    e.seconds = u.seconds;
  }
  std::vector<int> allowed;
  // Prefer a thread that cannot leave the workers' CPUs over one merely seen there, and among
  // equals the one that used the most CPU: it is the one competing hardest.
  double best_cpu_seconds = -1;
  for (const ServerThread& t : u.threads) {
    // Idle threads (a main thread waiting for a signal) compete with nobody and add no capacity.
    // 0 ticks is < 10 ms.
    if (t.cpu_seconds <= 0) continue;
    ++e.threads_ran;
    allowed.insert(allowed.end(), t.allowed.begin(), t.allowed.end());
    const int pinned = pinned_shared_cpu(t, worker_cpus);
    const int cpu = pinned >= 0 ? pinned : seen_shared_cpu(t, worker_cpus);
    if (cpu < 0) continue;
    ++e.sharing_threads;
    const bool better = (pinned >= 0 && !e.pinned_to_workers) ||
                        ((pinned >= 0) == e.pinned_to_workers && t.cpu_seconds > best_cpu_seconds);
    if (!better) continue;
    best_cpu_seconds = t.cpu_seconds;
    e.shares_cpu = true;
    e.pinned_to_workers = pinned >= 0;
    e.shared_cpu = cpu;
    e.shared_tid = t.tid;
    e.shared_worker = static_cast<int>(std::find(worker_cpus.begin(), worker_cpus.end(), cpu) -
                                       worker_cpus.begin());
  }
  if (e.threads_ran == 0) {
    for (const ServerThread& t : u.threads)
      allowed.insert(allowed.end(), t.allowed.begin(), t.allowed.end());
  }
  std::sort(allowed.begin(), allowed.end());
  e.cpus = static_cast<int>(std::unique(allowed.begin(), allowed.end()) - allowed.begin());
}

bool server_cpu_bound(const ServerEvidence& s) {
  return s.cpu >= 0 && s.cpus > 0 && s.cpu >= kProcessBusy * s.cpus;
}

std::string server_name(const ServerEvidence& s) {
  std::string name = format("pid %d", static_cast<int>(s.pid));
  if (!s.comm.empty()) name += " " + s.comm;
  if (s.processes > 1) name += format(" and %zu more", s.processes - 1);
  return name;
}

void add_server_flags(const VerdictEvidence& e, bool cpu_bound_named,
                      std::vector<std::string>& flags) {
  const ServerEvidence& s = e.server;
  if (s.shares_cpu && s.pinned_to_workers) {
    flags.push_back(format(
        "the server (%s) may run only on CPUs of ringfire's workers: its thread "
        "%d runs on CPU %d with worker %d, so client and server take turns on "
        "that CPU and the server's capacity is understated — put them on "
        "different CPUs",
        server_name(s).c_str(), static_cast<int>(s.shared_tid), s.shared_cpu, s.shared_worker));
  } else if (s.shares_cpu) {
    flags.push_back(format(
        "the server (%s) shares CPUs with ringfire's workers: its thread %d was "
        "on CPU %d, worker %d's, at the start or the end of the run — pin them "
        "to different CPUs for a clean measurement",
        server_name(s).c_str(), static_cast<int>(s.shared_tid), s.shared_cpu, s.shared_worker));
  }
  if (server_cpu_bound(s) && !cpu_bound_named) {
    flags.push_back(
        format("the server (%s) used %.2f of the %d CPU%s it may run on: it is "
               "CPU-bound — the server is the bottleneck",
               server_name(s).c_str(), s.cpu, s.cpus, s.cpus == 1 ? "" : "s"));
  }
}

}  // namespace ringfire::verdict_detail
