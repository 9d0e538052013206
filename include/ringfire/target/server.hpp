// ringfire-target as a library: start the server on loopback, learn its port, stop it, read its
// exact counts. The CLI (tools/ringfire-target.cpp) is a thin shell around this; a test or a
// self-check can embed it directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ringfire/target/options.hpp"
#include "ringfire/target/path_counts.hpp"
#include "ringfire/target/response.hpp"
#include "ringfire/target/server_worker.hpp"

namespace ringfire::target {

// The workers' ServerWorkerTotals, summed.
struct ServerTotals {
  uint64_t connections = 0;
  uint64_t requests_read = 0;
  uint64_t responses = 0;
  uint64_t responses_partial = 0;
  uint64_t bad_requests = 0;
  uint64_t request_body_bytes = 0;
  PathTotals paths;  // with --count-paths; empty otherwise
  std::vector<ServerWorkerTotals> per_worker;
  std::string failure;  // the first thread that stopped early (its ring broke); empty normally
};

class TargetServer {
 public:
  // Validates the options, binds one SO_REUSEPORT listener per thread on the same port, starts
  // the workers and waits until every ring is up. nullptr (and `error` set) on failure.
  static std::unique_ptr<TargetServer> start(const TargetOptions& options, std::string& error);

  ~TargetServer();  // stops and joins if wait() was not called
  TargetServer(const TargetServer&) = delete;
  TargetServer& operator=(const TargetServer&) = delete;

  uint16_t port() const { return port_; }
  // "127.0.0.1:8080" or "[::1]:8080".
  std::string address() const;
  // The io_uring set-up the workers got (e.g. "single_issuer+defer_taskrun").
  std::string ring_mode() const;

  // Thread-safe and async-signal-unsafe; any thread may ask. Workers stop within one tick.
  void request_stop();
  // Joins the workers (call request_stop first) and sums their counters. Idempotent.
  ServerTotals wait();

 private:
  explicit TargetServer(const TargetOptions& options);

  TargetOptions options_;
  ResponseSet responses_;
  std::string host_;
  uint16_t port_ = 0;
  std::vector<int> listen_fds_;  // -1 once handed to its worker
  std::atomic<bool> stop_{false};
  std::vector<std::unique_ptr<ServerWorker>> workers_;
  std::vector<std::thread> threads_;
  bool joined_ = false;
  ServerTotals totals_;
};

}  // namespace ringfire::target
