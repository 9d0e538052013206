// Every knob of a run, validated once. Nothing downstream re-parses strings.
//
// The command line fills RunConfig in two steps: CLI11 sets the numeric fields and flags directly
// and collects the options that arrive as text in CommandLine; finish_config() parses those and
// calls validate(). Either step's complaint is one line naming the option, and a usage error.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/base/cpu_list.hpp"
#include "ringfire/base/duration.hpp"
#include "ringfire/base/shard.hpp"
#include "ringfire/engine/pacer.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/net/tls_options.hpp"
#include "ringfire/result/threshold.hpp"
#include "ringfire/scenario/scenario.hpp"

namespace ringfire {

// The rules validate() enforces are written beside each field ("rule:").
struct RunConfig {
  Url url;
  Endpoint endpoint;  // the resolved address that accepted a connection

  uint32_t connections = 10;  // rule: 1 to 1,000,000
  // 0: one per allowed CPU, never more than connections. rule: at most 1024, and an explicit count
  // may not exceed the connections (a thread without a connection would idle).
  uint32_t threads = 0;
  std::vector<int> cpus;  // explicit pin list; empty: the CPUs the process may run on.
                          // rule: every CPU must be one this process may run on
  uint32_t pipeline = 1;  // requests per batch on one connection. rule: 1 to 1024
  // HTTP/2 (--h2c, --http2 on http://: prior knowledge). rule: closed loop, no --pipeline.
  bool http2 = false;
  uint32_t streams = 1;       // --streams: concurrent streams per connection. rule: 1 to 1024
  uint32_t window_bits = 30;  // --window-bits: windows of 2^bits - 1. rule: 16 to 31

  // Measured time (after ramp and warm-up); 0: no time limit. rule: 0 only with a request count.
  Nanos duration{std::chrono::seconds(10)};
  Nanos warmup{0};  // excluded from the statistics
  // Per request. rule: more than 0.
  Nanos timeout{std::chrono::seconds(2)};
  uint64_t requests = 0;  // stop after exactly this many responses; 0: no count limit

  // Requests/s in total; 0: closed loop. rule: finite, 0 to 1e9, and with a duration at least
  // one request due in it.
  double rate = 0;
  Arrival arrival = Arrival::kConstant;  // rule: poisson needs a rate
  uint64_t seed = 1;
  Nanos ramp{0};
  // rule: needs a ramp; with a duration, the ramp must fit in it (the run would end mid-ramp).
  bool include_ramp = false;
  // rule (all durations): none negative; ramp + warm-up + duration at most kMaxRunTime.

  // Completion batching (see Worker::loop): wait for up to `wait_batch` completions, at most
  // `wait_max` long. wait_batch 1 wakes for every completion.
  uint32_t wait_batch = 64;                        // rule: 1 to 1024
  Nanos wait_max{std::chrono::microseconds(200)};  // rule: at most 1 ms
  bool sqpoll = false;  // a kernel thread polls the submission queue (costs a core)

  // rule: one or more uppercase letters (methods are case-sensitive tokens: "get" is not GET).
  std::string method = "GET";
  // "Name: value", as given. rule: the name is a non-empty token; the value holds no CR, LF or
  // NUL; no Transfer-Encoding (the body is sent whole); a Content-Length must equal the body's.
  std::vector<std::string> headers;
  std::string body;  // rule: at most kMaxBodyBytes
  // What is sent, by label: finish_config() always fills it (one URL is a scenario of one label
  // made of the method, target, headers and body above). rule: at most kMaxLabels labels.
  Scenario scenario;
  uint32_t variants = 4096;  // preformatted requests per label and worker. rule: 1 to 1,000,000

  std::string json_path;
  std::string timeseries_path;
  std::string hdr_out_path;
  std::string html_path;
  bool latency_table = false;
  bool quiet = false;
  // CI gates, evaluated on the measured window at the end (threshold.hpp); --strict also fails a
  // run whose client was the bottleneck or whose open-loop schedule was not kept.
  std::vector<Threshold> thresholds;
  bool strict = false;

  // Scale (issue 12). Local addresses connections are bound to, round-robin by connection
  // (--source-ip; empty: the kernel's choice). rule: at most kMaxSourceAddresses; each must be
  // local and of the destination's family (checked once resolved: check_sources()).
  std::vector<Endpoint> sources;
  // Connections opened per second across workers, reconnects included; 0: as fast as the ring
  // goes. rule: finite, 0 to 1e7.
  double connect_rate = 0;
  // Close and reopen a connection after this many responses on it; 0: never.
  uint32_t keepalive_requests = 0;
  // Beyond one box (issue 21): this process's part of the run (--shard I/N; base/shard.hpp), the
  // other fields keep describing the whole run. rule: every shard gets at least one connection
  // and, with -n, one request.
  Shard shard;
  // --start-at: unix seconds at which the measured window begins (0: when ramp and warm-up end).
  // Connections open at once and everything before the instant is warm-up; the open-loop
  // schedule's origin is the instant less ramp and warm-up, the same on every shard.
  double start_at = 0;
  // https:// (issue 20): tls.enabled follows the URL's scheme; the rest are the TLS options.
  // rule: tls.resume 0 to 1; the TLS options only with an https:// URL; --key needs --cert;
  // --ktls on needs the kernel's tls ULP.
  TlsOptions tls;

