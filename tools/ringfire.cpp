// ringfire: the command line. argv → RunConfig (validated once) → run → report.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <string>

#include "progress.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/net/local_ports.hpp"
#include "ringfire/net/source_addresses.hpp"
#include "ringfire/net/tls_options.hpp"
#include "ringfire/result/report.hpp"
#include "ringfire/run/config.hpp"
#include "ringfire/run/run.hpp"
#include "ringfire_merge.hpp"
#include "ringfire_options.hpp"
#include "ringfire_outputs.hpp"
#include "self_check.hpp"

namespace {

using namespace ringfire;

std::atomic<bool> g_stop{false};

void on_signal(int) {
  g_stop.store(true);
}

void install_signal_handlers() {
  raise_fd_limit();
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

// Once the destination is known: the --source-ip addresses must be local, and each source needs
// a local port per connection (loopback sources are added when one is not enough, said once).
std::string prepare_sources(RunConfig& config) {
  if (std::string problem = check_sources(config.sources, config.endpoint); !problem.empty()) {
    return problem;
  }
  std::string notice;
  std::string problem = prepare_local_ports(
      config.endpoint, static_cast<uint32_t>(shard_share(config.connections, config.shard)),
      config.sources, notice);
  if (!notice.empty() && !config.quiet) std::cerr << "ringfire: " << notice << '\n';
  return problem;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "merge") return merge_command(argc - 1, argv + 1);
  CLI::App app{"ringfire: an HTTP/1.1 load generator on io_uring"};
  RunConfig config;
  CommandLine line;
  ProgressOptions progress_options;
  declare_options(app, config, line);
  declare_progress(app, progress_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return complain(kExitUsage, e.what() + std::string(" (see --help)"));
  }
  if (const std::string problem = finish_config(line, config); !problem.empty()) {
    return complain(kExitUsage, problem);
  }
  if (line.self_check) {
    install_signal_handlers();
    return self_check(config, app.count("-c") != 0, g_stop);
  }
  if (const std::string problem = prepare_fd_limit(config); !problem.empty()) {
    return runtime_failure(config, FailureStage::kSetup, problem);
  }
  // Resolve once; use the first address that accepts a connection (localhost may be ::1 first).
  std::string error;
  switch (find_endpoint(config.url, config.timeout, config.endpoint, error)) {
    case Reach::kFound:
      break;
    case Reach::kUnresolved:
      return runtime_failure(config, FailureStage::kResolve, error);
    case Reach::kUnreachable:
      return runtime_failure(config, FailureStage::kConnect, error);
  }
  if (const std::string problem = prepare_sources(config); !problem.empty()) {
    return runtime_failure(config, FailureStage::kSetup, problem);
  }
  if (config.tls.enabled && config.tls.ktls == KtlsMode::kAuto && !config.quiet &&
      !ktls_available()) {
    // Only the probe exists (no offload yet): say what the records go through.
    std::cerr << "ringfire: kTLS: not available (no tls ULP); TLS records in user space\n";
  }
  install_signal_handlers();
  ProgressLine progress(progress_options, config.quiet);
  const Result result = run(config, g_stop, progress.sink());
  progress.erase();  // the report replaces it
  if (!result.error.empty()) {
    return runtime_failure(config, FailureStage::kSetup, result.error, &result);
  }
  return report(result, std::cout);
}
