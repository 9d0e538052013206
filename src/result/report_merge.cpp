// The text of a merged result (ringfire merge): how the shards lined up, the rates over the
// window they shared and over their union, and each shard's own start and verdict.
#include <cinttypes>
#include <cstdio>

#include "ringfire/base/format.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

// A source's verdict line, from the verdict it kept as JSON.
std::string verdict_summary(const Source& s) {
  if (s.verdict_json.empty()) return "no verdict";
  const nlohmann::json v = nlohmann::json::parse(s.verdict_json, nullptr, false);
  if (!v.is_object() || !v.contains("summary") || !v.at("summary").is_string()) {
    return "no verdict";
  }
  return v.at("summary").get<std::string>();
}

}  // namespace

void print_merge(const Result& r, std::ostream& out) {
  const MergeFacts& f = r.merge;
  out << fmt("  merged %u result%s: %zu source%s, shards of %u; start skew %.3f ms\n", f.inputs,
             f.inputs == 1 ? "" : "s", r.sources.size(), r.sources.size() == 1 ? "" : "s", f.shards,
             f.start_skew_s * 1e3);
  if (f.shared_rows != 0) {
    out << fmt("  shared window %.3f s (%" PRIu64
               " whole seconds): %.1f req/s; union %.3f s: "
               "%.1f req/s\n",
               f.shared_seconds, f.shared_rows, f.shared_requests_per_second(), r.measured_seconds,
               r.requests_per_second());
  } else {
    out << fmt(
        "  WARNING     the shards' windows share no whole second (shared %.3f s): only the "
        "union's rate, %.1f req/s over %.3f s, stands, and it is not a concurrent rate\n",
        f.shared_seconds, r.requests_per_second(), r.measured_seconds);
  }
  for (const Source& s : r.sources) {
    std::string start;
    if (s.intended_start_wall > 0) {
      start = fmt(", began %+.3f ms from --start-at", (s.start_wall - s.intended_start_wall) * 1e3);
    }
    out << "  shard " << s.shard.text() << "   " << (s.host.empty() ? "?" : s.host) << start << ": "
        << verdict_summary(s) << '\n';
  }
  if (const std::string clocks = unsynchronised_clocks(r); !clocks.empty()) {
    out << "  WARNING     " << clocks << '\n';
  }
  if (!f.forced.empty()) out << "  FORCED      merged with --force although " << f.forced << '\n';
}

}  // namespace ringfire
