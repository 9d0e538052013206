// --connect-rate and --keepalive-requests, end to end against ringfire-target. The pacing test
// runs in a private network namespace (root only; skipped otherwise) so that the listen-queue
// counters it reads are this test's alone.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "netns.hpp"

namespace ringfire::testing {
namespace {

// 4,000 connections at 2,000/s: no second of the series opens more than the rate (+5%), the
// last opens no sooner than 2 s after the start (the pacing; how much later depends on the
// machine, so it is not bounded above), the server accepted every one, and no SYN overflowed
// its listen queue. Light open-loop traffic keeps the CPUs for the connects.
TEST(ConnectPacing, ConnectionsOpenAtTheRate) {
  PrivateNetns netns;
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server;
  ASSERT_TRUE(server.ok());
  constexpr uint64_t kConnections = 4000;
  constexpr double kRate = 2000;
  const RingfireRun run = run_ringfire({"-c", std::to_string(kConnections), "--connect-rate",
                                        "2000", "-R", "500", "-d", "3s", server.url()});
  ASSERT_TRUE(run.result.is_object()) << run.exit.err;
  const nlohmann::json& series = run.result.at("timeseries");
  ASSERT_GE(series.size(), 3u);
  // A connect counts in the second its completion is reaped: a worker the machine kept waiting
  // reaps some of one second's connects in the next. That moves connects across a boundary but
  // never makes more, so a second above the bound must be made up by the one before it (the
  // first second has none before it: held to the bound).
  uint64_t connects = 0, before = 0;
  for (const nlohmann::json& s : series) {
    const double n = static_cast<double>(u(s, "connects"));
    if (n > kRate * 1.05) {
      EXPECT_NE(&s, &series.front()) << s.dump();
      EXPECT_LE(n + static_cast<double>(before), 2 * kRate * 1.05) << s.dump();
    }
    before = u(s, "connects");
    connects += before;
  }
  const nlohmann::json& totals = run.result.at("totals");
  EXPECT_EQ(connects, u(totals, "connects"));  // the series adds up to the total
  EXPECT_EQ(u(totals, "connects"), kConnections);
  EXPECT_EQ(totals.at("errors").at("connect").get<uint64_t>(), 0u);
  const nlohmann::json& c = run.result.at("connections");
  EXPECT_EQ(u(c, "peak_open"), kConnections);
  ASSERT_TRUE(c.at("opening_s").is_number()) << c.dump();
  // The last of 4,000 slots at 2,000/s is 1.9995 s after the first.
  EXPECT_GE(c.at("opening_s").get<double>(), 1.99);
  EXPECT_EQ(run.result.at("connect_latency_ns").at("count").get<uint64_t>(), kConnections);
  const nlohmann::json& overflows =
      run.result.at("verdict").at("evidence").at("host_listen_overflows");
  if (overflows.is_number()) {
    EXPECT_EQ(overflows.get<uint64_t>(), 0u);
  }
  std::map<std::string, int64_t> counts = server.stop_and_counts();
  EXPECT_EQ(counts["connections"], static_cast<int64_t>(kConnections) + 1);  // and the probe
}

// The other side of the pacing: without --connect-rate, 2,000 connections opening at once
// against a server whose accept queue holds 8 overflow it (SYNs dropped, retried later), and the
// report says so: the verdict's evidence counts the overflows and a flag names them. Each
// connection reopens after every response (--keepalive-requests 1), so the storm lasts the whole
// measured window rather than only its first milliseconds, which the first machine sample may
// miss. In a private namespace, so the host-wide counter is this test's alone.
TEST(ConnectPacing, WithoutItASmallBacklogOverflowsAndTheReportSaysSo) {
  PrivateNetns netns;
  if (!netns.why_not().empty()) GTEST_SKIP() << netns.why_not();
  TargetServer server({"--backlog", "8"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire(
      {"-c", "2000", "--keepalive-requests", "1", "-d", "2s", "--timeout", "3s", server.url()});
  ASSERT_TRUE(run.result.is_object()) << run.exit.err;
  const nlohmann::json& overflows =
      run.result.at("verdict").at("evidence").at("host_listen_overflows");
  ASSERT_TRUE(overflows.is_number()) << run.result.at("verdict").dump();
  EXPECT_GT(overflows.get<uint64_t>(), 0u);
  bool flagged = false;
  for (const nlohmann::json& f : run.result.at("verdict").at("flags")) {
    flagged |= f.get<std::string>().find("listen-queue overflows") != std::string::npos;
  }
  EXPECT_TRUE(flagged) << run.result.at("verdict").dump();
  EXPECT_NE(run.exit.out.find("listen-queue overflows"), std::string::npos) << run.exit.out;
  server.stop_and_counts();
}

// --keepalive-requests 10: every connection is closed by ringfire after 10 responses and opened
// again; the server sees about requests / 10 connections, and every request completes.
TEST(KeepaliveRequests, ReconnectAfterNResponses) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "10", "-n", "1000", "--keepalive-requests", "10", server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const nlohmann::json& totals = run.result.at("totals");
  EXPECT_EQ(u(totals, "completed"), 1000u);
  EXPECT_EQ(u(totals, "failed"), 0u);
  const uint64_t reconnects = u(run.result.at("connections"), "keepalive_reconnects");
  // Each of the 10 connections closes after every 10th response: 1000 / 10 closes in all, less
  // one per connection whose last stretch fell short of 10 when the budget ran out.
  EXPECT_GE(reconnects, 90u);
  EXPECT_LE(reconnects, 100u);
  // The first 10, and the reopened ones but those still connecting when the run ended.
  EXPECT_LE(u(totals, "connects"), 10 + reconnects);
  EXPECT_GE(u(totals, "connects"), reconnects);
  EXPECT_EQ(u(totals, "peer_closes"), 0u);  // ringfire closed them, not the server
  std::map<std::string, int64_t> counts = server.stop_and_counts();
  EXPECT_EQ(counts["requests"], 1000);
  // The server's own count: ringfire's connects and its probe, plus at most one reconnect per
  // connection that was still under way when the run ended.
  EXPECT_GE(counts["connections"], static_cast<int64_t>(u(totals, "connects")) + 1);
  EXPECT_LE(counts["connections"], static_cast<int64_t>(u(totals, "connects")) + 11);
}

}  // namespace
}  // namespace ringfire::testing
