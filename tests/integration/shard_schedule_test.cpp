// Issue 21's open-loop acceptance, end to end on loopback: three shards of `-R 3000 -d 5s` and
// the same run on one box start at one --start-at, side by side, against the bundled server. The
// merge's schedule must be the one-box schedule (the same number of requests due in the same
// window, for constant and Poisson arrivals with one seed), the merged per-second rows must add up
// to the merged totals, and with constant arrivals every whole second must carry 3000 sends within
// 1%. The shards and the one-box run share two cores here, which is why the schedule's slack is
// the only tolerance.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

constexpr int kShards = 3;

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f, nullptr, false);
}

// The shards' runs and the one-box run, all started together; returns {merged, one box}.
std::pair<nlohmann::json, nlohmann::json> run_both(const TargetServer& target,
                                                   const std::string& dir,
                                                   const std::string& arrival) {
  // A whole second, two from now: the per-second rows then line up with the schedule's seconds.
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const std::string start_at =
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count() + 2);
  const std::vector<std::string> common = {"-c",     "6",  "-t",         "1",         "-R",
                                           "3000",   "-d", "5s",         "--arrival", arrival,
                                           "--seed", "7",  "--start-at", start_at,    "-q"};
  std::vector<std::unique_ptr<Subprocess>> runs;
  std::vector<std::string> files;
  for (int i = 0; i <= kShards; ++i) {  // i == kShards: the one-box run
    files.push_back(dir + "/" + arrival + std::to_string(i) + ".json");
    std::vector<std::string> args = {RINGFIRE_BIN};
    args.insert(args.end(), common.begin(), common.end());
    if (i < kShards) {
      args.insert(args.end(), {"--shard", std::to_string(i) + "/" + std::to_string(kShards)});
    }
    args.insert(args.end(), {"--json", files.back(), target.url()});
    runs.push_back(Subprocess::start(args));
    if (!runs.back()) return {};
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    const ExitResult r = runs[i]->wait(std::chrono::seconds(30));
    EXPECT_EQ(r.exit_code, 0) << "run " << i << ": " << r.err;
    keep_for_schema_check(files[i]);
  }
  const std::string merged = dir + "/" + arrival + "-all.json";
  std::unique_ptr<Subprocess> merge =
      Subprocess::start({RINGFIRE_BIN, "merge", files[0], files[1], files[2], "-o", merged});
  if (!merge) return {};
  const ExitResult m = merge->wait(std::chrono::seconds(30));
  EXPECT_EQ(m.exit_code, 0) << m.err;
  keep_for_schema_check(merged);
  return {read_json(merged), read_json(files[kShards])};
}

// The merged per-second rows add up to the merged totals (measured window).
void expect_series_sums_to_totals(const nlohmann::json& m) {
  uint64_t sent = 0, completed = 0;
  for (const nlohmann::json& row : m.at("timeseries")) {
    sent += u(row, "sent");
    completed += u(row, "completed");
  }
  EXPECT_EQ(sent, u(m.at("totals"), "sent"));
  EXPECT_EQ(completed, u(m.at("totals"), "completed"));
}

class ShardSchedule : public ::testing::TestWithParam<const char*> {};

TEST_P(ShardSchedule, MergedScheduleIsTheOneBoxSchedule) {
  TargetServer target;
  ASSERT_TRUE(target.ok());
  char pattern[] = "/tmp/ringfire-shard-schedule-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const std::string arrival = GetParam();
  const auto [merged, one_box] = run_both(target, dir, arrival);
  ASSERT_TRUE(merged.is_object());
  ASSERT_TRUE(one_box.is_object());
  expect_accounting(merged);
  expect_series_sums_to_totals(merged);
  // The union of the shards' intended times is the one-box schedule: as many due in the window.
  EXPECT_EQ(u(merged.at("schedule"), "due"), u(one_box.at("schedule"), "due"));
  if (arrival == "constant") {
    EXPECT_EQ(u(merged.at("schedule"), "due"), 15000u);
    // Every whole second: 3000 sends within 1% (the union's rate, wherever each came from).
    const nlohmann::json& rows = merged.at("timeseries");
    ASSERT_GE(rows.size(), 5u);
    for (size_t k = 0; k < 5; ++k) {
      EXPECT_NEAR(static_cast<double>(u(rows[k], "sent")), 3000.0, 30.0) << "second " << k;
    }
  } else {
    // Poisson: one draw of 15,000 expected arrivals (σ ≈ 122); the same seed gives the same count.
    EXPECT_NEAR(static_cast<double>(u(merged.at("schedule"), "due")), 15000.0, 600.0);
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Arrivals, ShardSchedule, ::testing::Values("constant", "poisson"),
                         [](const auto& arrival) { return std::string(arrival.param); });

}  // namespace
}  // namespace ringfire::testing
