// ringfire-target's command line: loopback-only binding, ports, IPv6, --duration, the exact
// count at SIGTERM across threads, --help.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "target_client.hpp"

namespace {

using namespace ringfire::target_testing;

TEST(Target, RefusesNonLoopbackBind) {
  std::string error;
  auto process =
      Subprocess::start({RINGFIRE_TARGET_BIN, "--bind", "10.0.0.1", "--port", "0"}, &error);
  ASSERT_TRUE(process) << error;
  const ExitResult r = process->wait(5s);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "want one line, got: " << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

TEST(Target, ExplicitPortAlreadyInUseIsRefused) {
  Target first({});
  ASSERT_TRUE(first.ok());
  // SO_REUSEPORT must not let a second server quietly take half of the first one's connections.
  auto second = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--port", std::to_string(first.port()), "--duration", "5s"});
  ASSERT_TRUE(second);
  const ExitResult r = second->wait(5s);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
  EXPECT_EQ(first.stop_and_count(), 0u);
}

TEST(Target, ListensOnIpv6Loopback) {
  auto process = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--bind", "::1", "--port", "0", "--quiet", "--duration", "10s"});
  ASSERT_TRUE(process);
  auto line = process->read_line(kIoTimeout);
  if (!line || line->rfind("listening on [::1]:", 0) != 0) {
    process->stop(SIGKILL);
    GTEST_SKIP() << "no IPv6 loopback here: " << line.value_or("<nothing>");
  }
  const auto port = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  address.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(send(fd, kGet.data(), kGet.size(), MSG_NOSIGNAL), static_cast<ssize_t>(kGet.size()));
  char buffer[256];
  const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  close(fd);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, 15), "HTTP/1.1 200 OK");
  const ExitResult r = process->stop(SIGTERM);
  ASSERT_FALSE(r.out_lines().empty());
  EXPECT_EQ(r.out_lines().back(), "requests: 1");
}

TEST(Target, DurationEndsTheServer) {
  std::string error;
  auto process = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--port", "0", "--duration", "300ms", "--quiet"}, &error);
  ASSERT_TRUE(process) << error;
  const auto t0 = Clock::now();
  const ExitResult r = process->wait(5s);
  EXPECT_GE(ms_since(t0), 200.0);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0);
  const auto lines = r.out_lines();
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[1], "connections: 0");
  EXPECT_EQ(lines[2], "requests_read: 0");
  EXPECT_EQ(lines[3], "responses: 0");
  EXPECT_EQ(lines[4], "request_body_bytes: 0");
  EXPECT_EQ(lines[5], "requests: 0");
}

TEST(Target, SigtermCountIsExactAcrossThreads) {
  Target target({"--threads", "2"});
  ASSERT_TRUE(target.ok());
  uint64_t sent = 0;
  {
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 16; ++i) clients.push_back(std::make_unique<Client>(target.port()));
    for (int round = 0; round < 5; ++round) {
      for (size_t i = 0; i < clients.size(); ++i) {
        const int depth = 1 + static_cast<int>(i % 4);  // 1..4 pipelined per write
        std::string batch;
        for (int k = 0; k < depth; ++k) batch += kGet;
        clients[i]->send_all(batch);
        for (int k = 0; k < depth; ++k) ASSERT_TRUE(clients[i]->read_response());
        sent += static_cast<uint64_t>(depth);
      }
    }
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), sent);
  EXPECT_EQ(connections, 16u);
}

// Requests the server has not framed yet (its response queue is full because the client reads
// nothing) are in the kernel or in the server's buffer at stop: they count as read all the same.
TEST(Target, RequestsNotYetFramedAtStopCountAsRead) {
  Target target({"--body-size", "1MiB", "--threads", "2"});
  ASSERT_TRUE(target.ok());
  Client client(target.port());
  std::string batch;
  for (int i = 0; i < 2000; ++i) batch += kGet;
  client.send_all(batch);
  std::this_thread::sleep_for(100ms);  // let the server fill its queue and stop reading
  const Counts counts = target.stop_and_counts();
  EXPECT_EQ(counts.requests_read, 2000u);
  EXPECT_LT(counts.responses, 200u);  // 2 GB of answers cannot have left: it was back-pressured
  EXPECT_EQ(counts.connections, 1u);
}

TEST(Target, HelpExitsZero) {
  auto process = Subprocess::start({RINGFIRE_TARGET_BIN, "--help"});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(5s);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--close-every"), std::string::npos);
  EXPECT_NE(r.out.find("shut-write-after-response"), std::string::npos);
}

}  // namespace
