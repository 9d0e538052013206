// What an HTTP/2 run adds to the report: the protocol's own endings (GOAWAY, RST_STREAM by error
// code), the streams per connection asked and allowed, and what nghttp2 allocated. Summed over
// workers (add()); all zero for HTTP/1.1.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace ringfire {

// RFC 9113 section 7 defines codes 0x0 to 0xd; slot 14 holds any other code.
inline constexpr size_t kH2ErrorCodes = 15;
const char* h2_error_name(size_t code);  // "NO_ERROR", ..., "OTHER" for slot 14

struct H2Stats {
  bool enabled = false;          // the run spoke HTTP/2
  uint32_t streams_asked = 0;    // --streams
  uint32_t streams_allowed = 0;  // the least SETTINGS_MAX_CONCURRENT_STREAMS seen (or asked)
  std::array<uint64_t, kH2ErrorCodes> goaways{};  // GOAWAY frames received, by error code
  std::array<uint64_t, kH2ErrorCodes> resets{};   // RST_STREAM received, by error code
  uint64_t protocol_errors = 0;   // connections nghttp2 found broken (bad frame, HPACK, flood)
  uint64_t alloc_peak_bytes = 0;  // most bytes nghttp2 held at once (summed over workers)

  static size_t slot(uint32_t code) { return code < kH2ErrorCodes - 1 ? code : kH2ErrorCodes - 1; }
  void add(const H2Stats& o) {
    enabled = enabled || o.enabled;
    streams_asked = std::max(streams_asked, o.streams_asked);
    if (o.streams_allowed != 0) {
      streams_allowed =
          streams_allowed == 0 ? o.streams_allowed : std::min(streams_allowed, o.streams_allowed);
    }
    for (size_t i = 0; i < kH2ErrorCodes; ++i) {
      goaways[i] += o.goaways[i];
      resets[i] += o.resets[i];
    }
    protocol_errors += o.protocol_errors;
    alloc_peak_bytes += o.alloc_peak_bytes;
  }
};

}  // namespace ringfire
