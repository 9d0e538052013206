// The report of a run that failed before or without a response: the same --json schema, so a
// script reading the result file learns why instead of finding no file. In the run layer: a run
// that never started still says how many workers it planned (make_plan).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "ringfire/result/result.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

// Where a run that got no response stopped (the --json "failure" object's "stage").
enum class FailureStage : uint8_t {
  kResolve,   // "resolve": the host name did not resolve
  kConnect,   // "connect": no address accepted a connection
  kSetup,     // "setup": the run could not start (rings, threads, memory)
  kResponse,  // "response": the run went, and no response came back
};
const char* to_string(FailureStage stage);

// The --json document of a failed run: everything to_json(*result) holds when the run started
// (`result` non-null), else the schema, version and config (endpoint null until one answered);
// plus "failure": {"stage", "reason"}, the reason being the line printed on stderr.
nlohmann::json failure_json(const RunConfig& config, FailureStage stage, const std::string& reason,
                            const Result* result = nullptr);

}  // namespace ringfire
