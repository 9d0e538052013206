// Per-label figures: the text report's Aggregate table (the columns JMeter users know from its
// Aggregate Report) and the JSON's "labels" list, whose buckets merge across runs as the totals'
// do.
#include <cinttypes>
#include <cstdio>

#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

std::string ms(uint64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.2f", static_cast<double>(ns) / 1e6);
  return buf;
}

// Requests that ended in the window: JMeter's "samples" (every one completed or failed).
uint64_t samples(const Counters& c) {
  return c.completed + c.failed();
}

void print_row(const std::string& label, const Counters& c, const Histogram& h, double seconds,
               std::ostream& out) {
  const uint64_t n = samples(c);
  const double error_pct =
      n != 0 ? 100.0 * static_cast<double>(c.errors_total()) / static_cast<double>(n) : 0;
  const double per_s = seconds > 0 ? 1 / seconds : 0;
  char line[320];
  std::snprintf(line, sizeof(line),
                "  %-16.16s %9" PRIu64 " %8s %8s %8s %8s %8s %8s %8s %7.2f%% %10.1f %10.2f %9.2f\n",
                label.c_str(), n, ms(static_cast<uint64_t>(h.mean())).c_str(),
                ms(h.value_at_percentile(50)).c_str(), ms(h.value_at_percentile(90)).c_str(),
                ms(h.value_at_percentile(95)).c_str(), ms(h.value_at_percentile(99)).c_str(),
                ms(h.min()).c_str(), ms(h.max()).c_str(), error_pct, static_cast<double>(n) * per_s,
                static_cast<double>(c.http_bytes_received) / 1024 * per_s,
                static_cast<double>(c.http_bytes_sent) / 1024 * per_s);
  out << line;
}

}  // namespace

void print_labels(const Result& r, std::ostream& out) {
  if (!r.labels_kept) return;
  out << "\n  Labels (latency in ms, of completed responses; errors include unexpected "
         "responses)\n";
  char head[320];
  std::snprintf(head, sizeof(head), "  %-16s %9s %8s %8s %8s %8s %8s %8s %8s %8s %10s %10s %9s\n",
                "label", "samples", "average", "median", "p90", "p95", "p99", "min", "max", "error",
                "req/s", "recv KB/s", "sent KB/s");
  out << head;
  for (const LabelSummary& l : r.labels)
    print_row(l.label, l.counters, l.latency, r.measured_seconds, out);
  print_row("TOTAL", r.measured, r.latency, r.measured_seconds, out);
  for (const LabelSummary& l : r.labels) {
    std::string why;
    for (size_t i = 0; i < kErrorClasses; ++i) {
      if (l.counters.errors[i] == 0) continue;
      why += (why.empty() ? "" : ", ") + std::to_string(l.counters.errors[i]) + " " +
             to_string(static_cast<ErrorClass>(i));
    }
    if (!why.empty()) out << "  " << l.label << ": " << why << '\n';
  }
}

nlohmann::json labels_json(const Result& r) {
  nlohmann::json list = nlohmann::json::array();
  for (const LabelSummary& l : r.labels) {
    const Counters& c = l.counters;
    nlohmann::json errors = nlohmann::json::object();
    for (size_t i = 0; i < kErrorClasses; ++i)
      errors[to_string(static_cast<ErrorClass>(i))] = c.errors[i];
    list.push_back({
        {"label", l.label},
        {"sent", c.sent},
        {"completed", c.completed},
        {"failed", c.failed()},
        {"in_flight", c.in_flight},
        {"errors", errors},
        {"status", status_json(c)},
        {"requests_per_second",
         r.measured_seconds > 0 ? static_cast<double>(c.completed) / r.measured_seconds : 0},
        {"bytes_sent", c.http_bytes_sent},
        {"bytes_received", c.http_bytes_received},
        {"latency_ns", histogram_json(l.latency)},
    });
  }
  return list;
}

}  // namespace ringfire
