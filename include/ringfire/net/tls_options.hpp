// What a run asks of TLS (an https:// URL): the command line's TLS options as the worker's
// transport reads them. Plain data; the OpenSSL side is net/tls_transport.hpp.
#pragma once

#include <cstdint>
#include <string>

namespace ringfire {

// --ktls: hand the record layer to the kernel after the handshake. Only the probe exists today
// (the offload itself is not implemented): auto uses user space when the kernel has no tls ULP,
// on refuses such a kernel.
enum class KtlsMode : uint8_t { kAuto, kOn, kOff };

struct TlsOptions {
  bool enabled = false;       // the URL is https://
  std::string sni;            // server name sent (SNI) and verified; "" = the URL's host
  bool insecure = false;      // -k: no certificate verification
  std::string ca_file;        // --cacert: trust these instead of the system store
  std::string cert_file;      // --cert: client certificate (PEM)
  std::string key_file;       // --key: its private key (PEM); "" = in the --cert file
  uint16_t version = 0;       // --tls-version: 0 (any of 1.2, 1.3), 12 or 13 (exactly that)
  std::string ciphers;        // --ciphers: TLS 1.2 cipher list (OpenSSL syntax)
  std::string tls13_ciphers;  // --tls13-ciphers
  std::string groups;         // --groups: "X25519:P-256"
  double resume = 1;          // --tls-resume: share of handshakes that offer a cached session
  std::string keylog_file;    // SSLKEYLOGFILE: NSS key log lines appended here
  KtlsMode ktls = KtlsMode::kAuto;
};

// Whether the kernel offers the tls ULP (kTLS): "tls" in /proc/sys/net/ipv4/tcp_available_ulp.
bool ktls_available();

}  // namespace ringfire
