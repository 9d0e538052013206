#include "ringfire_outputs.hpp"

#include <cstdio>
#include <sstream>

namespace ringfire {
namespace {

// --hdr-out and --timeseries, written whether or not a response came back.
bool write_side_files(const Result& result, std::string& error) {
  const RunConfig& config = result.config;
  if (!config.hdr_out_path.empty()) {
    std::ostringstream hdr;
    write_hdr_percentiles(result.latency, hdr);
    if (!write_file(config.hdr_out_path, hdr.str(), error)) return false;
  }
  if (!config.timeseries_path.empty()) {
    std::ostringstream csv;
    write_timeseries_csv(result, csv);
    if (!write_file(config.timeseries_path, csv.str(), error)) return false;
  }
  return true;
}

}  // namespace

int complain(int status, const std::string& message) {
  // Our own messages are one line already; CLI11's quote the user's words as given.
  std::string line;
  for (const char c : message) {
    if (c == '\n') {
      line += "\\n";
    } else if (c == '\r') {
      line += "\\r";
    } else {
      line += c;
    }
  }
  std::fprintf(stderr, "ringfire: %s\n", line.c_str());
  return status;
}

int runtime_failure(const RunConfig& config, FailureStage stage, const std::string& reason,
                    const Result* result) {
  std::string error;
  if (!config.json_path.empty() &&
      !write_file(config.json_path, failure_json(config, stage, reason, result).dump(2) + "\n",
                  error)) {
    return complain(kExitRuntime, reason + "; and " + error);  // still one line
  }
  return complain(kExitRuntime, reason);
}

int report(const Result& result, std::ostream& out) {
  std::string error;
  if (!write_side_files(result, error)) return complain(kExitRuntime, error);
  if (result.outcome.kind == Outcome::Kind::kNothingReached) {
    return runtime_failure(result.config, FailureStage::kResponse, result.outcome.reason, &result);
  }
  const RunConfig& config = result.config;
  if (!config.json_path.empty() &&
      !write_file(config.json_path, to_json(result).dump(2) + "\n", error)) {
    return complain(kExitRuntime, error);
  }
  if (!config.quiet) print_text(result, out);
  // The server went silent: the report stands (it says when), the run fails.
  if (result.outcome.kind != Outcome::Kind::kOk)
    return complain(kExitRuntime, result.outcome.reason);
  return kExitOk;
}

}  // namespace ringfire
