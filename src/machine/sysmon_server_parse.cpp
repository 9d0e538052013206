// Pure parsers behind ServerProbe: listening sockets of /proc/net/tcp{,6}, fd links and the CPUs a
// thread may run on. Formats: proc(5) and the kernel's net/ipv4/tcp_ipv4.c (get_tcp4_sock).
#include <netinet/in.h>

#include <algorithm>
#include <cstring>

#include "ringfire/base/cpu_list.hpp"
#include "ringfire/machine/sysmon_server.hpp"
#include "sysmon_text.hpp"

namespace ringfire {

using sysmon_text::Fields;
using sysmon_text::Lines;
using sysmon_text::to_u64;

namespace {

constexpr uint64_t kTcpListen = 0x0A;  // TCP_LISTEN in include/net/tcp_states.h

// "0100007F:1F90": the address as %08X words of its in-memory bytes, then the port in host order.
bool parse_local_address(std::string_view field, int family, ListenSocket& out) {
  const size_t colon = field.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view hex = field.substr(0, colon);
  const size_t words = family == AF_INET ? 1 : 4;
  if (hex.size() != 8 * words) return false;
  for (size_t i = 0; i < words; ++i) {
    uint64_t word = 0;
    if (!to_u64(hex.substr(8 * i, 8), word, 16)) return false;
    const auto w32 = static_cast<uint32_t>(word);
    std::memcpy(out.addr + 4 * i, &w32, sizeof(w32));
  }
  uint64_t port = 0;
  if (!to_u64(field.substr(colon + 1), port, 16) || port > 0xFFFF) return false;
  out.port = static_cast<uint16_t>(port);
  return true;
}

bool all_zero(const unsigned char* bytes, size_t n) {
  return std::all_of(bytes, bytes + n, [](unsigned char b) { return b == 0; });
}

// ::ffff:a.b.c.d
bool is_v4_mapped(const unsigned char* addr16, const unsigned char* v4) {
  static constexpr unsigned char kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  return std::memcmp(addr16, kPrefix, 12) == 0 && std::memcmp(addr16 + 12, v4, 4) == 0;
}

}  // namespace

bool parse_listen_sockets(std::string_view text, int family, std::vector<ListenSocket>& out) {
  out.clear();
  bool malformed = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    Fields f(line);
    std::string_view slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
    if (!f.next(slot) || slot == "sl") continue;  // blank or the header line
    if (!f.next(local) || !f.next(remote) || !f.next(state) || !f.next(queues) || !f.next(timer) ||
        !f.next(retransmits) || !f.next(uid) || !f.next(timeout) || !f.next(inode)) {
      malformed = true;
      continue;
    }
    uint64_t st = 0;
    ListenSocket s;
    s.family = family;
    if (!to_u64(state, st, 16) || !parse_local_address(local, family, s) ||
        !to_u64(inode, s.inode)) {
      malformed = true;
      continue;
    }
    // An inode of 0 is a socket being torn down: nothing holds it any more.
    if (st == kTcpListen && s.inode != 0) out.push_back(s);
  }
  return !malformed;
}

bool listener_serves(const ListenSocket& socket, const sockaddr_storage& target) {
  unsigned char v4[4];
  bool target_v4 = false;
  uint16_t port = 0;
  const unsigned char* v6 = nullptr;
  if (target.ss_family == AF_INET) {
    const auto& t = reinterpret_cast<const sockaddr_in&>(target);
    std::memcpy(v4, &t.sin_addr, 4);
    target_v4 = true;
    port = ntohs(t.sin_port);
  } else if (target.ss_family == AF_INET6) {
    const auto& t = reinterpret_cast<const sockaddr_in6&>(target);
    v6 = t.sin6_addr.s6_addr;
    port = ntohs(t.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&t.sin6_addr)) {
      std::memcpy(v4, v6 + 12, 4);
      target_v4 = true;
    }
  } else {
    return false;
  }
  if (socket.port != port) return false;
  if (socket.family == AF_INET) {
    return target_v4 && (all_zero(socket.addr, 4) || std::memcmp(socket.addr, v4, 4) == 0);
  }
  // A tcp6 wildcard listener takes IPv4 too unless it set IPV6_V6ONLY, which /proc/net/tcp6 does
  // not show: count it (the connection succeeded, so whoever took it was listening).
  if (all_zero(socket.addr, 16)) return true;
  if (target_v4) return is_v4_mapped(socket.addr, v4);
  return std::memcmp(socket.addr, v6, 16) == 0;
}

bool parse_socket_link(std::string_view link, uint64_t& inode) {
  constexpr std::string_view kPrefix = "socket:[";
  if (link.size() < kPrefix.size() + 2 || link.substr(0, kPrefix.size()) != kPrefix ||
      link.back() != ']') {
    return false;
  }
  return to_u64(link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1), inode);
}

bool parse_cpus_allowed(std::string_view status_text, std::vector<int>& cpus) {
  cpus.clear();
  constexpr std::string_view kKey = "Cpus_allowed_list:";
  Lines lines(status_text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.substr(0, kKey.size()) != kKey) continue;
    Fields f(line.substr(kKey.size()));
    std::string_view list;
    if (!f.next(list) || !parse_cpu_list(std::string(list), cpus)) return false;
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return true;
  }
  return false;
}

}  // namespace ringfire
