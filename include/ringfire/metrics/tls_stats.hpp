// What the TLS transport saw of its handshakes (net/tls_transport.hpp), per worker and, merged,
// per run: counts, the connect+handshake latency split full vs resumed, what was negotiated and
// why handshakes failed. Names (protocols, ciphers, groups, failure texts) come from OpenSSL and
// are few, so they are counted in small name → count maps; the worker only inserts a name the
// first time it sees it (a handshake, never a request).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ringfire/metrics/histogram.hpp"

namespace ringfire {

// Why a TLS handshake failed; each a failed connection attempt of cause "handshake".
enum class TlsFailure : uint8_t {
  kVerify,    // the server's certificate did not verify (detail: X509_verify_cert_error_string)
  kAlert,     // the server sent an alert (detail: SSL_alert_desc_string_long)
  kProtocol,  // bytes that are not the TLS we asked for (detail: OpenSSL's reason text)
  kClosed,    // the server closed (or reset) the connection during the handshake
  kTimeout,   // no handshake within --timeout
  kCount,     // not a class: how many there are
};
inline constexpr size_t kTlsFailures = static_cast<size_t>(TlsFailure::kCount);
const char* to_string(
    TlsFailure f);  // JSON key: "verify", "alert", "protocol", "closed", "timeout"

using NameCounts = std::map<std::string, uint64_t, std::less<>>;

struct TlsStats {
  bool enabled = false;             // the run spoke TLS (an https:// URL)
  double resume_ratio = 1;          // --tls-resume as asked
  uint64_t full = 0;                // handshakes completed without resumption
  uint64_t resumed = 0;             // handshakes that resumed a session
  uint64_t offered = 0;             // handshakes that offered a cached session
  uint64_t failed[kTlsFailures]{};  // by class
  Histogram full_latency;           // TCP connect queued → handshake done, full handshakes
  Histogram resumed_latency;        // the same, resumed handshakes
  NameCounts protocols;             // "TLSv1.3" → handshakes
  NameCounts ciphers;               // "TLS_AES_128_GCM_SHA256" → handshakes
  NameCounts groups;                // "x25519" → handshakes
  NameCounts failures;              // "verify: self-signed certificate" → failed handshakes
  std::string ktls = "off";         // "off", "not available (no tls ULP)": the kTLS state

  uint64_t handshakes() const { return full + resumed; }
  uint64_t failed_total() const {
    uint64_t n = 0;
    for (const uint64_t f : failed) n += f;
    return n;
  }
  // The most frequent failure text ("" when none failed): the run's one line names it.
  std::string dominant_failure() const;
  void add(const TlsStats& o);
};

}  // namespace ringfire
