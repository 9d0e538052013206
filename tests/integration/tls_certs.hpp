// A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI in a temp dir
// for the test that holds it (removed with it): what ringfire-target --tls-cert serves and what
// ringfire trusts with --cacert.
#pragma once

#include <string>

namespace ringfire::testing {

class TlsCerts {
 public:
  TlsCerts();
  ~TlsCerts();
  TlsCerts(const TlsCerts&) = delete;
  TlsCerts& operator=(const TlsCerts&) = delete;
  bool ok() const { return ok_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
  bool ok_ = false;
};

}  // namespace ringfire::testing
