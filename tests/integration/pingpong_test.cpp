// ringfire-pingpong, the latency floor the light-load benchmark compares ringfire with: its count
// must be the server's, and a server that is not there is one line and exit 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

struct PingpongRun {
  ExitResult exit;
  nlohmann::json result;  // the --json file, or null
};

// `-n requests` against `url`, bounded at 30 s.
PingpongRun run_pingpong(int requests, const std::string& url) {
  const std::string json_path = ::testing::TempDir() + "pingpong.json";
  std::remove(json_path.c_str());
  auto process = Subprocess::start({RINGFIRE_PINGPONG_BIN, "-n", std::to_string(requests), "-d",
                                    "30s", "--json", json_path, url});
  if (!process) return {};
  PingpongRun run{process->wait(std::chrono::seconds(30)), nullptr};
  std::ifstream in(json_path);
  if (in) run.result = nlohmann::json::parse(in);
  return run;
}

TEST(Pingpong, CountMatchesTheServersAndLatencyIsPositive) {
  TargetServer target;
  ASSERT_TRUE(target.ok());
  const PingpongRun run = run_pingpong(500, target.url());
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_NE(run.exit.out.find("500 responses"), std::string::npos) << run.exit.out;
  EXPECT_EQ(run.result.at("completed").get<uint64_t>(), 500u);
  const auto& latency = run.result.at("latency_ns");
  EXPECT_GT(latency.at("min").get<uint64_t>(), 0u);
  EXPECT_LE(latency.at("min").get<uint64_t>(), latency.at("p50").get<uint64_t>());
  EXPECT_LE(latency.at("p50").get<uint64_t>(), latency.at("max").get<uint64_t>());
  EXPECT_EQ(target.stop_and_count(), 500);
}

// Its latency against an independent source: a server that holds every response 2 ms. No
// response can come back sooner; the upper bound only catches a figure that is off by far.
TEST(Pingpong, LatencyIsTheServersKnownDelay) {
  TargetServer target({"--delay", "2ms"});
  ASSERT_TRUE(target.ok());
  const PingpongRun run = run_pingpong(50, target.url());
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const auto& latency = run.result.at("latency_ns");
  EXPECT_GE(latency.at("min").get<uint64_t>(), 2'000'000u);
  EXPECT_LT(latency.at("p50").get<uint64_t>(), 50'000'000u);
  EXPECT_EQ(target.stop_and_count(), 50);
}

TEST(Pingpong, RefusedPortIsOneLineAndExitOne) {
  auto process = Subprocess::start({RINGFIRE_PINGPONG_BIN, "-d", "1s",
                                    "http://127.0.0.1:" + std::to_string(unused_port()) + "/"});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(std::chrono::seconds(10));
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("refused"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace ringfire::testing
