#include "ringfire/url.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ringfire {

namespace {

bool fail(UrlError& error, std::string message) {
  error.message = std::move(message);
  return false;
}

}  // namespace

bool parse_url(const std::string& text, Url& out, UrlError& error) {
  std::string rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    return fail(error, "https is not supported yet: use an http:// URL");
  } else if (text.find("://") != std::string::npos) {
    return fail(error, "unsupported URL scheme in '" + text + "': use http://");
  } else {
    return fail(error, "URL must start with http:// (got '" + text + "')");
  }
  const size_t slash = rest.find_first_of("/?#");
  std::string authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (const size_t hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  if (target.empty() || target[0] == '?') target.insert(0, "/");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return fail(error, "URL path contains a space or control character: '" + text + "'");
    }
  }
  if (authority.find('@') != std::string::npos) {
    return fail(error, "credentials in the URL are not supported: '" + text + "'");
  }
  std::string host;
  std::string port_text;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string::npos)
      return fail(error, "unterminated IPv6 literal in '" + text + "'");
    host = authority.substr(1, close - 1);
    const std::string after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':')
        return fail(error, "unexpected text after IPv6 literal in '" + text + "'");
      port_text = after.substr(1);
      has_port = true;
    }
    in6_addr probe{};
    if (inet_pton(AF_INET6, host.c_str(), &probe) != 1) {
      return fail(error, "bad IPv6 literal '" + host + "'");
    }
  } else {
    const size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string::npos) {
      port_text = authority.substr(colon + 1);
      has_port = true;
    }
  }
  if (host.empty()) return fail(error, "URL has no host: '" + text + "'");
  uint16_t port = 80;
  if (has_port) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (port_text.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
        value == 0 || value > 65535) {
      return fail(error, "bad port '" + port_text + "' in '" + text + "'");
    }
    port = static_cast<uint16_t>(value);
  }
  out.host = host;
  out.port = port;
  out.target = target;
  const bool v6 = host.find(':') != std::string::npos;
  out.host_header = v6 ? "[" + host + "]" : host;
  if (port != 80) out.host_header += ":" + std::to_string(port);
  return true;
}

std::string Endpoint::text() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
    inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof(buf));
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(a->sin6_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
  inet_ntop(AF_INET, &a->sin_addr, buf, sizeof(buf));
  return std::string(buf) + ":" + std::to_string(ntohs(a->sin_port));
}

bool resolve(const Url& url, std::vector<Endpoint>& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_ADDRCONFIG;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(url.port);
  int rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) {
    // AI_ADDRCONFIG hides loopback-only families on hosts without a non-loopback address.
    hints.ai_flags = 0;
    rc = getaddrinfo(url.host.c_str(), port.c_str(), &hints, &list);
  }
  if (rc != 0) {
    error = "cannot resolve '" + url.host + "': " + gai_strerror(rc);
    return false;
  }
  out.clear();
  for (addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    Endpoint e;
    std::memcpy(&e.addr, ai->ai_addr, ai->ai_addrlen);
    e.len = ai->ai_addrlen;
    bool duplicate = false;
    for (const Endpoint& seen : out) {
      duplicate |= seen.len == e.len && std::memcmp(&seen.addr, &e.addr, e.len) == 0;
    }
    if (!duplicate) out.push_back(e);
  }
  freeaddrinfo(list);
  if (out.empty()) {
    error = "cannot resolve '" + url.host + "': no addresses";
    return false;
  }
  return true;
}

namespace {

// One blocking connect bounded by `timeout`. Returns 0 or an errno value.
int try_connect(const Endpoint& e, std::chrono::milliseconds timeout) {
  const int fd = socket(e.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, reinterpret_cast<const sockaddr*>(&e.addr), e.len) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int n = poll(&p, 1, static_cast<int>(timeout.count()));
      if (n == 0) {
        err = ETIMEDOUT;
      } else if (n < 0) {
        err = errno;
      } else {
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  close(fd);
  return err;
}

}  // namespace

int first_reachable(const std::vector<Endpoint>& endpoints, std::chrono::milliseconds timeout,
                    std::string& error) {
  std::string tried;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    const int err = try_connect(endpoints[i], timeout);
    if (err == 0) return static_cast<int>(i);
    if (!tried.empty()) tried += ", ";
    tried += endpoints[i].text() + " (" + std::strerror(err) + ")";
  }
  error = "cannot connect to " + tried;
  return -1;
}

}  // namespace ringfire
