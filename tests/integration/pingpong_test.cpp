// ringfire-pingpong, the latency floor the light-load benchmark compares ringfire with: its count
// must be the server's, and a server that is not there is one line and exit 1.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

TEST(Pingpong, CountMatchesTheServersAndLatencyIsPositive) {
  TargetServer target;
  ASSERT_TRUE(target.ok());
  const std::string json_path = ::testing::TempDir() + "pingpong.json";
  auto process = Subprocess::start(
      {RINGFIRE_PINGPONG_BIN, "-n", "500", "-d", "30s", "--json", json_path, target.url()});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(std::chrono::seconds(30));
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("500 responses"), std::string::npos) << r.out;
  const nlohmann::json result = nlohmann::json::parse(std::ifstream(json_path));
  EXPECT_EQ(result.at("completed").get<uint64_t>(), 500u);
  const auto& latency = result.at("latency_ns");
  EXPECT_GT(latency.at("min").get<uint64_t>(), 0u);
  EXPECT_LE(latency.at("min").get<uint64_t>(), latency.at("p50").get<uint64_t>());
  EXPECT_LE(latency.at("p50").get<uint64_t>(), latency.at("max").get<uint64_t>());
  EXPECT_EQ(target.stop_and_count(), 500);
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
