#include <cinttypes>
#include <cstdio>
#include <string>

#include "ringfire/base/format.hpp"
#include "ringfire/http/http_parser.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

void print_latency(const char* name, const Histogram& h, std::ostream& out) {
  out << fmt("  %-9s %9s %9s %9s %9s %9s %9s %9s %9s\n", name, "avg", "stdev", "min", "p50", "p90",
             "p99", "p99.9", "max");
  out << fmt("  %-9s %9s %9s %9s %9s %9s %9s %9s %9s\n", "",
             format_duration(static_cast<uint64_t>(h.mean())).c_str(),
             format_duration(static_cast<uint64_t>(h.stdev())).c_str(),
             format_duration(h.min()).c_str(), format_duration(h.value_at_percentile(50)).c_str(),
             format_duration(h.value_at_percentile(90)).c_str(),
             format_duration(h.value_at_percentile(99)).c_str(),
             format_duration(h.value_at_percentile(99.9)).c_str(),
             format_duration(h.max()).c_str());
}

// Why connects, parse errors happened, and bytes that answered nothing: only when there were any.
void print_error_details(const Counters& m, std::ostream& out) {
  std::string connect;
  for (size_t i = 0; i < kConnectFailures; ++i) {
    if (m.connect_failures[i] == 0) continue;
    const auto f = static_cast<ConnectFailure>(i);
    connect += (connect.empty() ? "" : ", ") + std::to_string(m.connect_failures[i]) + " " +
               to_string(f) + " (" + meaning(f) + ")";
  }
  if (!connect.empty()) out << "  Connect     " << connect << '\n';
  std::string parse;
  for (size_t i = 0; i < m.parse_errors.size(); ++i) {
    if (m.parse_errors[i] == 0) continue;
    parse += (parse.empty() ? "" : ", ") + std::to_string(m.parse_errors[i]) + " " +
             to_string(static_cast<ParseError>(i));
  }
  if (!parse.empty()) out << "  Parse       " << parse << '\n';
  if (m.unsolicited != 0) {
    out << fmt("  Unsolicited %" PRIu64
               " responses (or junk) arrived with no request of ours in the kernel; the "
               "connection was reopened\n",
               m.unsolicited);
  }
}

// Requests, transfer, status and error classes, the accounting identity, connections.
void print_counters(const Result& r, std::ostream& out) {
  const Counters& m = r.measured;
  out << '\n';
  out << fmt("  Requests    %" PRIu64 " completed in %.2fs: %.1f req/s\n", m.completed,
             r.measured_seconds, r.requests_per_second());
  out << fmt("  Transfer    %s received (%s/s), %s sent\n",
             format_bytes(static_cast<double>(m.bytes_received)).c_str(),
             format_bytes(r.bytes_per_second()).c_str(),
             format_bytes(static_cast<double>(m.bytes_sent)).c_str());
  out << fmt("  Status      1xx %" PRIu64 "  2xx %" PRIu64 "  3xx %" PRIu64 "  4xx %" PRIu64
             "  5xx %" PRIu64 "  other %" PRIu64 "\n",
             m.status[1], m.status[2], m.status[3], m.status[4], m.status[5], m.status[0]);
  out << "  Errors      " << kConnectErrorsKey << ' ' << m.connect_errors();
  for (size_t i = 0; i < kErrorClasses; ++i) {
    if (static_cast<ErrorClass>(i) == ErrorClass::kNotProcessed) continue;  // not an error
    out << ' ' << to_string(static_cast<ErrorClass>(i)) << ' ' << m.errors[i];
  }
  out << '\n';
  if (const uint64_t n = m.error(ErrorClass::kNotProcessed); n != 0) {
    out << fmt("  Unprocessed %" PRIu64
               " HTTP/2 streams above a GOAWAY's last-stream-id: the server never saw them; they "
               "ended (in failed below) but are not errors (with -n their budget went back)\n",
               n);
  }
  print_error_details(m, out);
  out << fmt("  Accounting  sent %" PRIu64 " = completed %" PRIu64 " + failed %" PRIu64
             " + in flight %" PRIu64 "%s\n",
             m.sent, m.completed, m.failed(), m.in_flight, m.balanced() ? "" : "  (UNBALANCED)");
  out << fmt("  Connections %" PRIu64 " opened, %" PRIu64 " closed by the server after a response",
             m.connects + r.warmup.connects, m.peer_closes + r.warmup.peer_closes);
  if (r.warmup.sent != 0 || r.warmup.connects != 0) {
    out << fmt(" (%" PRIu64 " open when measuring began)", r.connections_at_measure_start);
  }
  out << '\n';
  if (r.pipelining_stopped) {
    out << "  NOTE        the server announced Connection: close, so pipelining stopped: one "
           "request per connection from then on\n";
  }
}

