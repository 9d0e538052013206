// HTTP/2's part of the report, text and JSON, and its reader (so that ringfire merge keeps it):
// the protocol, streams per connection asked and allowed, GOAWAYs and RST_STREAMs by code.
#include <cinttypes>
#include <cstdio>
#include <ostream>
#include <string>

#include "ringfire/base/format.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

namespace {

nlohmann::json by_code(const std::array<uint64_t, kH2ErrorCodes>& counts) {
  nlohmann::json j = nlohmann::json::object();
  for (size_t i = 0; i < kH2ErrorCodes; ++i) {
    if (counts[i] != 0) j[h2_error_name(i)] = counts[i];
  }
  return j;
}

void read_by_code(const nlohmann::json& j, std::array<uint64_t, kH2ErrorCodes>& counts) {
  for (size_t i = 0; i < kH2ErrorCodes; ++i) {
    if (j.contains(h2_error_name(i))) counts[i] = j.at(h2_error_name(i)).get<uint64_t>();
  }
}

std::string codes_text(const std::array<uint64_t, kH2ErrorCodes>& counts) {
  std::string text;
  for (size_t i = 0; i < kH2ErrorCodes; ++i) {
    if (counts[i] == 0) continue;
    text += (text.empty() ? " (" : ", ") + std::to_string(counts[i]) + " " + h2_error_name(i);
  }
  return text.empty() ? text : text + ")";
}

uint64_t total(const std::array<uint64_t, kH2ErrorCodes>& counts) {
  uint64_t n = 0;
  for (const uint64_t c : counts) n += c;
  return n;
}

}  // namespace

nlohmann::json http2_json(const Result& r) {
  const H2Stats& h = r.http2;
  if (!h.enabled) return nullptr;  // HTTP/1.1
  return {{"protocol", "h2c"},
          {"streams_asked", h.streams_asked},
          {"streams_allowed", h.streams_allowed},
          {"goaways", by_code(h.goaways)},
          {"resets", by_code(h.resets)},
          {"protocol_errors", h.protocol_errors},
          {"nghttp2_peak_bytes", h.alloc_peak_bytes}};
}

void read_http2(const nlohmann::json& doc, Result& out) {
  // Absent in results written before HTTP/2, null for HTTP/1.1 runs.
  if (!doc.contains("http2") || doc.at("http2").is_null()) return;
  const nlohmann::json& j = doc.at("http2");
  H2Stats& h = out.http2;
  h.enabled = true;
  h.streams_asked = j.at("streams_asked").get<uint32_t>();
  h.streams_allowed = j.at("streams_allowed").get<uint32_t>();
  read_by_code(j.at("goaways"), h.goaways);
  read_by_code(j.at("resets"), h.resets);
  h.protocol_errors = j.at("protocol_errors").get<uint64_t>();
  h.alloc_peak_bytes = j.at("nghttp2_peak_bytes").get<uint64_t>();
}

void print_http2(const Result& r, std::ostream& out) {
  const H2Stats& h = r.http2;
  if (!h.enabled) return;
  out << fmt("  HTTP/2      h2c, %u streams per connection asked, %u allowed by the server%s\n",
             h.streams_asked, h.streams_allowed,
             h.streams_allowed < h.streams_asked ? " (SETTINGS_MAX_CONCURRENT_STREAMS)" : "");
  out << fmt("              %" PRIu64 " GOAWAY%s, %" PRIu64 " RST_STREAM%s, %" PRIu64
             " protocol errors; nghttp2 held at most %" PRIu64 " KiB\n",
             total(h.goaways), codes_text(h.goaways).c_str(), total(h.resets),
             codes_text(h.resets).c_str(), h.protocol_errors, h.alloc_peak_bytes >> 10);
}

}  // namespace ringfire
