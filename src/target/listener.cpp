#include "listener.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ringfire::target {
namespace {

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// A loopback literal (already validated) into a socket address.
bool make_address(const std::string& host, uint16_t port, sockaddr_storage& out, socklen_t& len) {
  out = sockaddr_storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

}  // namespace

// One listener per worker, all on the same port: SO_REUSEPORT lets the kernel spread incoming
// connections over them by 4-tuple hash, so no ring ever accepts for another and no lock or
// wake-up is shared (one listener with a multishot accept per ring would wake every ring).
int open_listener(const std::string& host, uint16_t port, std::string& error, int backlog) {
  sockaddr_storage address{};
  socklen_t address_len = 0;
  if (!make_address(host, port, address, address_len)) {
    error = "cannot parse bind address " + host;
    return -1;
  }
  const int fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_text("socket");
    return -1;
  }
  const int one = 1;
  // TCP_NODELAY is inherited by accepted sockets: a response must not wait for the ACK of the
  // previous one (Nagle), which would add delayed-ACK stalls to pipelined and delayed responses.
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    error = errno_text("setsockopt");
    close(fd);
    return -1;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), address_len) != 0) {
    error = errno_text(("bind " + host + ":" + std::to_string(port)).c_str());
    close(fd);
    return -1;
  }
  if (listen(fd, backlog) != 0) {
    error = errno_text("listen");
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t len = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) return 0;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
}

bool port_is_free(const std::string& host, uint16_t port, std::string& error) {
  sockaddr_storage address{};
  socklen_t address_len = 0;
  if (!make_address(host, port, address, address_len)) return true;  // reported later
  const int fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // TIME_WAIT is no conflict
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), address_len) == 0;
  if (!free) error = errno_text(("bind " + host + ":" + std::to_string(port)).c_str());
  close(fd);
  return free;
}

}  // namespace ringfire::target
