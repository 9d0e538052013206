// Which interface traffic to the target leaves by, and how fast that interface is.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <sched.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <vector>

#include "ringfire/machine/sysmon.hpp"
#include "sysmon_text.hpp"

namespace ringfire {

using sysmon_text::Fields;
using sysmon_text::Lines;
using sysmon_text::to_i64;
using sysmon_text::to_u64;

namespace {

// A route is usable when it is up and not a "reject" (unreachable/prohibit) route: Linux lists
// an unreachable ::/0 on lo in ipv6_route, which must not win over nothing.
bool usable_route(uint64_t flags) {
  return (flags & RTF_UP) && !(flags & RTF_REJECT);
}

struct Best {
  int prefix = -1;
  uint64_t metric = 0;
  std::string_view iface;
  void offer(int p, uint64_t m, std::string_view name) {
    if (p > prefix || (p == prefix && m < metric)) {
      prefix = p;
      metric = m;
      iface = name;
    }
  }
};

bool parse_hex16(std::string_view hex, unsigned char (&out)[16]) {
  if (hex.size() != 32) return false;
  for (size_t i = 0; i < 16; ++i) {
    uint64_t byte = 0;
    if (!to_u64(hex.substr(2 * i, 2), byte, 16)) return false;
    out[i] = static_cast<unsigned char>(byte);
  }
  return true;
}

bool prefix_matches(const unsigned char* a, const unsigned char* b, int bits) {
  int full = bits / 8;
  if (std::memcmp(a, b, static_cast<size_t>(full)) != 0) return false;
  int rest = bits % 8;
  if (rest == 0) return true;
  auto mask = static_cast<unsigned char>(0xFF << (8 - rest));
  return (a[full] & mask) == (b[full] & mask);
}

bool is_own_address(const sockaddr_storage& target) {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return false;
  bool own = false;
  for (ifaddrs* ifa = list; ifa != nullptr && !own; ifa = ifa->ifa_next) {
    if (ifa->ifa_addr == nullptr || ifa->ifa_addr->sa_family != target.ss_family) continue;
    if (target.ss_family == AF_INET) {
      auto* a = reinterpret_cast<const sockaddr_in*>(ifa->ifa_addr);
      auto* t = reinterpret_cast<const sockaddr_in*>(&target);
      own = a->sin_addr.s_addr == t->sin_addr.s_addr;
    } else if (target.ss_family == AF_INET6) {
      auto* a = reinterpret_cast<const sockaddr_in6*>(ifa->ifa_addr);
      auto* t = reinterpret_cast<const sockaddr_in6*>(&target);
      own = std::memcmp(&a->sin6_addr, &t->sin6_addr, sizeof(in6_addr)) == 0;
    }
  }
  ::freeifaddrs(list);
  return own;
}

}  // namespace

std::string route_interface_v4(std::string_view route_text, const void* in_addr4) {
  // Destination and Mask are printed with %08X from the address's in-memory (network order)
  // bytes read as a host integer, so compare them with s_addr read the same way: no byte swap.
  uint32_t target = 0;
  std::memcpy(&target, in_addr4, sizeof(target));
  Best best;
  Lines lines(route_text);
  std::string_view line;
  while (lines.next(line)) {
    Fields f(line);
    std::string_view iface, dest, gateway, flags, refcnt, use, metric, mask;
    if (!f.next(iface) || !f.next(dest) || !f.next(gateway) || !f.next(flags) || !f.next(refcnt) ||
        !f.next(use) || !f.next(metric) || !f.next(mask)) {
      continue;
    }
    uint64_t d = 0, m = 0, fl = 0, met = 0;
    if (!to_u64(dest, d, 16) || !to_u64(mask, m, 16) || !to_u64(flags, fl, 16) ||
        !to_u64(metric, met)) {
      continue;  // the header line
    }
    if (!usable_route(fl)) continue;
    auto dest32 = static_cast<uint32_t>(d), mask32 = static_cast<uint32_t>(m);
    if ((target & mask32) != dest32) continue;
    best.offer(std::popcount(mask32), met, iface);
  }
  return std::string(best.iface);
}

std::string route_interface_v6(std::string_view ipv6_route_text, const void* in6_addr16) {
  const auto* target = static_cast<const unsigned char*>(in6_addr16);
  Best best;
  Lines lines(ipv6_route_text);
  std::string_view line;
  while (lines.next(line)) {
    Fields f(line);
    std::string_view dest, plen, src, splen, next_hop, metric, refcnt, use, flags, iface;
    if (!f.next(dest) || !f.next(plen) || !f.next(src) || !f.next(splen) || !f.next(next_hop) ||
        !f.next(metric) || !f.next(refcnt) || !f.next(use) || !f.next(flags) || !f.next(iface)) {
      continue;
    }
    unsigned char d[16];
    uint64_t p = 0, sp = 0, met = 0, fl = 0;
    if (!parse_hex16(dest, d) || !to_u64(plen, p, 16) || !to_u64(splen, sp, 16) ||
        !to_u64(metric, met, 16) || !to_u64(flags, fl, 16) || p > 128) {
      continue;
    }
    // Source-specific routes depend on the source address we do not know yet: skip them.
    if (sp != 0 || !usable_route(fl)) continue;
    if (!prefix_matches(target, d, static_cast<int>(p))) continue;
    best.offer(static_cast<int>(p), met, iface);
  }
  return std::string(best.iface);
}

int64_t parse_speed_mbps(std::string_view text) {
  Fields f(text);
  std::string_view v;
  int64_t mbps = 0;
  if (!f.next(v) || !to_i64(v, mbps) || mbps <= 0) return -1;
  return mbps;
}

std::string interface_for(const sockaddr_storage& target) {
  std::string text;
  if (target.ss_family == AF_INET) {
    const auto& a = reinterpret_cast<const sockaddr_in&>(target).sin_addr;
    if ((ntohl(a.s_addr) >> 24) == 127) return "lo";
    if (is_own_address(target)) return "lo";
    if (!sysmon_text::read_small_file("/proc/net/route", text)) return {};
    return route_interface_v4(text, &a);
  }
  if (target.ss_family == AF_INET6) {
    const auto& a = reinterpret_cast<const sockaddr_in6&>(target).sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return "lo";
    if (IN6_IS_ADDR_V4MAPPED(&a)) {
      sockaddr_storage v4{};
      auto& s4 = reinterpret_cast<sockaddr_in&>(v4);
      s4.sin_family = AF_INET;
      std::memcpy(&s4.sin_addr, a.s6_addr + 12, 4);
      return interface_for(v4);
    }
    if (is_own_address(target)) return "lo";
    if (!sysmon_text::read_small_file("/proc/net/ipv6_route", text)) return {};
    return route_interface_v6(text, &a);
  }
  return {};
}

int64_t read_line_rate_mbps(const std::string& iface) {
  // An interface name never holds '/'; refuse one that would walk out of /sys/class/net.
  if (iface.empty() || iface.find('/') != std::string::npos || iface == "." || iface == "..") {
    return -1;
  }
  std::string path = "/sys/class/net/" + iface + "/speed";
  std::string text;
  // Virtual and down interfaces fail the read with EINVAL: unknown, like "-1".
  if (!sysmon_text::read_small_file(path.c_str(), text)) return -1;
  return parse_speed_mbps(text);
}

double usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  double cpus = 1;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) cpus = CPU_COUNT(&set);
  // A cgroup quota (containers, systemd CPUQuota=) limits us below the affinity mask; every
  // ancestor's applies, and find_cgroup_cpu() keeps the smallest along the path.
  const double quota = find_cgroup_cpu().quota_cpus;
  return quota > 0 ? std::min(cpus, quota) : cpus;
}

}  // namespace ringfire
