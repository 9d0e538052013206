#include "ringfire/net/source_addresses.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>

#include "ringfire/base/quote.hpp"

namespace ringfire {

namespace {

Endpoint ipv4(uint32_t host_order) {
  Endpoint e;
  auto* a = reinterpret_cast<sockaddr_in*>(&e.addr);
  a->sin_family = AF_INET;
  a->sin_addr.s_addr = htonl(host_order);
  e.len = sizeof(sockaddr_in);
  return e;
}

bool parse_ipv4(const std::string& text, uint32_t& out) {
  in_addr a{};
  if (inet_pton(AF_INET, text.c_str(), &a) != 1) return false;
  out = ntohl(a.s_addr);
  return true;
}

bool parse_ipv6(const std::string& text, Endpoint& out) {
  auto* a = reinterpret_cast<sockaddr_in6*>(&out.addr);
  if (inet_pton(AF_INET6, text.c_str(), &a->sin6_addr) != 1) return false;
  a->sin6_family = AF_INET6;
  out.len = sizeof(sockaddr_in6);
  return true;
}

// Appends the IPv4 addresses first..last; false when that would pass kMaxSourceAddresses.
bool append_range(uint32_t first, uint32_t last, std::vector<Endpoint>& out) {
  if (uint64_t{last} - first + 1 + out.size() > kMaxSourceAddresses) return false;
  for (uint64_t a = first; a <= last; ++a) out.push_back(ipv4(static_cast<uint32_t>(a)));
  return true;
}

// One item of the list: an address, a range or a CIDR block. "" or why it is bad.
std::string parse_item(const std::string& item, std::vector<Endpoint>& out) {
  const std::string bad = "bad --source-ip " + quote(item);
  const size_t dash = item.find('-');
  const size_t slash = item.find('/');
  uint32_t first = 0, last = 0;
  if (dash != std::string::npos) {
    if (!parse_ipv4(item.substr(0, dash), first) || !parse_ipv4(item.substr(dash + 1), last)) {
      return bad + " (a range is two IPv4 addresses: 10.0.0.5-10.0.0.8)";
    }
    if (last < first) return bad + ": the range ends before it starts";
  } else if (slash != std::string::npos) {
    unsigned bits = 0;
    const char* p = item.data() + slash + 1;
    const char* end = item.data() + item.size();
    const auto r = std::from_chars(p, end, bits);
    if (!parse_ipv4(item.substr(0, slash), first) || r.ec != std::errc() || r.ptr != end ||
        p == end || bits > 32) {
      return bad + " (a block is IPv4/bits: 127.0.1.0/24)";
    }
    const uint32_t host_mask = bits == 0 ? UINT32_MAX : (uint32_t{1} << (32 - bits)) - 1;
    if ((first & host_mask) != 0) return bad + ": host bits set (the block starts elsewhere)";
    last = first | host_mask;
  } else {
    Endpoint six;
    if (parse_ipv4(item, first)) {
      last = first;
    } else if (parse_ipv6(item, six)) {
      if (out.size() + 1 > kMaxSourceAddresses) return "--source-ip names too many addresses";
      out.push_back(six);
      return {};
    } else {
      return bad + " (expected an address, a range or a CIDR block)";
    }
  }
  if (!append_range(first, last, out)) {
    return "--source-ip names more than " + std::to_string(kMaxSourceAddresses) + " addresses";
  }
  return {};
}

}  // namespace

bool parse_source_list(const std::string& text, std::vector<Endpoint>& out, std::string& error) {
  out.clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    error = parse_item(text.substr(start, comma - start), out);
    if (!error.empty()) return false;
    start = comma + 1;
  }
  return true;
}

std::string address_text(const Endpoint& source) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (source.addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&source.addr)->sin_addr, buf,
              sizeof(buf));
  } else {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&source.addr)->sin6_addr, buf,
              sizeof(buf));
  }
  return buf;
}

int bind_source(int fd, const Endpoint& source) {
  const int one = 1;
  // Without it, bind() would pick the port at once, among ports free for every destination.
  setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&source.addr), source.len) != 0) return errno;
  return 0;
}

std::string check_sources(const std::vector<Endpoint>& sources, const Endpoint& destination) {
  for (const Endpoint& s : sources) {
    if (s.addr.ss_family != destination.addr.ss_family) {
      return "--source-ip " + address_text(s) + " is not of the same family as " +
             destination.text() + " (IPv4 and IPv6 do not mix)";
    }
    const int fd = ::socket(s.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::string("cannot check --source-ip: socket: ") + std::strerror(errno);
    const int err = bind_source(fd, s);
    ::close(fd);
    if (err == EADDRNOTAVAIL) {
      return "--source-ip " + address_text(s) +
             " is not an address of this machine (bind: EADDRNOTAVAIL); see ip -br addr";
    }
    if (err != 0) {
      return "--source-ip " + address_text(s) + ": bind: " + std::strerror(err);
    }
  }
  return {};
}

}  // namespace ringfire
