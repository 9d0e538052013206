// The "Thresholds" section of the text report and the JSON's top-level "thresholds" list, both
// from the checks run() stored in the Result.
#include <cstdio>

#include "ringfire/result/report.hpp"

namespace ringfire {

void print_thresholds(const Result& r, std::ostream& out) {
  const std::vector<Threshold>& thresholds = r.config.thresholds;
  if (thresholds.empty()) return;
  out << "\n  Thresholds\n";
  if (r.thresholds.size() != thresholds.size()) {
    out << "    thresholds not evaluated: the run was interrupted\n";
    return;
  }
  for (size_t i = 0; i < thresholds.size(); ++i) {
    const Threshold& t = thresholds[i];
    const ThresholdCheck& check = r.thresholds[i];
    const std::string value =
        check.value ? format_threshold_value(t, *check.value) : std::string("none measured");
    char line[512];
    std::snprintf(line, sizeof(line), "    %-20s measured %-14s limit %s %-12s %s\n",
                  t.expr.c_str(), value.c_str(), to_string(t.op),
                  format_threshold_value(t, t.limit).c_str(), check.pass ? "pass" : "FAIL");
    out << line;
  }
}

nlohmann::json thresholds_json(const Result& r) {
  nlohmann::json list = nlohmann::json::array();
  const bool evaluated = r.thresholds.size() == r.config.thresholds.size();
  for (size_t i = 0; i < r.config.thresholds.size(); ++i) {
    const Threshold& t = r.config.thresholds[i];
    nlohmann::json value = nullptr;
    nlohmann::json pass = nullptr;
    if (evaluated) {
      if (r.thresholds[i].value) value = *r.thresholds[i].value;
      pass = r.thresholds[i].pass;
    }
    list.push_back({{"expr", t.expr},
                    {"metric", t.metric},
                    {"op", to_string(t.op)},
                    {"limit", t.limit},
                    {"unit", t.is_latency() ? "ns"
                             : t.percent    ? "%"
                                            : ""},
                    {"value", value},
                    {"pass", pass}});
  }
  return list;
}

}  // namespace ringfire
