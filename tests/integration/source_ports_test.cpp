// Local ports, end to end, in a private network namespace this test makes (root only; skipped
// otherwise) with ip_local_port_range narrowed to 1,000 ports: 3,000 connections to one
// destination fail before the run with the port message; spread over 4 --source-ip addresses
// they all connect and every request completes, as the server counts (ringfire-target's exit
// lines, and nginx's access log); and to 127.0.0.1 without
// --source-ip, ringfire adds loopback sources itself and says so.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "harness.hpp"
#include "netns.hpp"

namespace ringfire::testing {
namespace {

constexpr int kConnections = 3000;
constexpr int kRequests = 3 * kConnections;

uint64_t total(const nlohmann::json& result, const char* key) {
  return result.at("totals").at(key).get<uint64_t>();
}

// Every connection and request of a -n run that had enough ports, against the server's count.
void expect_all_served(const RingfireRun& run, TargetServer& server) {
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  EXPECT_EQ(run.result.at("totals").at("errors").at("connect").get<uint64_t>(), 0u);
  EXPECT_EQ(total(run.result, "connects"), uint64_t{kConnections});
  EXPECT_EQ(total(run.result, "completed"), uint64_t{kRequests});
  EXPECT_EQ(total(run.result, "failed"), 0u);
  std::map<std::string, int64_t> counts = server.stop_and_counts();
  EXPECT_EQ(counts["requests"], kRequests);
  EXPECT_EQ(counts["connections"], kConnections + 1);  // and ringfire's reachability probe
}

TEST(SourcePorts, TooFewLocalPortsFailBeforeTheRun) {
  PrivateNetns netns("40000 40999");
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server({"--bind", "::1"});  // IPv6: no 127.x sources to add by itself
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", std::to_string(kConnections), "-d", "1s", server.url("[::1]")});
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  const std::string want = "ringfire: 3000 connections to [::1]:" + std::to_string(server.port()) +
                           " need 3000 local ports from ::1, but ";
  EXPECT_EQ(run.exit.err.rfind(want, 0), 0u) << run.exit.err;
  EXPECT_NE(run.exit.err.find(" of ip_local_port_range 40000-40999 are free"), std::string::npos)
      << run.exit.err;
  EXPECT_NE(run.exit.err.find("--source-ip"), std::string::npos) << run.exit.err;
  EXPECT_EQ(std::count(run.exit.err.begin(), run.exit.err.end(), '\n'), 1) << run.exit.err;
  EXPECT_EQ(server.stop_and_counts()["requests"], 0);
}

TEST(SourcePorts, FourSourceAddressesCarryThreeThousandConnections) {
  PrivateNetns netns("40000 40999");
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", std::to_string(kConnections), "-n", std::to_string(kRequests),
                    "--source-ip", "127.0.0.2-127.0.0.5", server.url()});
  EXPECT_EQ(run.exit.err.find("using source addresses"), std::string::npos) << run.exit.err;
  expect_all_served(run, server);
}

// The same against nginx, whose own access log is the count.
TEST(SourcePorts, FourSourceAddressesToNginxAsItsLogCounts) {
  PrivateNetns netns("40000 40999");
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  NginxServer nginx;
  if (!nginx.ok()) GTEST_SKIP() << nginx.skip_reason();
  const RingfireRun run =
      run_ringfire({"-c", std::to_string(kConnections), "-n", std::to_string(kRequests),
                    "--source-ip", "127.0.0.2-127.0.0.5", nginx.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(run.result.at("totals").at("errors").at("connect").get<uint64_t>(), 0u);
  EXPECT_EQ(total(run.result, "connects"), uint64_t{kConnections});
  EXPECT_EQ(total(run.result, "completed"), uint64_t{kRequests});
  // nginx logs a request once its response is out: wait (bounded) for the count.
  int64_t lines = 0;
  for (int i = 0; i < 40 && (lines = nginx.access_log_lines()) < kRequests; ++i) usleep(50'000);
  EXPECT_EQ(lines, kRequests);
}

TEST(SourcePorts, LoopbackSourcesAreAddedAndSaid) {
  PrivateNetns netns("40000 40999");
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire(
      {"-c", std::to_string(kConnections), "-n", std::to_string(kRequests), server.url()});
  EXPECT_NE(run.exit.err.find("ringfire: 3000 connections to 127.0.0.1:" +
                              std::to_string(server.port()) + " need more than the "),
            std::string::npos)
      << run.exit.err;
  EXPECT_NE(run.exit.err.find(" free local ports of ip_local_port_range 40000-40999: using source "
                              "addresses 127.0.0.1-127.0.0."),
            std::string::npos)
      << run.exit.err;
  expect_all_served(run, server);
}

TEST(SourcePorts, NonLocalSourceIsRefusedInOneLine) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  // 192.0.2.1 (TEST-NET-1, RFC 5737) is never an address of this machine; nothing is sent.
  const RingfireRun run =
      run_ringfire({"-c", "2", "-d", "1s", "--source-ip", "192.0.2.1", server.url()});
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_EQ(run.exit.err,
            "ringfire: --source-ip 192.0.2.1 is not an address of this machine (bind: "
            "EADDRNOTAVAIL); see ip -br addr\n");
}

}  // namespace
}  // namespace ringfire::testing