// --shard and --start-at: which part this is, and when its window began against the intent.
void print_shard(const Result& r, std::ostream& out) {
  const RunConfig& c = r.config;
  if (c.shard.sharded()) {
    out << "  shard " << c.shard.text() << " of the run above (ringfire merge adds the shards)\n";
  }
  if (c.start_at > 0 && !r.sources.empty()) {
    out << fmt("  start at %.6f (unix s), began %+.3f ms from it\n", c.start_at,
               (r.sources.front().start_wall - c.start_at) * 1e3);
  }
  if (const std::string clocks = unsynchronised_clocks(r); !clocks.empty()) {
    out << "  WARNING     " << clocks << '\n';
  }
}

}  // namespace

void print_text(const Result& r, std::ostream& out) {
  const RunConfig& c = r.config;
  out << "ringfire " << RINGFIRE_VERSION << " @ " << (c.url.tls ? "https://" : "http://")
      << c.url.host_header << c.url.target << " (" << c.endpoint.text() << ")\n";
  std::string cpus;
  for (int cpu : r.worker_cpus) {
    if (!cpus.empty()) cpus += ',';
    cpus += std::to_string(cpu);
  }
  out << fmt("  %u worker%s (CPUs %s), %u connections, pipeline %u, %s\n", r.workers,
             r.workers == 1 ? "" : "s", cpus.c_str(), c.connections, c.pipeline,
             c.closed_loop() ? "closed loop" : fmt("open loop at %.0f req/s", c.rate).c_str());
  if (r.merge.merged) {
    print_merge(r, out);
  } else if (c.shard.sharded() || c.start_at > 0) {
    print_shard(r, out);
  }
  if (r.interrupted) out << "  interrupted: the report covers the time until Ctrl-C\n";
  if (r.stalled) {
    out << "  stopped early: no response for a long time before -n was reached (see Errors)\n";
  }
  out << '\n';
  if (r.latency.count() != 0) {
    print_latency("Latency", r.latency, out);
  } else {
    out << "  Latency   no responses measured\n";
  }
  if (!c.closed_loop() && r.service.count() != 0) {
    print_latency("Service", r.service, out);
    out << "  (Latency counts from each request's intended send time; Service from its actual "
           "send.)\n";
  }
  if (c.latency_table && r.latency.count() != 0) {
    out << "\n  Latency distribution\n";
    for (double p : {50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 99.999, 100.0}) {
      out << fmt("  %9.3f%%  %s\n", p, format_duration(r.latency.value_at_percentile(p)).c_str());
    }
  }
  print_counters(r, out);
  print_connections(r, out);
  print_tls(r, out);
  print_http2(r, out);
  print_labels(r, out);
  if (!c.closed_loop()) {
    const ScheduleStats& s = r.schedule;
    out << fmt("  Schedule    %.1f req/s requested, %.1f sent (%" PRIu64 " of %" PRIu64
               " due); send lag p50 %s, p99 %s, max %s; %" PRIu64 " late > 1ms\n",
               s.requested_rate, s.achieved_rate, r.measured.sent, s.due,
               format_duration(s.send_lag.value_at_percentile(50)).c_str(),
               format_duration(s.send_lag.value_at_percentile(99)).c_str(),
               format_duration(s.send_lag.max()).c_str(), s.late);
    if (c.include_ramp && c.ramp.count() != 0) {
      out << "              (the measured window includes the ramp: the rate above is its peak)\n";
    }
    if (!s.kept) out << "  WARNING     schedule not kept: " << s.reason << '\n';
  }
  out << "\n  Client      " << r.verdict.summary << '\n';
  if (!r.verdict.tls_work.empty()) out << "              " << r.verdict.tls_work << '\n';
  for (const std::string& flag : r.verdict.flags) out << "  NOTE        " << flag << '\n';
  if (r.warmup.sent != 0) {
    out << fmt("  Warm-up     %" PRIu64 " sent, %" PRIu64 " completed (excluded above)\n",
               r.warmup.sent, r.warmup.completed);
  }
  print_thresholds(r, out);
  if (r.outcome.kind == Outcome::Kind::kServerStopped) {
    out << "\n  FAILED      " << r.outcome.reason << '\n';
  }
}

}  // namespace ringfire
