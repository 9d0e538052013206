#include "ringfire/net/local_ports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "ringfire/net/source_addresses.hpp"
#include "sock_diag.hpp"

namespace ringfire {

namespace {

constexpr int kTcpListen = 0x0A;  // TCP_LISTEN in /proc/net/tcp's "st" column

std::string read_text(const char* path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

uint16_t port_of(const Endpoint& e) {
  return ntohs(e.addr.ss_family == AF_INET
                   ? reinterpret_cast<const sockaddr_in*>(&e.addr)->sin_port
                   : reinterpret_cast<const sockaddr_in6*>(&e.addr)->sin6_port);
}

// "8080,9000-9010" into `taken` (ports of `range` only).
void mark_reserved(std::string_view text, const PortRange& range, std::vector<uint8_t>& taken) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    uint32_t first = 0;
    auto r = std::from_chars(p, end, first);
    if (r.ec != std::errc()) return;
    p = r.ptr;
    uint32_t last = first;
    if (p < end && *p == '-') {
      r = std::from_chars(p + 1, end, last);
      if (r.ec != std::errc()) return;
      p = r.ptr;
    }
    for (uint32_t port = std::max(first, range.first); port <= std::min(last, range.last); ++port)
      taken[port] = 1;
    while (p < end && (*p == ',' || *p == '\n' || *p == ' ')) ++p;
  }
}

}  // namespace

std::string proc_address(const Endpoint& destination) {
  const unsigned char* bytes = nullptr;
  size_t n = 0;
  if (destination.addr.ss_family == AF_INET) {
    bytes = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in*>(&destination.addr)->sin_addr);
    n = 4;
  } else {
    bytes = reinterpret_cast<const unsigned char*>(
        &reinterpret_cast<const sockaddr_in6*>(&destination.addr)->sin6_addr);
    n = 16;
  }
  std::string out;
  for (size_t i = 0; i < n; i += 4) {
    uint32_t word = 0;
    std::memcpy(&word, bytes + i, 4);
    char buf[9];
    std::snprintf(buf, sizeof(buf), "%08X", word);
    out += buf;
  }
  return out;
}

bool parse_port_range(std::string_view text, PortRange& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  PortRange r;
  auto a = std::from_chars(p, end, r.first);
  if (a.ec != std::errc()) return false;
  p = a.ptr;
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  auto b = std::from_chars(p, end, r.last);
  if (b.ec != std::errc() || r.last > 65535 || r.first > r.last) return false;
  out = r;
  return true;
}

uint32_t PortUse::taken(const std::string& source) const {
  uint32_t n = everywhere_count;
  const auto it = toward.find(source);
  if (it == toward.end()) return n;
  std::vector<uint16_t> ports = it->second;
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  for (const uint16_t port : ports) n += everywhere[port] == 0 ? 1 : 0;
  return n;
}

PortUse reserved_port_use(const PortRange& range, std::string_view reserved) {
  PortUse use;
  use.range = range;
  use.everywhere.assign(65536, 0);
  mark_reserved(reserved, range, use.everywhere);
  return use;
}

PortUse read_port_use(const PortRange& range, const Endpoint& destination,
                      const std::vector<std::string>& proc_net_tcp, std::string_view reserved) {
  PortUse use = reserved_port_use(range, reserved);
  char want[80];
  std::snprintf(want, sizeof(want), "%s:%04X", proc_address(destination).c_str(),
                port_of(destination));
  for (const std::string& table : proc_net_tcp) {
    std::istringstream lines(table);
    std::string line;
    std::getline(lines, line);  // the header
    while (std::getline(lines, line)) {
      // "  0: 0100007F:9C40 0100007F:1F90 01 ..." — slot, local, remote, state.
      std::istringstream fields(line);
      std::string slot, local, remote;
      unsigned state = 0;
      fields >> slot >> local >> remote >> std::hex >> state;
      const size_t colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      const unsigned long port = std::strtoul(local.c_str() + colon + 1, nullptr, 16);
      if (port < range.first || port > range.last) continue;
      if (state == kTcpListen) {
        use.everywhere[port] = 1;
      } else if (remote == want) {
        use.toward[local.substr(0, colon)].push_back(static_cast<uint16_t>(port));
      }
    }
  }
  use.everywhere_count =
      static_cast<uint32_t>(std::count(use.everywhere.begin(), use.everywhere.end(), 1));
  return use;
}

