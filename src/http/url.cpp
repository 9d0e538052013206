#include "ringfire/http/url.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "ringfire/base/quote.hpp"

namespace ringfire {

namespace {

bool fail(UrlError& error, std::string message) {
  error.message = std::move(message);
  return false;
}

bool starts_with_nocase(const std::string& text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

bool is_ipv6(const std::string& text) {
  in6_addr probe{};
  return inet_pton(AF_INET6, text.c_str(), &probe) == 1;
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c));
  });
}

// What follows "http://" or "https://"; the scheme is case-insensitive (RFC 3986 section 3.1).
bool strip_scheme(const std::string& text, std::string& rest, bool& tls, UrlError& error) {
  if (starts_with_nocase(text, "http://")) {
    rest = text.substr(7);
    tls = false;
    return true;
  }
  if (starts_with_nocase(text, "https://")) {
    rest = text.substr(8);
    tls = true;
    return true;
  }
  if (const size_t sep = text.find("://"); sep != std::string::npos) {
    return fail(error, "unsupported scheme " + quote(text.substr(0, sep)) + " in " + quote(text) +
                           ": only http:// and https:// are supported");
  }
  return fail(error, "URL must start with http:// or https:// (got " + quote(text) + ")");
}

// A host name as getaddrinfo takes it, or an IPv4 literal: letters, digits, '-', '.', '_'.
bool check_host(const std::string& host, const std::string& text, UrlError& error) {
  if (host.empty()) return fail(error, "URL has no host: " + quote(text));
  for (const char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' && c != '_') {
      return fail(error, "bad host " + quote(host) + " in " + quote(text) + ": " +
                             quote(std::string(1, c)) +
                             " is not allowed in a host name (letters, digits, '-', '.', '_')");
    }
  }
  return true;
}

bool parse_port(const std::string& port_text, const std::string& text, uint16_t& port,
                UrlError& error) {
  if (port_text.empty()) {
    return fail(error,
                "empty port in " + quote(text) + " (leave the ':' out for the default port)");
  }
  if (!all_digits(port_text)) {
    return fail(error, "bad port " + quote(port_text) + " in " + quote(text) +
                           ": not a number (ports are 1-65535)");
  }
  const unsigned long value = port_text.size() > 5 ? 0 : std::stoul(port_text);
  if (value == 0 || value > 65535) {
    return fail(error, "port " + port_text + " in " + quote(text) + " is out of range (1-65535)");
  }
  port = static_cast<uint16_t>(value);
  return true;
}

struct Authority {
  std::string host;
  bool has_port = false;
  std::string port;
};

// "[v6]" or "[v6]:port".
bool split_bracketed(const std::string& authority, const std::string& text, Authority& out,
                     UrlError& error) {
  const size_t close = authority.find(']');
  if (close == std::string::npos) return fail(error, "unterminated IPv6 literal in " + quote(text));
  out.host = authority.substr(1, close - 1);
  const std::string after = authority.substr(close + 1);
  if (!after.empty()) {
    if (after[0] != ':') {
      return fail(error, "unexpected text after the IPv6 literal in " + quote(text));
    }
    out.port = after.substr(1);
    out.has_port = true;
  }
  if (!is_ipv6(out.host)) {
    return fail(error, "bad IPv6 literal " + quote(out.host) + " in " + quote(text));
  }
  return true;
}

// Two or more ':' outside brackets: most likely an IPv6 literal written bare. Says which URL to
// write instead, reading a trailing ":digits" as the port when what precedes it is an address
// ("::1:8080" is itself an address, but nobody means port 80 of it).
bool reject_bare_ipv6(const std::string& authority, const std::string& target,
                      const std::string& text, UrlError& error) {
  const size_t last = authority.rfind(':');
  const std::string before = authority.substr(0, last);
  std::string fixed;
  if (is_ipv6(before) && all_digits(authority.substr(last + 1))) {
    fixed = "[" + before + "]" + authority.substr(last);
  } else if (is_ipv6(authority)) {
    fixed = "[" + authority + "]";
  } else {
    return fail(error, "bad host in " + quote(text) +
                           ": a host has one ':' at most, before the port (an IPv6 address "
                           "goes in brackets, e.g. http://[::1]:8080/)");
  }
  return fail(error, "IPv6 address without brackets in " + quote(text) + ": write http://" + fixed +
                         target);
}

}  // namespace

bool parse_url(const std::string& text, Url& out, UrlError& error) {
  std::string rest;
  bool tls = false;
  if (!strip_scheme(text, rest, tls, error)) return false;
  const size_t slash = rest.find_first_of("/?#");
  const std::string authority = rest.substr(0, slash);
  std::string target = slash == std::string::npos ? "/" : rest.substr(slash);
  if (const size_t hash = target.find('#'); hash != std::string::npos) target.resize(hash);
  if (target.empty() || target[0] == '?') target.insert(0, "/");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return fail(error, "URL path contains a space or control character: " + quote(text));
    }
  }
  if (authority.find('@') != std::string::npos) {
    return fail(error, "credentials in the URL are not supported: " + quote(text));
  }
  Authority a;
  if (!authority.empty() && authority[0] == '[') {
    if (!split_bracketed(authority, text, a, error)) return false;
  } else if (std::count(authority.begin(), authority.end(), ':') > 1) {
    return reject_bare_ipv6(authority, target, text, error);
  } else {
    const size_t colon = authority.find(':');
    a.host = authority.substr(0, colon);
    a.has_port = colon != std::string::npos;
    if (a.has_port) a.port = authority.substr(colon + 1);
    if (!check_host(a.host, text, error)) return false;
  }
  uint16_t port = tls ? 443 : 80;
  if (a.has_port && !parse_port(a.port, text, port, error)) return false;
  out.host = a.host;
  out.port = port;
  out.tls = tls;
  out.target = target;
  const bool v6 = a.host.find(':') != std::string::npos;
  out.host_header = v6 ? "[" + a.host + "]" : a.host;
  if (port != (tls ? 443 : 80)) out.host_header += ":" + std::to_string(port);
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

Reach find_endpoint(const Url& url, std::chrono::nanoseconds timeout, Endpoint& out,
                    std::string& error) {
  std::vector<Endpoint> endpoints;
  if (!resolve(url, endpoints, error)) return Reach::kUnresolved;
  // Rounded up: a sub-millisecond --timeout must not become a poll() that does not wait.
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
      std::min<std::chrono::nanoseconds>(timeout, std::chrono::seconds(3)));
  const int index = first_reachable(endpoints, wait, error);
  if (index < 0) return Reach::kUnreachable;
  out = endpoints[static_cast<size_t>(index)];
  return Reach::kFound;
}

}  // namespace ringfire
