// The connections' own figures in the text report and the JSON (issue 12): how long opening
// took, the peak open at once, connect latency, and reconnects asked for by --keepalive-requests.
#include <cinttypes>
#include <cstdio>

#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

std::string opening_text(const Result& r) {
  const ConnectionStats& s = r.connections;
  if (s.all_open_ns == 0) {
    return "not all " + std::to_string(s.planned) + " were open at once";
  }
  return "all " + std::to_string(s.planned) + " open " +
         format_duration(s.all_open_ns - r.start_ns) + " after the start (first to last " +
         format_duration(s.all_open_ns - s.first_open_ns) + ")";
}

}  // namespace

void print_connections(const Result& r, std::ostream& out) {
  const ConnectionStats& s = r.connections;
  if (s.planned == 0) return;
  // Each worker knows its own peak; their sum bounds the run's from above (the peaks of two
  // workers need not coincide), and says so.
  out << "  Opening     " << opening_text(r) << "; peak " << s.peak_open
      << (r.workers > 1 ? " open (the workers' own peaks, added)" : " open at once");
  if (s.keepalive_reconnects != 0) {
    out << "; " << s.keepalive_reconnects << " reopened after --keepalive-requests";
  }
  out << '\n';
  const Histogram& h = s.connect_latency;
  if (h.count() == 0) return;
  out << "  Connect in  p50 " << format_duration(h.value_at_percentile(50)) << ", p90 "
      << format_duration(h.value_at_percentile(90)) << ", p99 "
      << format_duration(h.value_at_percentile(99)) << ", max " << format_duration(h.max()) << " ("
      << h.count() << " connects, from the connect queued to its completion)\n";
}

nlohmann::json connections_json(const Result& r) {
  const ConnectionStats& s = r.connections;
  const Counters& m = r.measured;
  const Counters& w = r.warmup;
  nlohmann::json j = {
      {"planned", s.planned},
      {"opened", m.connects + w.connects},
      {"failed", m.connect_errors() + w.connect_errors()},
      {"closed_by_server", m.peer_closes + w.peer_closes},
      {"peak_open", s.peak_open},
      {"keepalive_reconnects", s.keepalive_reconnects},
      {"opening_s", nullptr},
      {"first_to_last_s", nullptr},
  };
  if (s.all_open_ns != 0) {
    j["opening_s"] = static_cast<double>(s.all_open_ns - r.start_ns) * 1e-9;
    j["first_to_last_s"] = static_cast<double>(s.all_open_ns - s.first_open_ns) * 1e-9;
  }
  return j;
}

}  // namespace ringfire
