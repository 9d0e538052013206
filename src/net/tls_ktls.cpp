// The kTLS probe: the kernel lists its TCP upper-layer protocols in tcp_available_ulp; "tls" is
// there once the tls module is loaded (or built in). Only the probe exists: the offload itself
// (handing the keys to the kernel after the handshake) is not implemented.
#include <fstream>
#include <sstream>
#include <string>

#include "ringfire/net/tls_options.hpp"

namespace ringfire {

bool ktls_available() {
  std::ifstream in("/proc/sys/net/ipv4/tcp_available_ulp");
  std::string word;
  while (in >> word) {
    if (word == "tls") return true;
  }
  return false;
}

}  // namespace ringfire
