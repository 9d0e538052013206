#include "self_check.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "ringfire/result/report.hpp"
#include "ringfire/run/run.hpp"
#include "ringfire/target/server.hpp"
#include "ringfire_outputs.hpp"

namespace ringfire {

namespace {

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string s;
  for (int c : cpus) {
    if (!s.empty()) s += ',';
    s += std::to_string(c);
  }
  return s;
}

// The self-check's own lines: the server's count beside ringfire's, each side's CPU, the ceiling.
void print_summary(std::FILE* out, const Result& result, const target::ServerTotals& totals,
                   double cpu_used, size_t client_cores, size_t server_cores) {
  // Client CPU from the sampler's per-worker figures; the server's is the rest of the process.
  double client_cpu = 0;
  for (const Delta& d : result.client) {
    for (const WorkerDelta& w : d.workers) client_cpu += w.busy * d.seconds;
  }
  const double seconds = result.measured_seconds > 0 ? result.measured_seconds : 1;
  const double server_cpu = std::max(0.0, cpu_used - client_cpu);
  const double rps = result.requests_per_second();
  const double per_core = rps / static_cast<double>(client_cores);
  std::fprintf(out, "\nSelf-check\n");
  std::fprintf(out, "  server counted %llu responses (ringfire: %llu completed + %llu in flight)\n",
               static_cast<unsigned long long>(totals.responses),
               static_cast<unsigned long long>(result.measured.completed + result.warmup.completed),
               static_cast<unsigned long long>(result.measured.in_flight));
  std::fprintf(out,
               "  client: %.0f req/s with %zu worker core(s) = %.0f req/s per core, %.0f%% CPU "
               "busy (%.2f us CPU per request)\n",
               rps, client_cores, per_core,
               100 * client_cpu / seconds / static_cast<double>(client_cores),
               rps > 0 ? client_cpu / (rps * seconds) * 1e6 : 0.0);
  std::fprintf(out, "  server: %.0f%% of its %zu core(s)\n",
               100 * server_cpu / seconds / static_cast<double>(server_cores), server_cores);
  if (result.verdict.client_bound) {
    std::fprintf(out,
                 "  ceiling: ringfire's limit on this machine is about %.0f req/s per worker core "
                 "(the client was the bottleneck)\n",
                 per_core);
  } else {
    std::fprintf(out,
                 "  ceiling: above %.0f req/s per worker core (the bundled server was the "
                 "bottleneck, not ringfire)\n",
                 per_core);
  }
}

}  // namespace

int self_check(RunConfig config, bool connections_given, std::atomic<bool>& stop) {
  // Split the CPUs: the server gets the first half (at least one), the client the rest.
  const std::vector<int> cpus = config.cpus.empty() ? allowed_cpus() : config.cpus;
  const size_t server_count = cpus.size() > 1 ? cpus.size() / 2 : 1;
  std::vector<int> server_cpus(cpus.begin(), cpus.begin() + static_cast<long>(server_count));
  std::vector<int> client_cpus =
      cpus.size() > 1 ? std::vector<int>(cpus.begin() + static_cast<long>(server_count), cpus.end())
                      : cpus;

  target::TargetOptions options;
  options.threads = static_cast<unsigned>(server_cpus.size());
  options.cpus = server_cpus;
  std::string error;
  auto server = target::TargetServer::start(options, error);
  if (!server) {
    std::fprintf(stderr, "ringfire: self-check: cannot start the target server: %s\n",
                 error.c_str());
    return 1;
  }
  UrlError url_error;
  parse_url("http://" + server->address() + "/", config.url, url_error);
  config.scenario = single_url_scenario(config);
  std::vector<Endpoint> endpoints;
  if (!resolve(config.url, endpoints, error)) {
    std::fprintf(stderr, "ringfire: self-check: %s\n", error.c_str());
    return 1;
  }
  config.endpoint = endpoints.front();
  config.cpus = client_cpus;
  config.threads = static_cast<uint32_t>(client_cpus.size());
  if (!connections_given) config.connections = 64 * config.threads;

  // With --json - the JSON is stdout's; everything else goes to stderr.
  const bool json_to_stdout = config.json_path == kJsonToStdout;
  std::FILE* text = json_to_stdout ? stderr : stdout;
  std::fprintf(text,
               "self-check: target server on CPUs %s, ringfire on CPUs %s, %u connections, %s\n",
               cpu_list(server_cpus).c_str(), cpu_list(client_cpus).c_str(), config.connections,
               format_duration(static_cast<uint64_t>(config.duration.count())).c_str());
  std::fflush(text);
  const double cpu_before = process_cpu_seconds();
  const Result result = run(config, stop);
  const double cpu_used = process_cpu_seconds() - cpu_before;
  server->request_stop();
  const target::ServerTotals totals = server->wait();
  if (!result.error.empty()) {
    std::fprintf(stderr, "ringfire: self-check: %s\n", result.error.c_str());
    return 1;
  }
  if (!config.json_path.empty()) {
    if (!write_json(config.json_path, to_json(result).dump(2) + "\n", error)) {
      std::fprintf(stderr, "ringfire: %s\n", error.c_str());
      return 1;
    }
  }
  print_text(result, json_to_stdout ? std::cerr : std::cout);
  std::cout.flush();
  print_summary(text, result, totals, cpu_used, client_cpus.size(), server_cpus.size());
  return 0;
}

}  // namespace ringfire
