// ringfire's command line declared on a CLI11 app: numbers and flags land in RunConfig, the texts
// in CommandLine for finish_config() to parse. No checking here; that is validate()'s job.
#pragma once

#include <CLI/CLI.hpp>

#include "ringfire/run/config.hpp"

namespace ringfire {

void declare_options(CLI::App& app, RunConfig& config, CommandLine& line);

}  // namespace ringfire
