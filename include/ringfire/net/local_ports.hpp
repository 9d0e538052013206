// Local ports: how many connections one source address can open to one destination before
// connect() fails with EADDRNOTAVAIL, checked before the run (and loopback sources added when one
// is not enough).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ringfire/http/url.hpp"

namespace ringfire {

struct PortRange {
  uint32_t first = 32768;  // the kernel's default net.ipv4.ip_local_port_range
  uint32_t last = 60999;
  uint32_t size() const { return last >= first ? last - first + 1 : 0; }
};

// Parses the sysctl's text "32768\t60999\n". False on anything else.
bool parse_port_range(std::string_view text, PortRange& out);

// What /proc/net/tcp{,6} says about the ports of a range: ports bound by a listener and reserved
// ones (net.ipv4.ip_local_reserved_ports, "8080,9000-9010"), which no connect takes; and, by
// local address, the ports held toward one destination (connected or in TIME_WAIT), which a
// connect from that address to that destination cannot take.
struct PortUse {
  PortRange range;
  std::vector<uint8_t> everywhere;  // 65536 flags: listener or reserved
  uint32_t everywhere_count = 0;
  std::map<std::string, std::vector<uint16_t>> toward;  // proc_address(local) → its ports
  // Ports of the range a connect from `source` (proc_address() form) to the destination can't
  // use; each port counted once.
  uint32_t taken(const std::string& source) const;
};
PortUse read_port_use(const PortRange& range, const Endpoint& destination,
                      const std::vector<std::string>& proc_net_tcp, std::string_view reserved);
// A PortUse of `range` with only the reserved ports marked (what the socket tables add to).
PortUse reserved_port_use(const PortRange& range, std::string_view reserved);

// An address as /proc/net/tcp{,6} prints it: its bytes as 32-bit words in host order, each as
// %08X ("0100007F" for 127.0.0.1 on little-endian machines).
std::string proc_address(const Endpoint& address);

// Before the run: "" when every source address has a port for each of its connections (from
// sock_diag; without it, from /proc/net/tcp and only when a source needs more than half of
// ip_local_port_range, as reading every socket as text is slow on a busy host). With no
// --source-ip and a 127.0.0.0/8 destination, adds sources 127.0.0.1, 127.0.0.2, ... to
// `sources` itself and puts the one line that says so in `notice` — when the ports of one
// address run short, and whenever more than kConnectionsPerLoopbackSource connections would
// share one (the kernel's port search per connect grows with the connections of that address).
// Otherwise the line that names the range, the need and the fix.
inline constexpr uint32_t kConnectionsPerLoopbackSource = 4000;
std::string prepare_local_ports(const Endpoint& destination, uint32_t connections,
                                std::vector<Endpoint>& sources, std::string& notice);

}  // namespace ringfire
