// Target URL: parse `http[s]://host[:port]/path?query`, resolve the host once, and pick the first
// address that accepts a TCP connection.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace ringfire {

struct Url {
  std::string host;         // as written, without brackets for IPv6 literals
  uint16_t port = 80;       // 443 for https:// unless given
  bool tls = false;         // https://
  std::string target;       // origin-form request target: "/path?query" ("/" when empty)
  std::string host_header;  // value of the Host header ("host" or "host:port", "[v6]:port")
};

// Parses an http:// or https:// URL (the scheme in any case). On failure `error` says what is
// wrong in one line (no trailing newline): another or no scheme, an IPv6
// literal without brackets (with the bracketed URL to write instead), an empty host, a host
// holding anything but letters, digits, '-', '.' and '_', a port that is not 1-65535, user
// credentials, or a space or control character in the path. Nothing is resolved or connected.
struct UrlError {
  std::string message;
};
bool parse_url(const std::string& text, Url& out, UrlError& error);

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string text() const;  // "127.0.0.1:8080" or "[::1]:8080"
};

// Resolves url.host with getaddrinfo (all addresses, in the resolver's order). On failure, `error`
// holds a one-line reason ("cannot resolve 'x': Name or service not known").
bool resolve(const Url& url, std::vector<Endpoint>& out, std::string& error);

// Tries each endpoint in order with a blocking connect bounded by `timeout`; returns the index of
// the first that accepts, or -1 with `error` naming every address tried and its errno text. This is
// why `localhost` works when the server listens on 127.0.0.1 only and the name resolves to ::1
// first.
int first_reachable(const std::vector<Endpoint>& endpoints, std::chrono::milliseconds timeout,
                    std::string& error);

enum class Reach : uint8_t {
  kFound,
  kUnresolved,   // the name did not resolve
  kUnreachable,  // no address accepted a connection
};

// The address a run uses: resolve() once, then first_reachable(), each connect waiting the
// request timeout but never more than 3 s (a silent address must not hold the start up).
// Otherwise `error` holds the one-line reason of the step that failed.
Reach find_endpoint(const Url& url, std::chrono::nanoseconds timeout, Endpoint& out,
                    std::string& error);

}  // namespace ringfire
