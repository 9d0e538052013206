// Every knob of a run, validated once. Nothing downstream re-parses strings.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/url.hpp"

namespace ringfire {

using Nanos = std::chrono::nanoseconds;

enum class Arrival : uint8_t { kConstant, kPoisson };

struct RunConfig {
  Url url;
  Endpoint endpoint;  // the resolved address that accepted a connection

  uint32_t connections = 10;
  uint32_t threads = 0;   // 0: one per allowed CPU, never more than connections
  std::vector<int> cpus;  // explicit pin list; empty: the CPUs the process may run on
  uint32_t pipeline = 1;  // requests per batch on one connection

  Nanos duration{std::chrono::seconds(10)};  // measured time (after warm-up); 0: no time limit
  Nanos warmup{0};                           // excluded from the statistics
  Nanos timeout{std::chrono::seconds(2)};    // per request
  uint64_t requests = 0;  // stop after exactly this many responses; 0: no count limit

  double rate = 0;  // requests/s in total; 0: closed loop
  Arrival arrival = Arrival::kConstant;
  uint64_t seed = 1;
  Nanos ramp{0};
  bool include_ramp = false;

  // Completion batching (see Worker::loop): wait for up to `wait_batch` completions, at most
  // `wait_max` long. wait_batch 1 wakes for every completion.
  uint32_t wait_batch = 64;
  Nanos wait_max{std::chrono::microseconds(200)};
  bool sqpoll = false;  // a kernel thread polls the submission queue (costs a core)

  std::string method = "GET";
  std::vector<std::string> headers;  // "Name: value", as given
  std::string body;

  std::string json_path;
  std::string timeseries_path;
  std::string hdr_out_path;
  bool latency_table = false;
  bool quiet = false;

  bool closed_loop() const { return rate <= 0; }
};

// Parses "500ms", "10s", "2m", "1h", "250us", "100ns" (and a bare number of seconds).
// Returns false on anything else, or on a negative or overflowing value.
bool parse_duration(const std::string& text, Nanos& out);

// Parses "0,2,4-7" into a CPU list. Returns false on a malformed list.
bool parse_cpu_list(const std::string& text, std::vector<int>& out);

// Raises the soft RLIMIT_NOFILE to the hard limit: many connections need many descriptors, and
// the default soft limit of 1024 is what makes other tools fail at 1,000 connections.
void raise_fd_limit();

// The CPUs this process may run on (sched_getaffinity), in increasing order.
std::vector<int> allowed_cpus();

}  // namespace ringfire
