// The protocol options of a run: TLS for https:// URLs, HTTP/2 (--h2c, --http2). finish_config()
// and validate() (config.cpp) call these; they are apart so each protocol's rules read together.
#include <cstdlib>

#include "ringfire/base/quote.hpp"
#include "ringfire/net/tls_options.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

// https://: the TLS options hold together.
std::string check_tls(const RunConfig& c) {
  const TlsOptions& t = c.tls;
  if (!(t.resume >= 0 && t.resume <= 1))
    return "--tls-resume must be 0 to 1 (a share of handshakes)";
  if (!t.key_file.empty() && t.cert_file.empty()) return "--key needs --cert";
  if (t.enabled && t.ktls == KtlsMode::kOn && !ktls_available()) {
    return "--ktls on: kTLS is not available (no tls ULP in /proc/sys/net/ipv4/tcp_available_ulp)";
  }
  return {};
}

// The TLS options given as text; they mean nothing without an https:// URL.
std::string parse_tls(const CommandLine& line, RunConfig& config) {
  TlsOptions& t = config.tls;
  t.enabled = config.url.tls;
  if (line.tls_options && !t.enabled) {
    return "TLS options (--sni, -k, --cacert, --cert, --key, --tls-*, --ciphers, --groups) need "
           "an https:// URL";
  }
  if (line.tls_version == "1.2") {
    t.version = 12;
  } else if (line.tls_version == "1.3") {
    t.version = 13;
  } else if (!line.tls_version.empty()) {
    return "bad --tls-version " + quote(line.tls_version) + " (1.2 or 1.3)";
  }
  if (line.ktls == "auto") {
    t.ktls = KtlsMode::kAuto;
  } else if (line.ktls == "on") {
    t.ktls = KtlsMode::kOn;
  } else if (line.ktls == "off") {
    t.ktls = KtlsMode::kOff;
  } else {
    return "bad --ktls " + quote(line.ktls) + " (auto, on or off)";
  }
  if (const char* keylog = std::getenv("SSLKEYLOGFILE"); keylog != nullptr && t.enabled) {
    t.keylog_file = keylog;
  }
  return {};
}

// HTTP/2: what this first version carries (h2c, closed loop, static requests and variants).
std::string check_http2(const RunConfig& c) {
  if (!c.http2) return {};
  if (c.streams == 0 || c.streams > 1024) return "--streams must be between 1 and 1024";
  if (c.window_bits < 16 || c.window_bits > 31) return "--window-bits must be between 16 and 31";
  if (c.pipeline != 1) return "--h2c: use --streams, not --pipeline";
  if (c.rate > 0) return "--h2c: the open loop (-R) is not supported over HTTP/2 yet";
  return {};
}

// --http2/--h2c as given: h2 over https:// needs ALPN, which this version does not negotiate.
std::string parse_http2(const CommandLine& line, RunConfig& config) {
  if (!line.http2) return {};
  for (const std::string& u : line.urls) {
    if (u.rfind("https://", 0) == 0) {
      return "--http2 on https:// needs ALPN, which comes with TLS; use --h2c on http://";
    }
  }
  config.http2 = true;
  return {};
}

}  // namespace ringfire
