// --html: one self-contained page (no script, no external file) that a browser or a CI artifact
// viewer shows as it is: the text report, each source's window and verdict, and the per-second
// series drawn as inline SVG. Every figure on it comes from the Result, as the text report's do.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "ringfire/base/format.hpp"
#include "ringfire/result/merge.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {
namespace {

std::string escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// One series of a chart: a value per second, drawn as a polyline.
struct Line {
  const char* name;
  const char* colour;
  std::vector<double> values;
};

// A line chart of `lines` over the seconds, scaled to the largest value, with its axis labels.
void chart(const std::string& title, const char* unit, const std::vector<Line>& lines,
           std::ostream& out) {
  constexpr double kWidth = 720, kHeight = 200, kLeft = 70, kBottom = 24, kTop = 10;
  size_t n = 0;
  double top = 0;
  for (const Line& l : lines) {
    n = std::max(n, l.values.size());
    for (const double v : l.values) top = std::max(top, v);
  }
  if (n == 0) return;
  if (top <= 0) top = 1;
  const double plot_w = kWidth - kLeft - 10, plot_h = kHeight - kBottom - kTop;
  const auto x = [&](size_t i) {
    return kLeft +
           (n == 1 ? plot_w / 2 : plot_w * static_cast<double>(i) / static_cast<double>(n - 1));
  };
  const auto y = [&](double v) { return kTop + plot_h * (1 - v / top); };
  out << "<h3>" << escaped(title) << "</h3>\n<svg width=\"" << kWidth << "\" height=\"" << kHeight
      << "\" role=\"img\" aria-label=\"" << escaped(title) << "\">\n";
  out << fmt("<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#999\"/>\n", kLeft,
             y(0), kWidth - 10, y(0));
  out << fmt("<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#999\"/>\n", kLeft,
             y(0), kLeft, y(top));
  out << fmt("<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.4g %s</text>\n",
             kLeft - 4, y(top) + 4, top, unit);
  out << fmt("<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">0</text>\n",
             kLeft - 4, y(0) + 4);
  out << fmt("<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"end\">%zu s</text>\n",
             kWidth - 10, kHeight - 6, n);
  double legend_x = kLeft + 8;
  for (const Line& l : lines) {
    out << "<polyline fill=\"none\" stroke-width=\"1.5\" stroke=\"" << l.colour << "\" points=\"";
    for (size_t i = 0; i < l.values.size(); ++i) out << fmt("%.1f,%.1f ", x(i), y(l.values[i]));
    out << "\"/>\n";
    out << fmt("<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" fill=\"%s\">%s</text>\n", legend_x,
               kTop + 12, l.colour, l.name);
    legend_x += 80;
  }
  out << "</svg>\n";
}

void series(const Result& r, std::ostream& out) {
  if (r.seconds.empty()) return;
  Line sent{"sent", "#1f77b4", {}}, completed{"completed", "#2ca02c", {}},
      failed{"failed", "#d62728", {}};
  Line p50{"p50", "#2ca02c", {}}, p99{"p99", "#ff7f0e", {}}, max{"max", "#d62728", {}};
  out << "<h2>Per second</h2>\n";
  std::ostringstream table;
  table << "<table><tr><th>second (UTC)</th><th>sent</th><th>completed</th><th>failed</th>"
           "<th>connect errors</th><th>p50</th><th>p99</th><th>max</th></tr>\n";
  for (const SecondSummary& s : r.seconds) {
    const SecondLatency l = second_latency(s.stats);
    sent.values.push_back(static_cast<double>(s.stats.sent));
    completed.values.push_back(static_cast<double>(s.stats.completed));
    failed.values.push_back(static_cast<double>(s.stats.errors));
    p50.values.push_back(static_cast<double>(l.p50) / 1e6);
    p99.values.push_back(static_cast<double>(l.p99) / 1e6);
    max.values.push_back(static_cast<double>(l.max) / 1e6);
    table << fmt("<tr><td>%.0f</td><td>%" PRIu64 "</td><td>%" PRIu64 "</td><td>%" PRIu64
                 "</td><td>%" PRIu64 "</td>",
                 s.wall, s.stats.sent, s.stats.completed, s.stats.errors, s.stats.connect_errors)
          << "<td>" << format_duration(l.p50) << "</td><td>" << format_duration(l.p99)
          << "</td><td>" << format_duration(l.max) << "</td></tr>\n";
  }
  table << "</table>\n";
  chart("Requests per second", "req", {sent, completed, failed}, out);
  chart("Latency of the responses completed in each second", "ms", {p50, p99, max}, out);
  out << table.str();
}

// Each machine (source) the result holds: its shard, window, clock and verdict.
void sources(const Result& r, std::ostream& out) {
  if (r.sources.size() < 2) return;
  out << "<h2>Sources</h2>\n<table><tr><th>shard</th><th>host</th><th>start (unix s)</th>"
         "<th>end</th><th>clock</th><th>verdict</th></tr>\n";
  for (const Source& s : r.sources) {
    std::string verdict = "(this run)";
    if (!s.verdict_json.empty()) {
      const nlohmann::json v = nlohmann::json::parse(s.verdict_json, nullptr, false);
      if (v.is_object() && v.contains("summary") && v.at("summary").is_string()) {
        verdict = v.at("summary").get<std::string>();
      }
    }
    out << "<tr><td>" << s.shard.index << '/' << s.shard.count << "</td><td>" << escaped(s.host)
        << "</td>" << fmt("<td>%.6f</td><td>%.6f</td>", s.start_wall, s.end_wall) << "<td>"
        << (s.clock.synchronised ? "synchronised" : "not synchronised") << "</td><td>"
        << escaped(verdict) << "</td></tr>\n";
  }
  out << "</table>\n";
}

}  // namespace

void write_html(const Result& result, std::ostream& out) {
  std::ostringstream text;
  print_text(result, text);
  const std::string title = std::string(result.merge.merged ? "ringfire merge: " : "ringfire: ") +
                            result.config.url.host_header + result.config.url.target;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>"
      << escaped(title)
      << "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1100px}"
         "pre{background:#f6f6f6;padding:1em;overflow-x:auto}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;"
         "text-align:right}</style></head><body>\n<h1>"
      << escaped(title) << "</h1>\n<h2>Report</h2>\n<pre>" << escaped(text.str()) << "</pre>\n";
  sources(result, out);
  series(result, out);
  out << "</body></html>\n";
}

}  // namespace ringfire