  bool closed_loop() const { return rate <= 0; }
};

// The longest run validate() accepts (ramp + warm-up + duration): far beyond any load test, and
// well inside the 64-bit nanosecond clock marks the run is planned on.
inline constexpr Nanos kMaxRunTime = std::chrono::hours(24 * 30);

// Empty when `config` is coherent; otherwise a one-line reason naming the option.
std::string validate(const RunConfig& config);

// What the command line gives as text, parsed once by finish_config(). Empty means "not given".
struct CommandLine {
  bool http2 = false;  // --http2: h2c on http:// (on https:// ALPN, once TLS is in)
  // rule: one URL is required, except with --self-check (none) or --scenario / --url-file (at
  // most one: it gives host and port); several URLs make a scenario of equal weights.
  std::vector<std::string> urls;
  std::string scenario_file;  // --scenario FILE (JSON)
  std::string url_file;       // --url-file FILE: "[METHOD] URL [@body-file]" a line
  std::string duration;  // empty: 10 s, or no time limit with --requests (5 s for --self-check)
  std::string warmup;
  std::string timeout = "2s";
  std::string ramp;
  std::string arrival = "constant";  // rule: constant or poisson
  std::string cpus;                  // "0,2-3"
  std::string wait_max = "200us";
  std::string body_file;  // rule: not with --body; must be readable
  bool self_check = false;
  std::vector<std::string> thresholds;  // --threshold, one expression each
  std::string source_ip;                // --source-ip list (source_addresses.hpp)
  std::string shard;                    // --shard I/N
  std::string start_at;                 // --start-at TIME (base/start_time.hpp)
  std::string tls_version;              // --tls-version 1.2|1.3
  std::string ktls = "auto";            // --ktls auto|on|off
  bool tls_options = false;             // a TLS option was given (they need https://)
};

// Parses `line` into `config` (URL, durations, CPU list, arrival, body file, thresholds), then
// validates the whole. Empty on success; otherwise the one-line reason. Every duration must parse
// (see parse_duration), and --duration and --timeout must not be zero.
std::string finish_config(const CommandLine& line, RunConfig& config);

// The most labels a scenario may have (a label's index is 16 bits in the request ledger).
inline constexpr size_t kMaxLabels = 10'000;

// Fills config.scenario and config.url from the command line's URLs, --scenario or --url-file
// (config_scenario.cpp). Empty on success; otherwise the one-line reason.
std::string assemble_scenario(const CommandLine& line, RunConfig& config);
// The protocol options (config_protocol.cpp): TLS for https://, HTTP/2. "" when they hold.
std::string parse_tls(const CommandLine& line, RunConfig& config);
std::string check_tls(const RunConfig& config);
std::string parse_http2(const CommandLine& line, RunConfig& config);
std::string check_http2(const RunConfig& config);
// One URL as a scenario of one label: config's method, target, headers and body.
Scenario single_url_scenario(const RunConfig& config);
// The run counts each label apart: several labels, or one with an expect to check.
bool keeps_labels(const Scenario& scenario);

// The largest --body-file read_body_file() takes.
inline constexpr size_t kMaxBodyBytes = size_t{16} << 20;

// Reads the whole of `path` into `body`. False with a one-line `error` naming the file and why.
bool read_body_file(const std::string& path, std::string& body, std::string& error);

// Raises the soft RLIMIT_NOFILE to the hard limit: many connections need many descriptors, and
// the default soft limit of 1024 is what makes other tools fail at 1,000 connections.
void raise_fd_limit();

// Descriptors a run may hold beyond its connections: per worker (its ring, one spare), and for
// the process (stdio, --json/--csv files, the sampler's /proc reads).
inline constexpr uint64_t kDescriptorsPerWorker = 4;
inline constexpr uint64_t kDescriptorsSpare = 32;
// The open files a run of `config` needs (see config.cpp for what the kernel counts).
uint64_t descriptors_needed(const RunConfig& config);
// Raises the soft limit (raise_fd_limit); "" when it covers descriptors_needed(), else the one
// line that says the limit, the need and the fix. Call before any connection.
std::string prepare_fd_limit(const RunConfig& config);

// The CPUs this process may run on (sched_getaffinity), in increasing order.
std::vector<int> allowed_cpus();

}  // namespace ringfire
