// What ringfire's integration tests share: the bundled target server and nginx started on loopback
// ports they pick, a run of the real ringfire binary with its JSON result parsed, and tiny
// misbehaving servers (garbage, silence) for the error paths.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "subprocess.hpp"

namespace ringfire::testing {

// ringfire-target on 127.0.0.1 with a port it picked itself.
class TargetServer {
 public:
  explicit TargetServer(std::vector<std::string> extra_args = {});
  ~TargetServer();
  bool ok() const { return port_ != 0; }
  uint16_t port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  std::string url(const std::string& host = "127.0.0.1") const;
  // Stops it (SIGTERM) and returns its own count of responses sent, or -1.
  int64_t stop_and_count();
  // Stops it (SIGTERM) and returns every "name: N" line it printed at exit ("requests",
  // "connections", "requests_read", "request_body_bytes", ...); empty if it did not stop cleanly.
  std::map<std::string, int64_t> stop_and_counts();
  // One "path PATH N REQUEST_BYTES RESPONSE_BYTES" line (--count-paths).
  struct PathFigures {
    uint64_t responses = 0;       // N: complete responses sent
    uint64_t request_bytes = 0;   // the complete requests read, head and body
    uint64_t response_bytes = 0;  // those N responses
  };
  // What stop_and_report() returns: the "name: N" lines, and with --count-paths the per-path
  // figures ("path ..." lines; "path_other" is among the counters, its N only, when printed).
  struct Report {
    bool stopped = false;  // it exited after SIGTERM (else both maps are empty)
    std::map<std::string, int64_t> counters;
    std::map<std::string, PathFigures> paths;
  };
  Report stop_and_report();
  // Kills it at once (SIGKILL): a server that dies mid-run.
  void kill();

 private:
  std::unique_ptr<Subprocess> process_;
  uint16_t port_ = 0;
};

// nginx (Debian nginx-light) with a generated config and its access log on, on a free port.
class NginxServer {
 public:
  // `conf_env`: variables for scripts/nginx-conf.sh ("NGINX_LISTEN_EXTRA=http2"); `setup` runs
  // on the prefix directory before nginx starts (files to serve under /files/).
  explicit NginxServer(const std::string& conf_env = "",
                       const std::function<void(const std::string&)>& setup = {});
  ~NginxServer();
  bool ok() const { return port_ != 0; }
  std::string url() const;
  int64_t access_log_lines() const;
  // nginx writes its log line after the response is out: the count once it settles (bounded
  // wait, 2 s) at `at_least` or more. A request in flight at the stop may have been answered too.
  int64_t settled_log_lines(int64_t at_least) const;
  const std::string& skip_reason() const { return skip_reason_; }

 private:
  std::unique_ptr<Subprocess> process_;
  std::string dir_;
  uint16_t port_ = 0;
  std::string skip_reason_;
};

// A server that accepts connections and answers every read with `reply` (or nothing if empty),
// on a thread of its own, until destroyed.
class RawServer {
 public:
  explicit RawServer(std::string reply, bool close_after_reply = false);
  ~RawServer();
  uint16_t port() const { return port_; }

 private:
  void serve();
  std::string reply_;
  bool close_after_reply_;
  int listen_fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

struct RingfireRun {
  ExitResult exit;
  nlohmann::json result;    // the --json file, or null
  std::string result_text;  // the --json file's bytes
  double seconds = 0;       // wall time of the run
};

// Runs the ringfire binary with `args` (a --json file is added) and waits up to `limit`.
RingfireRun run_ringfire(std::vector<std::string> args,
                         std::chrono::seconds limit = std::chrono::seconds(60));
// The same, started by `wrapper` (a command line that ends by exec'ing the arguments after it,
// e.g. a shell that first moves itself into a cgroup).
RingfireRun run_ringfire_wrapped(const std::vector<std::string>& wrapper,
                                 std::vector<std::string> args,
                                 std::chrono::seconds limit = std::chrono::seconds(60));

// For the few tests whose subject is a timing property a starved shared machine can break (a
// schedule kept, connections open before a deadline): runs `args` up to `attempts` times until
// `settled` holds for the run, saying on stderr why each attempt was repeated, and returns the
// last run. The assertions then run on that one run, so a real defect still fails every attempt;
// only a run the machine visibly starved (its own figures say so) is tried again.
RingfireRun run_ringfire_settled(const std::vector<std::string>& args,
                                 const std::function<std::string(const RingfireRun&)>& unsettled,
                                 int attempts = 3,
                                 std::chrono::seconds limit = std::chrono::seconds(60));

// Keeps a copy of a --json file for the schema check that CTest runs after the integration tests
// (schema.results, tests/CMakeLists.txt); run_ringfire() does it for its own file.
void keep_for_schema_check(const std::string& json_path);

// The accounting identity (sent = completed + failed + in flight), the per-second series adding
// up to the totals, and one latency sample per completed request; on a --json result.
void expect_accounting(const nlohmann::json& result);

// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
uint16_t unused_port();

// A socket listening on 127.0.0.1 at a port the kernel picked (-1 on failure), and its port.
int listen_loopback(int backlog = 512);
uint16_t bound_port(int fd);

// A count in a JSON result: j[key] as an unsigned integer.
inline uint64_t u(const nlohmann::json& j, const char* key) {
  return j.at(key).get<uint64_t>();
}

}  // namespace ringfire::testing
