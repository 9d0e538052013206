// The --json document of a failed run (run/failure.hpp).
#include "ringfire/run/failure.hpp"

#include "ringfire/result/report.hpp"
#include "ringfire/run/plan.hpp"

namespace ringfire {

const char* to_string(FailureStage stage) {
  switch (stage) {
    case FailureStage::kResolve:
      return "resolve";
    case FailureStage::kConnect:
      return "connect";
    case FailureStage::kSetup:
      return "setup";
    case FailureStage::kResponse:
      return "response";
  }
  return "unknown";
}

nlohmann::json failure_json(const RunConfig& config, FailureStage stage, const std::string& reason,
                            const Result* result) {
  const nlohmann::json failure = {{"stage", to_string(stage)}, {"reason", reason}};
  if (result != nullptr) {
    nlohmann::json doc = to_json(*result);
    doc["failure"] = failure;
    return doc;
  }
  // The config object exactly as a finished run writes it, from a Result that never ran; its
  // thread count is the one the plan would have started.
  Result never_ran;
  never_ran.config = config;
  never_ran.workers = static_cast<uint32_t>(make_plan(config).workers.size());
  nlohmann::json doc = to_json(never_ran);
  nlohmann::json config_json = doc.at("config");
  if (config.endpoint.len == 0) config_json["endpoint"] = nullptr;
  return {{"schema", doc.at("schema")},
          {"version", doc.at("version")},
          {"config", config_json},
          {"failure", failure}};
}

}  // namespace ringfire
