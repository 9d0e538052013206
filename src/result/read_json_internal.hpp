// Shared by the two halves of the result reader (read_json.cpp: the figures that merge;
// read_json_run.cpp: the run's description). A field that is missing or of the wrong type throws
// nlohmann's exception; a figure that contradicts another throws BadResult. from_json turns
// either into its one-line error.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "ringfire/run/run.hpp"

namespace ringfire::read_detail {

struct BadResult : std::runtime_error {
  using std::runtime_error::runtime_error;
};

Histogram histogram(const nlohmann::json& j, const char* where);
Shard shard(const nlohmann::json& j, const char* where);  // {"index": I, "count": N}
// The configuration, the "run" object, the schedule, the thresholds and the connections.
void read_description(const nlohmann::json& doc, Result& out);
// The "tls" object (read_json_tls.cpp).
void read_tls(const nlohmann::json& doc, Result& out);

}  // namespace ringfire::read_detail
