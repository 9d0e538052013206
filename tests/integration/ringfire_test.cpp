// ringfire end to end: the real binary against real servers on loopback, every figure checked
// against an independent count (the server's own, nginx's access log) or an exact expectation.
#include <gtest/gtest.h>

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

uint64_t error_total(const json& result) {
  uint64_t n = 0;
  for (const auto& [name, count] : result.at("totals").at("errors").items())
    n += count.get<uint64_t>();
  return n;
}

class ClosedLoop : public ::testing::TestWithParam<int> {};

TEST_P(ClosedLoop, CompletedMatchesTheServersOwnCount) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "64", "-d", "2s", "-p", std::to_string(GetParam()), server.url()});
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  const json& t = run.result.at("totals");
  EXPECT_GT(u(t, "completed"), 1000u);
  EXPECT_EQ(error_total(run.result), 0u) << t.dump();
  EXPECT_EQ(u(t.at("status"), "2xx"), u(t, "completed"));
  // The server answered everything ringfire completed, plus what was in flight when it stopped.
  EXPECT_EQ(static_cast<uint64_t>(served), u(t, "completed") + u(t, "in_flight"));
  expect_accounting(run.result);
  EXPECT_NE(run.exit.out.find("Accounting  sent"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Pipeline, ClosedLoop, ::testing::Values(1, 8));

TEST(Ringfire, ExactRequestCount) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "16", "-n", "1000", "-p", "3", server.url()});
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result.at("totals");
  EXPECT_EQ(u(t, "completed"), 1000u);
  EXPECT_EQ(u(t, "sent"), 1000u);
  EXPECT_EQ(u(t, "in_flight"), 0u);
  EXPECT_EQ(served, 1000);
}

// Linux 6.7 or later: sockets can be opened and tuned inside the ring.
bool kernel_has_ring_setsockopt() {
  utsname u{};
  int major = 0, minor = 0;
  if (uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &major, &minor) != 2) return false;
  return major > 6 || (major == 6 && minor >= 7);
}

// A new connection for every response, with the sockets made inside the ring (the default where
// the kernel can) and with socket()/setsockopt()/close() (RINGFIRE_NO_DIRECT_SOCKETS=1, the
// fallback for older kernels).
class EveryResponseCloses : public ::testing::TestWithParam<bool> {};

TEST_P(EveryResponseCloses, IsNotAnError) {
  const bool direct = GetParam();
  if (!direct) setenv("RINGFIRE_NO_DIRECT_SOCKETS", "1", 1);
  TargetServer server({"--close-every", "1"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "8", "-d", "1s", server.url()});
  unsetenv("RINGFIRE_NO_DIRECT_SOCKETS");
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const std::string features = run.result.at("run").at("ring_features").get<std::string>();
  if (!direct) {
    EXPECT_NE(features.find("-direct_sockets"), std::string::npos) << features;
  } else if (kernel_has_ring_setsockopt()) {
    EXPECT_NE(features.find("+direct_sockets"), std::string::npos) << features;
  }
  // Every connection but the (at most 8) still open at the end was closed by the server.
  const json& totals = run.result.at("totals");
  EXPECT_GE(u(totals, "connects"), u(totals, "peer_closes")) << totals.dump();
  EXPECT_LE(u(totals, "connects"), u(totals, "peer_closes") + 8) << totals.dump();
  const json& t = run.result.at("totals");
  EXPECT_GT(u(t, "completed"), 100u);
  EXPECT_EQ(error_total(run.result), 0u) << t.dump();
  EXPECT_GE(u(t, "peer_closes"), u(t, "completed") - 8);
  EXPECT_EQ(static_cast<uint64_t>(served), u(t, "completed") + u(t, "in_flight"));
  expect_accounting(run.result);
}

INSTANTIATE_TEST_SUITE_P(Sockets, EveryResponseCloses, ::testing::Values(true, false),
                         [](const auto& param_info) {
                           return param_info.param ? "InRing" : "Syscalls";
                         });

TEST(Ringfire, LocalhostFindsAServerOnIpv4Only) {
  TargetServer server;  // binds 127.0.0.1 only; localhost may resolve to ::1 first
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "4", "-n", "200", server.url("localhost")});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(u(run.result.at("totals"), "completed"), 200u);
  EXPECT_EQ(run.result.at("config").at("endpoint").get<std::string>().rfind("127.0.0.1:", 0), 0u);
}

// The command line (usage errors, refused ports, unknown names): cli_test.cpp.

