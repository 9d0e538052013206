// What ringfire's main prints and writes once the options are known: the one error line, the
// --json/--hdr-out/--timeseries files and the summary.
#pragma once

#include <ostream>
#include <string>

#include "ringfire/result/report.hpp"
#include "ringfire/run/config.hpp"
#include "ringfire/run/failure.hpp"
#include "ringfire/run/run.hpp"

namespace ringfire {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntime = 1;  // nothing reached, setup failed, no response
inline constexpr int kExitUsage = 2;
// The CI gates. A runtime failure (1) beats both; a failed threshold (3) beats --strict (4).
inline constexpr int kExitThreshold = 3;  // a --threshold failed
inline constexpr int kExitStrict = 4;     // --strict: client-bound, or the schedule not kept

// --json's name for stdout: the JSON goes there and the text report to stderr.
inline constexpr const char* kJsonToStdout = "-";

// Writes the JSON result to `path`, or to stdout for kJsonToStdout.
bool write_json(const std::string& path, const std::string& text, std::string& error);

// Prints "ringfire: MESSAGE" on stderr, line breaks in it escaped, and returns `status`.
int complain(int status, const std::string& message);

// A run that failed: prints `reason` and still writes the --json file, saying where it stopped
// (and, if it started, what `result` counted). Returns kExitRuntime.
int runtime_failure(const RunConfig& config, FailureStage stage, const std::string& reason,
                    const Result* result = nullptr);

// Writes the files asked for and prints the summary on `out` (unless --quiet; on stderr when the
// JSON goes to stdout). A run without a
// single response is a runtime failure. Returns the exit status.
int report(const Result& result, std::ostream& out);

}  // namespace ringfire
