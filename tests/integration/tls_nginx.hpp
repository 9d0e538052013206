// nginx (Debian nginx-light, which has the ssl module) serving HTTPS on loopback for the TLS
// tests, with certificates the test makes with the openssl CLI in a temp dir: a CA, and a server
// certificate for localhost and 127.0.0.1 signed by it. The access log line is
// "$ssl_session_reused $ssl_protocol": nginx's own count of resumed connections and protocols.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "subprocess.hpp"

namespace ringfire::testing {

class TlsNginx {
 public:
  TlsNginx();
  ~TlsNginx();
  bool ok() const { return port_ != 0; }
  const std::string& skip_reason() const { return skip_reason_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string other_ca() const { return dir_ + "/other-ca.pem"; }  // signed nothing here
  // The access log's lines, by text ("r TLSv1.3"), once the count stops moving and reaches
  // `at_least` (nginx logs after the response is out).
  std::map<std::string, int64_t> log(int64_t at_least);
  void clear_log();

 private:
  std::unique_ptr<Subprocess> process_;
  std::string dir_;
  uint16_t port_ = 0;
  std::string skip_reason_;
};

}  // namespace ringfire::testing
