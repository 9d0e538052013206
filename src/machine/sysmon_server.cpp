// ServerProbe: finds the local server's processes from their listening socket and reads their CPU
// time and CPUs at the start and the end of the measured window (sysmon_server.hpp).
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "ringfire/base/clock.hpp"
#include "ringfire/machine/sysmon.hpp"
#include "ringfire/machine/sysmon_server.hpp"
#include "sysmon_text.hpp"

namespace ringfire {

using sysmon_text::read_small_file;

namespace {

bool parse_pid(const char* name, pid_t& pid) {
  uint64_t v = 0;
  if (!sysmon_text::to_u64(name, v) || v == 0 || v > 0x3FFFFFFF) return false;
  pid = static_cast<pid_t>(v);
  return true;
}

// Every numeric entry of `dir` (processes of /proc, threads of /proc/PID/task).
std::vector<pid_t> list_ids(const std::string& dir) {
  std::vector<pid_t> ids;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ids;
  while (const dirent* e = ::readdir(d)) {
    pid_t id = 0;
    if (parse_pid(e->d_name, id)) ids.push_back(id);
  }
  ::closedir(d);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// The inodes of the LISTEN sockets that a connection to `target` reaches.
std::vector<uint64_t> listening_inodes(const std::string& root, const sockaddr_storage& target,
                                       std::string& buf) {
  std::vector<uint64_t> inodes;
  std::vector<ListenSocket> sockets;
  for (const auto& [file, family] : {std::pair{"/net/tcp", AF_INET}, {"/net/tcp6", AF_INET6}}) {
    if (!read_small_file((root + file).c_str(), buf)) continue;
    parse_listen_sockets(buf, family, sockets);  // a malformed line costs only itself
    for (const ListenSocket& s : sockets) {
      if (listener_serves(s, target)) inodes.push_back(s.inode);
    }
  }
  std::sort(inodes.begin(), inodes.end());
  return inodes;
}

// Does /proc/PID/fd hold one of `inodes`? False when it is unreadable (another user's process).
bool holds_socket(const std::string& root, pid_t pid, const std::vector<uint64_t>& inodes) {
  const std::string dir = root + "/" + std::to_string(pid) + "/fd";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return false;
  }
  bool found = false;
  char link[64];
  while (const dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const ssize_t n = ::readlinkat(::dirfd(d), e->d_name, link, sizeof(link));
    uint64_t inode = 0;
    if (n > 0 && static_cast<size_t>(n) < sizeof(link) &&
        parse_socket_link({link, static_cast<size_t>(n)}, inode) &&
        std::binary_search(inodes.begin(), inodes.end(), inode)) {
      found = true;
      break;
    }
  }
  ::closedir(d);
  return found;
}

}  // namespace

ServerProbe::ServerProbe(const sockaddr_storage& target, std::string proc_root)
    : root_(std::move(proc_root)) {
  const long hz = ::sysconf(_SC_CLK_TCK);
  ticks_per_second_ = hz > 0 ? static_cast<double>(hz) : 100;
  local_ = interface_for(target) == "lo";
  if (!local_) return;
  const std::vector<uint64_t> inodes = listening_inodes(root_, target, buf_);
  if (inodes.empty()) return;
  const pid_t self = ::getpid();
  for (const pid_t pid : list_ids(root_)) {
    if (pid == self || !holds_socket(root_, pid, inodes)) continue;
    pids_.push_back(pid);
    if (pids_.size() == kMaxServerProcesses) break;
  }
  if (pids_.empty()) return;
  if (read_small_file((root_ + "/" + std::to_string(pids_[0]) + "/comm").c_str(), buf_)) {
    comm_ = buf_.substr(0, buf_.find('\n'));
  }
}

uint64_t ServerProbe::process_ticks(pid_t pid, bool& ok) {
  TaskStat stat;
  if (!read_small_file((root_ + "/" + std::to_string(pid) + "/stat").c_str(), buf_) ||
      !parse_task_stat(buf_, stat)) {
    ok = false;
    return 0;
  }
  return stat.utime + stat.stime;
}

void ServerProbe::read_threads(pid_t pid, std::vector<ThreadTicks>& out) {
  const std::string task = root_ + "/" + std::to_string(pid) + "/task";
  for (const pid_t tid : list_ids(task)) {
    if (out.size() >= kMaxServerThreads) return;
    TaskStat stat;
    if (!read_small_file((task + "/" + std::to_string(tid) + "/stat").c_str(), buf_) ||
        !parse_task_stat(buf_, stat)) {
      continue;  // the thread ended meanwhile
    }
    out.push_back({pid, tid, stat.utime + stat.stime, stat.processor});
  }
}

void ServerProbe::start() {
  if (!found()) return;
  started_ = true;
  start_ok_ = true;
  start_ticks_ = 0;
  for (const pid_t pid : pids_) start_ticks_ += process_ticks(pid, start_ok_);
  start_ns_ = now_ns();
  start_threads_.clear();
  for (const pid_t pid : pids_) read_threads(pid, start_threads_);
  std::sort(start_threads_.begin(), start_threads_.end(),
            [](const ThreadTicks& a, const ThreadTicks& b) { return a.tid < b.tid; });
}

ServerUsage ServerProbe::finish() {
  ServerUsage u;
  u.local = local_;
  u.found = found();
  u.pids = pids_;
  u.comm = comm_;
  if (!started_) return u;
  bool end_ok = true;
  uint64_t end_ticks = 0;
  for (const pid_t pid : pids_) end_ticks += process_ticks(pid, end_ok);
  u.seconds = static_cast<double>(now_ns() - start_ns_) * 1e-9;
  // A process that exited (a recycled pre-fork worker) leaves the sum short: then say nothing.
  u.measured = start_ok_ && end_ok && u.seconds > 0;
  if (u.measured && end_ticks >= start_ticks_) {
    u.cpu = static_cast<double>(end_ticks - start_ticks_) / ticks_per_second_ / u.seconds;
  }
  std::vector<ThreadTicks> now;
  for (const pid_t pid : pids_) read_threads(pid, now);
  u.threads_capped = now.size() >= kMaxServerThreads;
  for (const ThreadTicks& t : now) {
    ServerThread s;
    s.pid = t.pid;
    s.tid = t.tid;
    s.cpu_end = t.cpu;
    uint64_t before = 0;  // a thread born in the window spent all its time in it
    auto it = std::lower_bound(start_threads_.begin(), start_threads_.end(), t.tid,
                               [](const ThreadTicks& a, pid_t tid) { return a.tid < tid; });
    if (it != start_threads_.end() && it->tid == t.tid) {
      before = it->ticks;
      s.cpu_start = it->cpu;
    }
    s.cpu_seconds =
        static_cast<double>(t.ticks >= before ? t.ticks - before : 0) / ticks_per_second_;
    const std::string status =
        root_ + "/" + std::to_string(t.pid) + "/task/" + std::to_string(t.tid) + "/status";
    if (read_small_file(status.c_str(), buf_)) parse_cpus_allowed(buf_, s.allowed);
    u.threads.push_back(std::move(s));
  }
  return u;
}

}  // namespace ringfire
