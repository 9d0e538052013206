#include "ringfire/result/merge_shards.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "ringfire/result/merge.hpp"
#include "ringfire/result/read_json.hpp"
#include "ringfire/result/report.hpp"
#include "ringfire/result/threshold.hpp"

namespace ringfire {

namespace {

// "ringfire.result/2" → "2"; a schema of another tool → itself.
std::string schema_major(const std::string& schema) {
  const size_t slash = schema.rfind('/');
  if (slash == std::string::npos) return schema;
  return schema.substr(slash + 1, schema.find('.', slash) - slash - 1);
}

std::string target(const Result& r) {
  return "http://" + r.config.url.host_header + r.config.url.target;
}

std::string mode(const Result& r) {
  if (r.config.closed_loop()) return "closed loop";
  char rate[64];
  std::snprintf(rate, sizeof(rate), "%g", r.config.rate);
  return std::string("open loop at ") + rate + " req/s (" +
         (r.config.arrival == Arrival::kPoisson ? "poisson" : "constant") + ")";
}

// The first input whose `field` differs from the first input's: "<what> differs: a.json X,
// b.json Y", else "".
template <class Field>
std::string first_difference(const std::vector<MergeInput>& inputs, const char* what,
                             Field&& field) {
  const std::string first = field(inputs.front());
  for (const MergeInput& in : inputs) {
    if (const std::string v = field(in); v != first) {
      return std::string(what) + " differs: " + inputs.front().name + " " + first + ", " + in.name +
             " " + v;
    }
  }
  return {};
}

// Every shard exactly once, over the sources of every input (an input may be a merge already).
std::string shard_coverage(const std::vector<MergeInput>& inputs) {
  const uint32_t count = inputs.front().result.sources.front().shard.count;
  std::vector<std::string> owner(count);
  for (const MergeInput& in : inputs) {
    for (const Source& s : in.result.sources) {
      std::string& o = owner[s.shard.index];
      if (!o.empty()) {
        return "shard " + s.shard.text() + " appears twice: in " + o + " and " + in.name;
      }
      o = in.name;
    }
  }
  std::string missing;
  for (uint32_t i = 0; i < count; ++i) {
    if (owner[i].empty()) missing += (missing.empty() ? "" : ", ") + std::to_string(i);
  }
  if (missing.empty()) return {};
  return "shards missing: " + missing + " of " + std::to_string(count);
}

// The start skew, the window every source measured, and the whole rows inside it. The rows of
// `merged` are aligned on the earliest start (merge.cpp); source i's rows begin at the rounded
// offset of its start, and its whole rows are those of its full seconds.
void measure_windows(Result& merged) {
  MergeFacts& f = merged.merge;
  double first_start = INFINITY, last_start = -INFINITY, first_end = INFINITY;
  int64_t row_from = 0, row_to = INT64_MAX;
  for (const Source& s : merged.sources) {
    first_start = std::min(first_start, s.start_wall);
    last_start = std::max(last_start, s.start_wall);
    first_end = std::min(first_end, s.end_wall);
  }
  for (const Source& s : merged.sources) {
    const auto offset = static_cast<int64_t>(std::llround(s.start_wall - merged.start_wall));
    // 1 ms of slack: a 5 s window that measured 4.9995 s still has 5 whole rows.
    const auto whole = static_cast<int64_t>(std::floor(s.end_wall - s.start_wall + 1e-3));
    row_from = std::max(row_from, offset);
    row_to = std::min(row_to, offset + whole);
  }
  f.start_skew_s = last_start - first_start;
  f.shared_start_wall = last_start;
  f.shared_seconds = std::max(0.0, first_end - last_start);
  row_to = std::min<int64_t>(row_to, static_cast<int64_t>(merged.seconds.size()));
  for (int64_t k = row_from; k < row_to; ++k) {
    f.shared_completed += merged.seconds[static_cast<size_t>(k)].stats.completed;
    ++f.shared_rows;
  }
}

// The merged run is client-bound when any shard was, naming the first such shard and why.
Verdict rolled_up_verdict(const Result& merged) {
  Verdict v;
  for (const Source& s : merged.sources) {
    const nlohmann::json j = nlohmann::json::parse(s.verdict_json, nullptr, false);
    if (!j.is_object() || !j.value("client_bound", false)) continue;
    v.client_bound = true;
    v.summary = "CLIENT-BOUND: shard " + s.shard.text() + " (" + s.host +
                ") was: " + j.value("summary", std::string());
    return v;
  }
  v.summary = "not client-bound on any of the " + std::to_string(merged.sources.size()) +
              " shards (each one's verdict above)";
  return v;
}

}  // namespace

std::string merge_mismatch(const std::vector<MergeInput>& inputs) {
  if (inputs.empty()) return "nothing to merge";
  // Majors only: a minor version's new fields do not stop a merge.
  for (const MergeInput& in : inputs) {
    if (schema_major(in.schema) != schema_major(inputs.front().schema)) {
      return "the schema's major version differs: " + inputs.front().name + " " +
             inputs.front().schema + ", " + in.name + " " + in.schema;
    }
  }
  for (const MergeInput& in : inputs) {
    if (in.schema != kJsonSchema) {
      return in.name + " is a " + in.schema + " result: this ringfire merges " + kJsonSchema;
    }
  }
  if (std::string d = first_difference(inputs, "the target",
                                       [](const MergeInput& in) { return target(in.result); });
      !d.empty()) {
    return d;
  }
  if (std::string d = first_difference(inputs, "the mode",
                                       [](const MergeInput& in) { return mode(in.result); });
      !d.empty()) {
    return d;
  }
  // Every source of every input: an input may itself be a merge of some shards.
  for (const MergeInput& in : inputs) {
    for (const Source& s : in.result.sources) {
      const uint32_t n = inputs.front().result.sources.front().shard.count;
      if (s.shard.count != n) {
        return "the shard count differs: " + inputs.front().name + " " + std::to_string(n) + ", " +
               in.name + " " + std::to_string(s.shard.count);
      }
    }
  }
  return shard_coverage(inputs);
}

bool merge_shards(const std::vector<MergeInput>& inputs, bool force, Result& out,
                  std::string& error) {
  const std::string mismatch = merge_mismatch(inputs);
  // A file that was not read (another schema) cannot be merged even by force.
  const bool unread = std::any_of(inputs.begin(), inputs.end(),
                                  [](const MergeInput& in) { return in.schema != kJsonSchema; });
  if (!mismatch.empty() && (!force || unread || inputs.empty())) {
    error = mismatch;
    return false;
  }
  Result merged;
  // Each result read from a file holds its sources' verdicts and samples as text (from_json):
  // merge() keeps every source's own.
  for (const MergeInput& in : inputs) merge(merged, in.result);
  merged.merge = MergeFacts{};  // an input that was a merge brought its own
  MergeFacts& f = merged.merge;
  f.merged = true;
  f.inputs = static_cast<uint32_t>(inputs.size());
  f.shards = merged.sources.front().shard.count;
  f.forced = mismatch;
  measure_windows(merged);
  // The merge is the whole run again: every shard's share added (the sources keep theirs).
  merged.config.shard = Shard{};
  merged.verdict = rolled_up_verdict(merged);
  // The schedule and the gates over the merged figures (each shard judged its own).
  ScheduleStats& s = merged.schedule;
  if (!merged.config.closed_loop()) {
    s.requested_rate = merged.config.rate;
    s.achieved_rate = merged.measured_seconds > 0
                          ? static_cast<double>(merged.measured.sent) / merged.measured_seconds
                          : 0;
  }
  merged.thresholds = evaluate_thresholds(merged);
  out = std::move(merged);
  return true;
}

bool read_merge_input(const std::string& text, MergeInput& in, std::string& error) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann counts bytes from 1: e.byte is the one it stopped at (one past the end when the
    // text ran out).
    if (e.byte > text.size()) {
      error =
          in.name + ": truncated: the JSON ends unfinished at byte " + std::to_string(text.size());
    } else {
      error = in.name + ": invalid JSON at byte " + std::to_string(e.byte) + " of " +
              std::to_string(text.size());
    }
    return false;
  }
  if (!doc.is_object() || !doc.contains("schema") || !doc.at("schema").is_string()) {
    error = in.name + ": not a ringfire result (no \"schema\")";
    return false;
  }
  in.schema = doc.at("schema").get<std::string>();
  if (in.schema != kJsonSchema) return true;  // refused by its version in merge_mismatch()
  if (!from_json(doc, in.result, error)) {
    error = in.name + ": " + error;
    return false;
  }
  return true;
}

bool read_merge_file(const std::string& path, MergeInput& in, std::string& error) {
  in.name = path;
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = path + ": cannot read";
    return false;
  }
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return read_merge_input(text, in, error);
}

}  // namespace ringfire
