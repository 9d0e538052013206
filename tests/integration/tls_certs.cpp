#include "tls_certs.hpp"

#include <cstdlib>
#include <filesystem>

namespace ringfire::testing {

TlsCerts::TlsCerts() {
  char pattern[] = "/tmp/ringfire-certs-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  const std::string command =
      "cd " + dir_ +
      " && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem"
      " -out cert.pem -days 2 -subj /CN=localhost"
      " -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null";
  ok_ = std::system(command.c_str()) == 0;
}

TlsCerts::~TlsCerts() {
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

}  // namespace ringfire::testing
