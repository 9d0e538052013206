// The TLS figures (issue 20) in the text report and the JSON: handshakes full / resumed / failed
// with the resumption asked for, connect+handshake latency split full vs resumed, what was
// negotiated, and why handshakes failed (by class, with OpenSSL's text).
#include <cinttypes>
#include <cstdio>

#include "ringfire/base/format.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

std::string latency_text(const Histogram& h) {
  if (h.count() == 0) return "none";
  return "p50 " + format_duration(h.value_at_percentile(50)) + ", p99 " +
         format_duration(h.value_at_percentile(99)) + ", max " + format_duration(h.max());
}

std::string counts_text(const NameCounts& counts) {
  std::string text;
  for (const auto& [name, n] : counts) {
    text += (text.empty() ? "" : ", ") + name + " " + std::to_string(n);
  }
  return text.empty() ? "none" : text;
}

nlohmann::json counts_json(const NameCounts& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, n] : counts) j[name] = n;
  return j;
}

}  // namespace

void print_tls(const Result& r, std::ostream& out) {
  const TlsStats& t = r.tls;
  if (!t.enabled) return;
  out << fmt("  TLS         %" PRIu64 " handshakes: %" PRIu64 " full, %" PRIu64 " resumed (%" PRIu64
             " offered a session; --tls-resume %g), %" PRIu64 " failed\n",
             t.handshakes() + t.failed_total(), t.full, t.resumed, t.offered, t.resume_ratio,
             t.failed_total());
  out << "  Handshake   full " << latency_text(t.full_latency) << "; resumed "
      << latency_text(t.resumed_latency) << " (TCP connect queued to handshake done)\n";
  out << "  Negotiated  " << counts_text(t.protocols) << "; " << counts_text(t.ciphers) << "; "
      << counts_text(t.groups) << '\n';
  for (const auto& [reason, n] : t.failures) out << "  TLS failed  " << n << " " << reason << '\n';
  out << "  kTLS        " << t.ktls << '\n';
}

nlohmann::json tls_json(const Result& r) {
  const TlsStats& t = r.tls;
  if (!t.enabled) return nullptr;
  nlohmann::json failed = nlohmann::json::object();
  for (size_t i = 0; i < kTlsFailures; ++i)
    failed[to_string(static_cast<TlsFailure>(i))] = t.failed[i];
  return {
      {"resume_ratio", t.resume_ratio},
      {"ktls", t.ktls},
      {"full", t.full},
      {"resumed", t.resumed},
      {"offered", t.offered},
      {"failed", failed},
      {"failure_reasons", counts_json(t.failures)},
      {"protocols", counts_json(t.protocols)},
      {"ciphers", counts_json(t.ciphers)},
      {"groups", counts_json(t.groups)},
      {"full_latency_ns", histogram_json(t.full_latency)},
      {"resumed_latency_ns", histogram_json(t.resumed_latency)},
  };
}

}  // namespace ringfire
