// The target's own server process, when it runs on this host: who it is, how much CPU it used over
// the measured window, and which CPUs its threads may run on and did run on, so that the verdict
// can say when client and server share a CPU and whether the server was CPU-bound.
//
// Found once, before the run, from the listening end of the connection: the LISTEN socket on the
// target's port in /proc/net/tcp and /proc/net/tcp6 gives a socket inode, and the processes whose
// /proc/PID/fd holds a link "socket:[INODE]" own it (a pre-fork server such as gunicorn or nginx
// shares one socket among its master and workers: every holder is kept). Then read once at the
// start and once at the end of the measured window, never per second and never per request:
//   /proc/PID/stat                 utime + stime of the whole process (all threads, dead ones too)
//   /proc/PID/task/TID/stat        each thread's utime + stime and the CPU it last ran on (field
//   39) /proc/PID/task/TID/status      Cpus_allowed_list: the CPUs it may run on (end only)
//
// Another user's /proc/PID/fd is unreadable without privileges: such a server is simply not found,
// with no message. This process itself is never taken for the server (--self-check serves from
// inside ringfire).
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfire {

// One line of /proc/net/tcp or /proc/net/tcp6 in state LISTEN (0A).
struct ListenSocket {
  int family = 0;               // AF_INET (tcp) or AF_INET6 (tcp6)
  unsigned char addr[16] = {};  // network byte order; IPv4 in the first 4 bytes
  uint16_t port = 0;
  uint64_t inode = 0;
};

// Pure parsers. parse_listen_sockets keeps only LISTEN lines and returns false when a line it
// should understand is malformed (the header line is skipped). Addresses are the kernel's %08X
// of each 32-bit word as it lies in memory, so they are decoded in this host's byte order.
bool parse_listen_sockets(std::string_view text, int family, std::vector<ListenSocket>& out);
// Does a connection to `target` reach this listener? Same port, and its address is the target's,
// the wildcard, or (for a dual-stack tcp6 socket) the wildcard or the v4-mapped target.
bool listener_serves(const ListenSocket& socket, const sockaddr_storage& target);
// "socket:[12345]" -> 12345.
bool parse_socket_link(std::string_view link, uint64_t& inode);
// The Cpus_allowed_list line of /proc/PID/status ("0-3,6"), sorted CPU numbers.
bool parse_cpus_allowed(std::string_view status_text, std::vector<int>& cpus);

struct ServerThread {
  pid_t pid = 0, tid = 0;
  std::vector<int> allowed;          // Cpus_allowed_list at the end
  int cpu_start = -1, cpu_end = -1;  // the CPU it last ran on at the start / end (-1: not read)
  double cpu_seconds = 0;            // its CPU time in the window (10 ms ticks)
};

struct ServerUsage {
  bool local = false;  // the target is on this host (loopback or one of its addresses)
  bool found = false;  // a process holding its listening socket was found
  std::vector<pid_t> pids;
  std::string comm;       // of pids[0]
  bool measured = false;  // read at the start and at the end of the window
  double seconds = 0;     // the window
  double cpu = 0;         // cores used over the window, summed over pids (1.0 = one core busy)
  std::vector<ServerThread> threads;  // those alive at the end, at most kMaxServerThreads
  bool threads_capped = false;
};

inline constexpr size_t kMaxServerProcesses = 64;
inline constexpr size_t kMaxServerThreads = 1024;

// One per run, used from one thread.
class ServerProbe {
 public:
  // Scans for the listening socket's owners (a few ms: every process's fd links). `proc_root`
  // is "/proc" except in tests.
  explicit ServerProbe(const sockaddr_storage& target, std::string proc_root = "/proc");

  bool found() const { return !pids_.empty(); }
  void start();          // at the start of the measured window
  ServerUsage finish();  // at its end

 private:
  struct ThreadTicks {
    pid_t pid = 0, tid = 0;
    uint64_t ticks = 0;
    int cpu = -1;
  };
  uint64_t process_ticks(pid_t pid, bool& ok);
  void read_threads(pid_t pid, std::vector<ThreadTicks>& out);

  std::string root_;
  bool local_ = false;
  std::vector<pid_t> pids_;
  std::string comm_;
  double ticks_per_second_ = 100;
  bool started_ = false;
  uint64_t start_ns_ = 0;
  uint64_t start_ticks_ = 0;
  bool start_ok_ = false;
  std::vector<ThreadTicks> start_threads_;  // sorted by tid
  std::string buf_;
};

}  // namespace ringfire
