#include "ringfire_outputs.hpp"

#include <cstdio>
#include <iostream>
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
  if (!config.html_path.empty()) {
    std::ostringstream html;
    write_html(result, html);
    if (!write_file(config.html_path, html.str(), error)) return false;
  }
  return true;
}

// After a run that did not fail: 3 if a threshold failed, else 4 if --strict finds the figures
// untrustworthy, else 0; each cause one line on stderr. An interrupted run judges nothing.
int gate_status(const Result& result) {
  if (result.interrupted) return kExitOk;
  int status = kExitOk;
  size_t failed = 0;
  std::string names;
  for (size_t i = 0; i < result.thresholds.size(); ++i) {
    if (result.thresholds[i].pass) continue;
    names += (failed++ == 0 ? "" : ", ") + result.config.thresholds[i].expr;
  }
  if (failed != 0) {
    status = complain(kExitThreshold, std::to_string(failed) + " of " +
                                          std::to_string(result.thresholds.size()) +
                                          " thresholds failed: " + names);
  }
  if (!result.config.strict) return status;
  int strict = kExitOk;
  if (result.verdict.client_bound) {
    strict =
        complain(kExitStrict, "--strict: the client was the bottleneck: " + result.verdict.summary);
  } else if (!result.config.closed_loop() && !result.schedule.kept) {
    strict = complain(kExitStrict,
                      "--strict: the open-loop schedule was not kept: " + result.schedule.reason);
  } else if (const std::string clocks = unsynchronised_clocks(result); !clocks.empty()) {
    strict = complain(kExitStrict, "--strict: " + clocks);
  }
  return status != kExitOk ? status : strict;
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
      !write_json(config.json_path, failure_json(config, stage, reason, result).dump(2) + "\n",
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
      !write_json(config.json_path, to_json(result).dump(2) + "\n", error)) {
    return complain(kExitRuntime, error);
  }
  if (!config.quiet) print_text(result, config.json_path == kJsonToStdout ? std::cerr : out);
  // The server went silent: the report stands (it says when), the run fails.
  if (result.outcome.kind != Outcome::Kind::kOk)
    return complain(kExitRuntime, result.outcome.reason);
  return gate_status(result);
}

// The --json file, or stdout for "-" (the text report then goes to stderr).
bool write_json(const std::string& path, const std::string& text, std::string& error) {
  if (path != kJsonToStdout) return write_file(path, text, error);
  if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
    error = "cannot write the JSON result to stdout";
    return false;
  }
  return true;
}

}  // namespace ringfire
