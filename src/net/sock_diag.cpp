// The local-port check's view of the kernel's TCP sockets through NETLINK_SOCK_DIAG (inet_diag,
// Linux 3.3+): the listeners, and the sockets toward one destination, filtered in the kernel by
// an inet_diag bytecode, so the cost follows the sockets toward that destination, not every
// socket of the host. /proc/net/tcp prints every socket as text (about a second per 70,000 on a
// busy host), which is why the check used to run only for a source needing half the range.
#include "sock_diag.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

namespace ringfire {

namespace {

// TCP_LISTEN is 10 in the kernel's tcp_states.h; the uapi has the TCPF_* masks only from 6.x.
constexpr uint32_t kListenState = 10;
constexpr uint32_t kAllStates = 0x1FFE;  // TCP_ESTABLISHED (1) .. TCP_NEW_SYN_RECV (12)

// A one-instruction inet_diag program: accept a socket whose remote address and port are the
// destination's (D_COND compares the port too, in host order as the kernel's entry has it).
// Bytes, not a struct: inet_diag_hostcond ends in a flexible array.
struct DestinationFilter {
  unsigned char bytes[sizeof(inet_diag_bc_op) + sizeof(inet_diag_hostcond) + 16] = {};
  size_t len = 0;
};

DestinationFilter make_filter(const Endpoint& destination) {
  DestinationFilter f;
  const bool v4 = destination.addr.ss_family == AF_INET;
  const size_t addr_bytes = v4 ? 4 : 16;
  f.len = sizeof(inet_diag_bc_op) + sizeof(inet_diag_hostcond) + addr_bytes;
  inet_diag_bc_op op{};
  op.code = INET_DIAG_BC_D_COND;
  op.yes = static_cast<unsigned char>(f.len);      // to the end: accept
  op.no = static_cast<unsigned short>(f.len + 4);  // beyond it: reject
  inet_diag_hostcond cond{};
  cond.family = static_cast<uint8_t>(destination.addr.ss_family);
  cond.prefix_len = static_cast<uint8_t>(addr_bytes * 8);
  const void* addr = nullptr;
  if (v4) {
    const auto* a = reinterpret_cast<const sockaddr_in*>(&destination.addr);
    cond.port = ntohs(a->sin_port);
    addr = &a->sin_addr;
  } else {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&destination.addr);
    cond.port = ntohs(a->sin6_port);
    addr = &a->sin6_addr;
  }
  std::memcpy(f.bytes, &op, sizeof(op));
  std::memcpy(f.bytes + sizeof(op), &cond, sizeof(cond));
  std::memcpy(f.bytes + sizeof(op) + sizeof(cond), addr, addr_bytes);
  return f;
}

// One dump request: family, states, and an optional bytecode filter.
bool send_dump(int fd, int family, uint32_t states, const DestinationFilter* filter) {
  alignas(nlmsghdr) unsigned char message[NLMSG_SPACE(sizeof(inet_diag_req_v2)) + NLA_HDRLEN +
                                          sizeof(DestinationFilter::bytes) + 4] = {};
  auto* nlh = reinterpret_cast<nlmsghdr*>(message);
  auto* req = static_cast<inet_diag_req_v2*>(NLMSG_DATA(nlh));
  size_t len = NLMSG_SPACE(sizeof(inet_diag_req_v2));
  if (filter != nullptr) {
    auto* attr = reinterpret_cast<nlattr*>(message + len);
    attr->nla_type = INET_DIAG_REQ_BYTECODE;
    attr->nla_len = static_cast<uint16_t>(NLA_HDRLEN + filter->len);
    std::memcpy(message + len + NLA_HDRLEN, filter->bytes, filter->len);
    len += NLA_ALIGN(NLA_HDRLEN + filter->len);
  }
  nlh->nlmsg_len = static_cast<uint32_t>(len);
  nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
  nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req->sdiag_family = static_cast<uint8_t>(family);
  req->sdiag_protocol = IPPROTO_TCP;
  req->idiag_states = states;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  return ::sendto(fd, message, len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) ==
         static_cast<ssize_t>(len);
}

bool failed(int err, std::string& why) {
  why = std::string("sock_diag: ") + std::strerror(err);
  return false;
}

// Asks for one dump (send_dump) and reads its answers until NLMSG_DONE, calling `each` with every
// socket.
template <typename Each>
bool dump(int fd, int family, uint32_t states, const DestinationFilter* filter, std::string& why,
          Each each) {
  if (!send_dump(fd, family, states, filter)) return failed(errno, why);
  std::vector<char> buffer(size_t{64} << 10);
  while (true) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return failed(errno, why);
    }
    size_t left = static_cast<size_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, left);
         h = NLMSG_NEXT(h, left)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        return failed(-static_cast<const nlmsgerr*>(NLMSG_DATA(h))->error, why);
      }
      if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(inet_diag_msg))) {
        each(*static_cast<const inet_diag_msg*>(NLMSG_DATA(h)));
      }
    }
    if (n == 0) {
      why = "sock_diag: the dump ended early";
      return false;
    }
  }
}

class NetlinkSocket {
 public:
  NetlinkSocket() : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {}
  ~NetlinkSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

// The local address of a socket in proc_address() form (the key PortUse::toward uses).
std::string local_key(const inet_diag_msg& m) {
  Endpoint e;
  if (m.idiag_family == AF_INET) {
    auto* a = reinterpret_cast<sockaddr_in*>(&e.addr);
    a->sin_family = AF_INET;
    std::memcpy(&a->sin_addr, m.id.idiag_src, 4);
  } else {
    auto* a = reinterpret_cast<sockaddr_in6*>(&e.addr);
    a->sin6_family = AF_INET6;
    std::memcpy(&a->sin6_addr, m.id.idiag_src, 16);
  }
  return proc_address(e);
}

}  // namespace

bool diag_port_use(const Endpoint& destination, PortUse& use, std::string& why) {
  NetlinkSocket nl;
  if (nl.fd() < 0) return failed(errno, why);
  const PortRange& range = use.range;
  const auto in_range = [&range](uint32_t port) {
    return port >= range.first && port <= range.last;
  };
  // Listeners of either family: a port bound by one is skipped by every connect (one bind table).
  for (const int family : {AF_INET, AF_INET6}) {
    const bool ok =
        dump(nl.fd(), family, 1u << kListenState, nullptr, why, [&](const inet_diag_msg& m) {
          const uint32_t port = ntohs(m.id.idiag_sport);
          if (in_range(port)) use.everywhere[port] = 1;
        });
    if (!ok) return false;
  }
  // Sockets toward the destination, in any other state (TIME_WAIT included), filtered in the
  // kernel.
  const DestinationFilter filter = make_filter(destination);
  const bool ok = dump(nl.fd(), destination.addr.ss_family, kAllStates & ~(1u << kListenState),
                       &filter, why, [&](const inet_diag_msg& m) {
                         const uint32_t port = ntohs(m.id.idiag_sport);
                         if (in_range(port))
                           use.toward[local_key(m)].push_back(static_cast<uint16_t>(port));
                       });
  if (!ok) return false;
  use.everywhere_count =
      static_cast<uint32_t>(std::count(use.everywhere.begin(), use.everywhere.end(), 1));
  return true;
}

}  // namespace ringfire