TEST(Ringfire, GarbageIsAParseErrorNotACrash) {
  RawServer server("this is not HTTP\r\n\r\n");
  const RingfireRun run = run_ringfire(
      {"-c", "4", "-d", "1s", "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.out;
  EXPECT_NE(run.exit.err.find("parse errors"), std::string::npos) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  EXPECT_GT(u(run.result.at("totals").at("errors"), "parse"), 0u);
  expect_accounting(run.result);
}

TEST(Ringfire, SilentServerTimesOut) {
  RawServer server("");  // reads requests, never answers
  const RingfireRun run = run_ringfire({"-c", "4", "-d", "1500ms", "--timeout", "200ms",
                                        "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  EXPECT_EQ(run.exit.exit_code, 1);
  EXPECT_LT(run.seconds, 10.0);
  ASSERT_TRUE(run.result.is_object());
  const uint64_t timeouts = u(run.result.at("totals").at("errors"), "timeout");
  EXPECT_GE(timeouts, 4u * 4);  // ~7 rounds of 200 ms per connection; allow slack
  expect_accounting(run.result);
}

TEST(Ringfire, CountWithoutDurationGivesUpOnASilentServer) {
  RawServer server("");
  const RingfireRun run = run_ringfire({"-c", "2", "-n", "10", "--timeout", "100ms",
                                        "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  EXPECT_EQ(run.exit.exit_code, 1);
  EXPECT_LT(run.seconds, 20.0);
  ASSERT_TRUE(run.result.is_object());
  EXPECT_TRUE(run.result.at("run").at("stalled").get<bool>());
  EXPECT_GT(u(run.result.at("totals").at("errors"), "timeout"), 0u);
  expect_accounting(run.result);
}

TEST(Ringfire, ServerThatResetsIsCountedAndReconnected) {
  // Answers half a response and closes: every request is lost to an early close.
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", true);
  const RingfireRun run = run_ringfire(
      {"-c", "2", "-d", "1s", "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  ASSERT_TRUE(run.result.is_object());
  EXPECT_GT(u(run.result.at("totals").at("errors"), "closed"), 0u);
  expect_accounting(run.result);
}

TEST(Ringfire, InterruptStillWritesTheFullReport) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const std::string dir = "/tmp";
  const std::string json_path = dir + "/ringfire-interrupt-" + std::to_string(getpid()) + ".json";
  auto process =
      Subprocess::start({RINGFIRE_BIN, "-c", "8", "-d", "60s", "--json", json_path, server.url()});
  ASSERT_TRUE(process);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const auto start = std::chrono::steady_clock::now();
  const ExitResult r = process->stop(SIGINT, std::chrono::seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  server.stop_and_count();
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("interrupted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Latency"), std::string::npos);
  std::ifstream f(json_path);
  const json result = json::parse(f, nullptr, false);
  ASSERT_TRUE(result.is_object());
  EXPECT_TRUE(result.at("run").at("interrupted").get<bool>());
  EXPECT_GT(u(result.at("totals"), "completed"), 0u);
  expect_accounting(result);
  keep_for_schema_check(json_path);
  std::remove(json_path.c_str());
}

// With --json - as with a run: the JSON alone on stdout, the text (and the ceiling) on stderr.
TEST(Ringfire, SelfCheckReportsTheCeilingAndTheServersCount) {
  auto process =
      Subprocess::start({RINGFIRE_BIN, "--self-check", "-d", "1s", "-c", "16", "--json", "-"});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(std::chrono::seconds(30));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("ceiling:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("server counted"), std::string::npos);
  EXPECT_NE(r.err.find("Latency"), std::string::npos);
  const json result = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(result.is_object()) << r.out;
  EXPECT_GT(u(result.at("totals"), "completed"), 0u);
  expect_accounting(result);
}

TEST(Nginx, CompletedEqualsAccessLogLines) {
  NginxServer nginx;
  if (!nginx.ok()) GTEST_SKIP() << nginx.skip_reason();
  // Exact count: nothing in flight at the end.
  RingfireRun run = run_ringfire({"-c", "32", "-n", "5000", "-p", "4", nginx.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(u(run.result.at("totals"), "completed"), 5000u);
  EXPECT_EQ(nginx.access_log_lines(), 5000);
  // Timed: what was in flight at the stop is in nginx's log too (it answered after we left).
  run = run_ringfire({"-c", "32", "-d", "1s", nginx.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result.at("totals");
  EXPECT_EQ(error_total(run.result), 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // nginx writes the log per request
  EXPECT_EQ(static_cast<uint64_t>(nginx.access_log_lines()),
            5000 + u(t, "completed") + u(t, "in_flight"));
  expect_accounting(run.result);
}

}  // namespace
}  // namespace ringfire::testing
