// The local-port check's two sources of the kernel's sockets agree (sock_diag, filtered in the
// kernel, and /proc/net/tcp read as text), TIME_WAIT included; and because sock_diag is cheap the
// check now runs for every run, so ports held toward the destination by others (or by earlier
// runs' TIME_WAIT) stop a run before it starts even when it needs less than half the range.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "../../src/net/sock_diag.hpp"
#include "harness.hpp"
#include "netns.hpp"
#include "ringfire/net/local_ports.hpp"

namespace ringfire::testing {
namespace {

// `n` connected sockets to `port` on `family`'s loopback; the caller closes them.
std::vector<int> open_connections(int family, uint16_t port, int n) {
  std::vector<int> fds;
  for (int i = 0; i < n; ++i) {
    const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage a{};
    socklen_t len = 0;
    if (family == AF_INET) {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&a);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(port);
      v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof(*v4);
    } else {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&a);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(port);
      v6->sin6_addr = in6addr_loopback;
      len = sizeof(*v6);
    }
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&a), len) != 0) {
      if (fd >= 0) ::close(fd);
      break;
    }
    fds.push_back(fd);
  }
  return fds;
}

Endpoint loopback_v4(uint16_t port) {
  Endpoint e;
  auto* a = reinterpret_cast<sockaddr_in*>(&e.addr);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  e.len = sizeof(*a);
  return e;
}

// Why sock_diag cannot be asked here (a kernel without inet_diag, a seccomp filter), or "".
std::string why_no_sock_diag() {
  PortUse use = reserved_port_use(PortRange{}, "");
  std::string why;
  return diag_port_use(loopback_v4(1), use, why) ? "" : why;
}

std::vector<uint16_t> sorted_ports(const PortUse& use, const std::string& source) {
  const auto it = use.toward.find(source);
  if (it == use.toward.end()) return {};
  std::vector<uint16_t> ports = it->second;
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  return ports;
}

// In a private namespace, so no other test's sockets come and go between the two reads. Of the
// 20 closed, a few (0-5 of 20 seen) leave no TIME_WAIT socket here, in both tables alike: the
// subject is that the two tables agree, closed-but-held ports included.
TEST(PortUse, SockDiagAgreesWithProcNetTcpTimeWaitIncluded) {
  PrivateNetns netns;
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server;
  ASSERT_TRUE(server.ok());
  std::vector<int> fds = open_connections(AF_INET, server.port(), 60);
  ASSERT_EQ(fds.size(), 60u);
  // The client closes 20 first: those sockets sit in TIME_WAIT on this side, ports still held.
  for (int i = 0; i < 20; ++i) ::close(fds[static_cast<size_t>(i)]);
  usleep(50'000);
  const Endpoint destination = loopback_v4(server.port());
  PortRange range;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> range.first >> range.last;
  PortUse diag = reserved_port_use(range, "");
  std::string why;
  if (!diag_port_use(destination, diag, why)) GTEST_SKIP() << why;
  std::stringstream proc;
  proc << std::ifstream("/proc/net/tcp").rdbuf();
  const PortUse text = read_port_use(range, destination, {proc.str()}, "");
  const std::string source = proc_address(loopback_v4(0));
  const std::vector<uint16_t> from_diag = sorted_ports(diag, source);
  EXPECT_GE(from_diag.size(), 40u);  // the 40 still open (none but ours: the port is the target's)
  EXPECT_GT(from_diag.size(), 40u);  // and some of the closed ones, still holding their ports
  EXPECT_EQ(from_diag, sorted_ports(text, source));
  // The target's listener is in the range (it bound port 0) and both see it.
  if (server.port() >= range.first && server.port() <= range.last) {
    EXPECT_EQ(diag.everywhere[server.port()], 1);
    EXPECT_EQ(text.everywhere[server.port()], 1);
  }
  for (size_t i = 20; i < fds.size(); ++i) ::close(fds[i]);
}

// 1,000 local ports in a private namespace, 700 held toward the target by this test: a run of
// 400 connections (less than half the range, which the check used to skip) fails before it starts
// with the port message, instead of failing 100 connects with EADDRNOTAVAIL.
TEST(PortUse, PortsHeldTowardTheDestinationStopTheRunBeforeItStarts) {
  PrivateNetns netns("40000 40999");
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  if (const std::string why = why_no_sock_diag(); !why.empty()) GTEST_SKIP() << why;
  TargetServer server({"--bind", "::1"});  // IPv6: no 127.x sources for ringfire to add
  ASSERT_TRUE(server.ok());
  const std::vector<int> held = open_connections(AF_INET6, server.port(), 700);
  ASSERT_EQ(held.size(), 700u);
  const RingfireRun run = run_ringfire({"-c", "400", "-d", "1s", server.url("[::1]")});
  for (const int fd : held) ::close(fd);
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_NE(run.exit.err.find("need 400 local ports from ::1, but "), std::string::npos)
      << run.exit.err;
  EXPECT_NE(run.exit.err.find(" of ip_local_port_range 40000-40999 are free"), std::string::npos)
      << run.exit.err;
  EXPECT_EQ(std::count(run.exit.err.begin(), run.exit.err.end(), '\n'), 1) << run.exit.err;
}

}  // namespace
}  // namespace ringfire::testing