namespace {

bool is_ipv4_loopback(const Endpoint& e) {
  if (e.addr.ss_family != AF_INET) return false;
  const uint32_t a = ntohl(reinterpret_cast<const sockaddr_in*>(&e.addr)->sin_addr.s_addr);
  return (a >> 24) == 127;
}

std::string range_text(const PortRange& r) {
  return std::to_string(r.first) + "-" + std::to_string(r.last);
}

PortRange current_port_range() {
  PortRange range;
  parse_port_range(read_text("/proc/sys/net/ipv4/ip_local_port_range"), range);
  return range;
}

// The ports in use: from sock_diag, else, with `or_proc`, from /proc/net/tcp{,6}. False when
// neither answered (sock_diag missing and /proc not asked).
bool current_port_use(const PortRange& range, const Endpoint& destination, bool or_proc,
                      PortUse& use) {
  const std::string reserved = read_text("/proc/sys/net/ipv4/ip_local_reserved_ports");
  use = reserved_port_use(range, reserved);
  std::string why;  // sock_diag's reason for failing: the fallback is the answer
  if (diag_port_use(destination, use, why)) return true;
  if (!or_proc) return false;
  // A v4 destination's sockets are in tcp; a v6 one's in tcp6.
  const std::vector<std::string> tables = {
      read_text(destination.addr.ss_family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6")};
  use = read_port_use(range, destination, tables, reserved);
  return true;
}

// The source address the kernel gives an unbound connection to `destination` (the route's
// preferred source): connect() on a UDP socket picks it and sends nothing.
Endpoint kernel_source(const Endpoint& destination) {
  Endpoint source;
  const int fd = ::socket(destination.addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  source.len = sizeof(source.addr);
  if (fd < 0 ||
      ::connect(fd, reinterpret_cast<const sockaddr*>(&destination.addr), destination.len) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&source.addr), &source.len) != 0) {
    source = destination;  // loopback-like fallback: same address as the destination
  }
  if (fd >= 0) ::close(fd);
  return source;
}

uint32_t usable(const PortUse& use, const Endpoint& source) {
  const uint32_t taken = use.taken(proc_address(source));
  return use.range.size() > taken ? use.range.size() - taken : 0;
}

// Loopback sources 127.0.0.1..k, for the smallest k whose even shares fit every address's ports.
std::vector<Endpoint> loopback_sources(const PortUse& use, uint32_t connections) {
  std::vector<Endpoint> sources;
  uint32_t least = UINT32_MAX;
  for (uint32_t i = 1; i <= 254; ++i) {
    Endpoint s;
    auto* a = reinterpret_cast<sockaddr_in*>(&s.addr);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl((127u << 24) | i);
    s.len = sizeof(sockaddr_in);
    sources.push_back(s);
    least = std::min(least, usable(use, s));
    if ((uint64_t{connections} + i - 1) / i <= least) return sources;
  }
  return {};
}

// Loopback sources 127.0.0.1..k.
std::vector<Endpoint> first_loopback_sources(uint32_t k) {
  std::vector<Endpoint> sources(k);
  for (uint32_t i = 0; i < k; ++i) {
    auto* a = reinterpret_cast<sockaddr_in*>(&sources[i].addr);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl((127u << 24) | (i + 1));
    sources[i].len = sizeof(sockaddr_in);
  }
  return sources;
}

}  // namespace

std::string prepare_local_ports(const Endpoint& destination, uint32_t connections,
                                std::vector<Endpoint>& sources, std::string& notice) {
  // Each connect from one address makes the kernel search that address's ports in use toward the
  // destination (__inet_hash_connect), so opening N connections from one address costs ~N^2:
  // 15,000 from 127.0.0.1 did not finish opening in 3 s (docs/performance.md). On loopback every
  // 127/8 address is ours: past kConnectionsPerLoopbackSource, spread over enough of them.
  if (sources.empty() && is_ipv4_loopback(destination) &&
      connections > kConnectionsPerLoopbackSource) {
    const uint32_t k = std::min<uint32_t>(
        254, (connections + kConnectionsPerLoopbackSource - 1) / kConnectionsPerLoopbackSource);
    sources = first_loopback_sources(k);
    notice = std::to_string(connections) +
             " connections from one address would make the kernel search its local ports for "
             "every connect: using source addresses 127.0.0.1-" +
             address_text(sources.back()) + " (--source-ip to choose)";
  }
  const PortRange range_now = current_port_range();
  const size_t n = sources.size();
  const uint64_t largest_share =
      (uint64_t{connections} + std::max<size_t>(n, 1) - 1) / std::max<size_t>(n, 1);
  // sock_diag answers in about the time the sockets toward the destination take: always asked.
  // Without it, reading /proc/net/tcp costs about a second per 70,000 sockets on a busy host
  // (TIME_WAIT included): skipped when every source needs at most half the range (a shortage
  // below that still shows, as EADDRNOTAVAIL connect errors by cause).
  PortUse use;
  const bool worth_proc = largest_share * 2 > range_now.size();
  if (!current_port_use(range_now, destination, worth_proc, use)) return {};
  const std::string what = std::to_string(connections) + " connections to " + destination.text();
  const std::string range = "ip_local_port_range " + range_text(use.range);
  for (size_t i = 0; i < std::max<size_t>(n, 1); ++i) {
    // Round-robin by connection: source i carries connections i, i + n, ...
    const Endpoint source = n == 0 ? kernel_source(destination) : sources[i];
    const uint64_t share = n == 0 ? connections : connections / n + (i < connections % n ? 1 : 0);
    const uint32_t free = usable(use, source);
    if (share <= free) continue;
    if (n == 0 && is_ipv4_loopback(destination)) {
      // Every 127.0.0.0/8 address is an address of lo: each added source brings its own ports.
      sources = loopback_sources(use, connections);
      if (!sources.empty()) {
        notice = what + " need more than the " + std::to_string(free) + " free local ports of " +
                 range + ": using source addresses 127.0.0.1-" + address_text(sources.back());
        return {};
      }
    }
    return what + " need " + std::to_string(share) + " local ports from " + address_text(source) +
           ", but " + std::to_string(free) + " of " + range +
           " are free; give more addresses with --source-ip (e.g. 127.0.0.2-127.0.0.9 on "
           "loopback), widen the range (sysctl net.ipv4.ip_local_port_range=\"1024 65535\") or "
           "use fewer connections";
  }
  return {};
}

}  // namespace ringfire
