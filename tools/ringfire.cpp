// ringfire: the command line. argv → RunConfig (validated once) → run → report.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "ringfire/config.hpp"
#include "ringfire/histogram.hpp"
#include "ringfire/report.hpp"
#include "ringfire/run.hpp"
#include "ringfire/url.hpp"
#include "self_check.hpp"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ringfire: %s\n", message.c_str());
  return kExitUsage;
}

int runtime_error(const std::string& message) {
  std::fprintf(stderr, "ringfire: %s\n", message.c_str());
  return kExitRuntime;
}

void signal_setup() {
  ringfire::raise_fd_limit();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

const char* kExamples = R"(
Examples:
  ringfire -c 100 -d 10s http://127.0.0.1:8080/
  ringfire -c 100 -d 5s -p 10 http://127.0.0.1:5000/          # like autocannon -c 100 -d 5 -p 10
  ringfire -t 2 -c 1000 -d 60s --latency http://127.0.0.1:8080/ # like wrk -t2 -c1000 -d60s --latency
  ringfire -n 100000 -c 50 --json out.json http://localhost:8080/api
  ringfire -R 20000 -c 200 -d 30s http://127.0.0.1:8080/     # open loop, like wrk2 -R 20000
  ringfire -R 5000 --arrival poisson --ramp 10s -d 60s --hdr-out lat.hgrm http://127.0.0.1:8080/
  ringfire --self-check                                         # ringfire's ceiling on this box
  ringfire -m POST -H 'Content-Type: application/json' -b '{"a":1}' http://127.0.0.1:3000/items

Exit status: 0 success, 1 runtime failure (nothing reached, setup failed), 2 usage error.
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace ringfire;
  CLI::App app{"ringfire: an HTTP/1.1 load generator on io_uring"};
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("ringfire ") + RINGFIRE_VERSION);

  RunConfig config;
  std::string url_text, duration_text, warmup_text, timeout_text = "2s", cpus_text, body_file;
  uint64_t connections = config.connections, threads = 0, pipeline = 1, requests = 0;
  bool self_check_flag = false;
  app.add_option("url", url_text, "Target URL: http://host[:port]/path?query");
  app.add_flag("--self-check", self_check_flag,
               "Measure ringfire's own ceiling on this machine against the bundled server");
  app.add_option("-c,--connections", connections, "Connections to keep open (default 10)");
  app.add_option("-t,--threads", threads,
                 "Worker threads, one ring each (default: the CPUs ringfire may run on, at most "
                 "the connections)");
  app.add_option("-d,--duration", duration_text,
                 "Measured duration: 500ms, 10s, 2m (default 10s; unlimited with -n alone)");
  app.add_option("-n,--requests", requests, "Stop after exactly this many responses");
  app.add_option("-p,--pipeline", pipeline, "Requests in flight per connection (default 1)");
  std::string arrival_text = "constant", ramp_text;
  app.add_option("-R,--rate", config.rate,
                 "Open loop: requests/s in total, on a schedule fixed in advance; latency counts "
                 "from each request's intended send time");
  app.add_option("--arrival", arrival_text, "Open-loop arrivals: constant (default) or poisson");
  app.add_option("--seed", config.seed, "Seed for --arrival poisson (default 1)");
  app.add_option("--ramp", ramp_text,
                 "Rise linearly from zero over this time: the rate (open loop) or the open "
                 "connections (closed loop); excluded from the statistics");
  app.add_flag("--include-ramp", config.include_ramp, "Measure the ramp too");
  app.add_option("--hdr-out", config.hdr_out_path,
                 "Write the latency percentile distribution in HdrHistogram's text format");
  app.add_option("-m,--method", config.method, "HTTP method (default GET)");
  app.add_option("-H,--header", config.headers, "Request header 'Name: value' (repeatable)");
  app.add_option("-b,--body", config.body, "Request body");
  app.add_option("--body-file", body_file, "Read the request body from a file");
  app.add_option("--timeout", timeout_text, "Per-request timeout (default 2s)");
  app.add_option("--warmup", warmup_text, "Warm-up before measuring, excluded from the statistics");
  app.add_option("--cpus", cpus_text, "CPUs to pin workers to, e.g. 0,2-3");
  app.add_option("--json", config.json_path, "Write the full result as JSON to this file");
  app.add_option("--timeseries", config.timeseries_path, "Write the per-second series as CSV");
  std::string wait_max_text = "200us";
  app.add_option("--wait-batch", config.wait_batch,
                 "Wait for up to this many completions per wake-up under load (default 64; 1: "
                 "wake for each)");
  app.add_option("--wait-max", wait_max_text,
                 "Longest a batched wait may delay a completion (default 200us)");
  app.add_flag("--sqpoll", config.sqpoll,
               "A kernel thread polls each ring's submissions (fewer syscalls, costs CPU)");
  app.add_flag("--latency", config.latency_table, "Print the full latency percentile table");
  app.add_flag("-q,--quiet", config.quiet, "Print nothing on success (use with --json)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what() + std::string(" (see --help)"));
  }

  UrlError url_error;
  if (url_text.empty() && !self_check_flag) return usage_error("a URL is required (see --help)");
  if (!self_check_flag && !parse_url(url_text, config.url, url_error)) {
    return usage_error(url_error.message);
  }
  if (connections == 0 || connections > 1'000'000) {
    return usage_error("--connections must be between 1 and 1000000");
  }
  if (pipeline == 0 || pipeline > 1024) return usage_error("--pipeline must be between 1 and 1024");
  if (threads > 1024) return usage_error("--threads must be at most 1024");
  config.connections = static_cast<uint32_t>(connections);
  config.threads = static_cast<uint32_t>(threads);
  config.pipeline = static_cast<uint32_t>(pipeline);
  config.requests = requests;
  if (!duration_text.empty()) {
    if (!parse_duration(duration_text, config.duration) || config.duration.count() == 0) {
      return usage_error("bad --duration '" + duration_text + "' (examples: 500ms, 10s, 2m)");
    }
  } else if (requests != 0) {
    config.duration = Nanos(0);  // -n alone: run until the count is reached
  }
  if (!parse_duration(timeout_text, config.timeout) || config.timeout.count() == 0) {
    return usage_error("bad --timeout '" + timeout_text + "' (examples: 500ms, 2s)");
  }
  if (!warmup_text.empty() && !parse_duration(warmup_text, config.warmup)) {
    return usage_error("bad --warmup '" + warmup_text + "' (examples: 2s, 500ms)");
  }
  if (!parse_duration(wait_max_text, config.wait_max) ||
      config.wait_max > std::chrono::milliseconds(1)) {
    return usage_error("bad --wait-max '" + wait_max_text + "' (at most 1ms, e.g. 100us)");
  }
  if (config.wait_batch == 0 || config.wait_batch > 1024) {
    return usage_error("--wait-batch must be between 1 and 1024");
  }
  if (arrival_text == "poisson") {
    config.arrival = Arrival::kPoisson;
  } else if (arrival_text != "constant") {
    return usage_error("bad --arrival '" + arrival_text + "' (constant or poisson)");
  }
  if (config.rate < 0 || !std::isfinite(config.rate) || config.rate > 1e9) {
    return usage_error("--rate must be a positive number of requests per second");
  }
  if (!ramp_text.empty() && !parse_duration(ramp_text, config.ramp)) {
    return usage_error("bad --ramp '" + ramp_text + "' (examples: 10s, 1m)");
  }
  if (!cpus_text.empty()) {
    if (!parse_cpu_list(cpus_text, config.cpus)) {
      return usage_error("bad --cpus '" + cpus_text + "' (example: 0,2-3)");
    }
    const std::vector<int> allowed = allowed_cpus();
    for (int cpu : config.cpus) {
      if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) {
        return usage_error("--cpus: CPU " + std::to_string(cpu) + " is not available to ringfire");
      }
    }
  }
  if (!body_file.empty()) {
    std::ifstream f(body_file, std::ios::binary);
    if (!f) return usage_error("cannot read --body-file '" + body_file + "'");
    std::stringstream ss;
    ss << f.rdbuf();
    config.body = ss.str();
  }
  for (const std::string& h : config.headers) {
    const size_t colon = h.find(':');
    if (colon == 0 || colon == std::string::npos || h.find_first_of("\r\n") != std::string::npos) {
      return usage_error("bad --header '" + h + "' (expected 'Name: value')");
    }
  }
  for (char ch : config.method) {
    if (!std::isupper(static_cast<unsigned char>(ch))) {
      return usage_error("bad --method '" + config.method + "' (expected e.g. GET, POST)");
    }
  }
  if (config.method.empty()) return usage_error("--method is empty");

  if (self_check_flag) {
    if (duration_text.empty()) config.duration = std::chrono::seconds(5);
    signal_setup();
    return self_check(config, app.count("-c") != 0, g_stop);
  }

  // Resolve once; use the first address that accepts a connection (localhost may be ::1 first).
  std::vector<Endpoint> endpoints;
  std::string error;
  if (!resolve(config.url, endpoints, error)) return runtime_error(error);
  const int reachable =
      first_reachable(endpoints,
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::min<Nanos>(config.timeout, std::chrono::seconds(3))),
                      error);
  if (reachable < 0) return runtime_error(error);
  config.endpoint = endpoints[static_cast<size_t>(reachable)];

  signal_setup();

  const Result result = run(config, g_stop);
  if (!result.error.empty()) return runtime_error(result.error);

  if (!config.json_path.empty()) {
    if (!write_file(config.json_path, to_json(result).dump(2) + "\n", error)) {
      return runtime_error(error);
    }
  }
  if (!config.hdr_out_path.empty()) {
    std::ostringstream hdr;
    write_hdr_percentiles(result.latency, hdr);
    if (!write_file(config.hdr_out_path, hdr.str(), error)) return runtime_error(error);
  }
  if (!config.timeseries_path.empty()) {
    std::ostringstream csv;
    write_timeseries_csv(result, csv);
    if (!write_file(config.timeseries_path, csv.str(), error)) return runtime_error(error);
  }
  if (result.outcome.kind == Outcome::Kind::kNothingReached) {
    return runtime_error(result.outcome.reason);
  }
  if (!config.quiet) print_text(result, std::cout);
  if (result.outcome.kind != Outcome::Kind::kOk) return runtime_error(result.outcome.reason);
  return kExitOk;
}
