// --threshold end to end: a failed gate exits 3 after the report (the measured value beside the
// limit, FAIL), a kept one exits 0, a malformed one is a usage error, and an error-rate gate
// fails against a server that resets mid-body. The JSON's "thresholds" list agrees with the
// JSON's own latency and counters.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "harness.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Threshold, AFailedLatencyGateExitsThreeAfterTheReport) {
  TargetServer server({"--delay", "5ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "4", "-d", "1s", "--threshold", "p99<1ms", server.url()});
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  EXPECT_EQ(run.exit.exit_code, 3) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  const json& t = run.result["thresholds"];
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0]["expr"], "p99<1ms");
  EXPECT_EQ(t[0]["metric"], "p99");
  EXPECT_EQ(t[0]["op"], "<");
  EXPECT_EQ(t[0]["limit"], 1e6);
  EXPECT_EQ(t[0]["pass"], false);
  // The measured value is the report's own p99, and the server's delay bounds it from below.
  const double p99 = run.result["latency_ns"]["percentiles"]["99"].get<double>();
  EXPECT_EQ(t[0]["value"].get<double>(), p99);
  EXPECT_GE(p99, 5e6);
  const std::string measured = format_duration(static_cast<uint64_t>(p99));
  EXPECT_NE(run.exit.out.find("Thresholds"), std::string::npos) << run.exit.out;
  const size_t row = run.exit.out.find("p99<1ms");
  ASSERT_NE(row, std::string::npos) << run.exit.out;
  const std::string line = run.exit.out.substr(row, run.exit.out.find('\n', row) - row);
  EXPECT_NE(line.find("measured " + measured), std::string::npos) << line;
  EXPECT_NE(line.find("limit < 1.00ms"), std::string::npos) << line;
  EXPECT_NE(line.find("FAIL"), std::string::npos) << line;
  EXPECT_NE(run.exit.err.find("1 of 1 thresholds failed: p99<1ms"), std::string::npos)
      << run.exit.err;
}

TEST(Threshold, AKeptGateExitsZero) {
  TargetServer server({"--delay", "5ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire(
      {"-c", "4", "-d", "1s", "--threshold", "p99<1s", "--threshold", "errors==0", server.url()});
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  EXPECT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result["thresholds"];
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0]["pass"], true);
  EXPECT_EQ(t[1]["pass"], true);
  EXPECT_EQ(t[1]["value"], run.result["totals"]["failed"].get<double>());
  EXPECT_NE(run.exit.out.find("pass"), std::string::npos) << run.exit.out;
}

TEST(Threshold, AMalformedExpressionIsAUsageErrorOfOneLine) {
  const RingfireRun run = run_ringfire({"--threshold", "p99<<1ms", "http://127.0.0.1:9/"});
  ASSERT_TRUE(run.exit.exited);
  EXPECT_EQ(run.exit.exit_code, 2);
  EXPECT_EQ(lines(run.exit.err), 1u) << run.exit.err;
  EXPECT_NE(run.exit.err.find("bad --threshold 'p99<<1ms' at 5: expected a duration"),
            std::string::npos)
      << run.exit.err;
  EXPECT_TRUE(run.exit.out.empty()) << run.exit.out;
}

// Half the requests fail: the first response on each connection completes, the next meets a FIN.
TEST(Threshold, AnErrorRateGateFailsWhenRequestsFail) {
  TargetServer server({"--fault", "shut-write-after-response"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "4", "-d", "1s", "--threshold", "errors<1%", server.url()});
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  ASSERT_TRUE(run.result.is_object()) << run.exit.err;
  const json& totals = run.result["totals"];
  ASSERT_GT(totals["failed"].get<double>(), 0);
  EXPECT_EQ(run.exit.exit_code, 3) << run.exit.err;
  const json& t = run.result["thresholds"][0];
  EXPECT_EQ(t["pass"], false);
  EXPECT_EQ(t["unit"], "%");
  EXPECT_DOUBLE_EQ(t["value"].get<double>(),
                   totals["failed"].get<double>() * 100 / totals["sent"].get<double>());
}

// Every response is cut by a reset, so nothing completes: that runtime failure (exit 1) beats
// the failed gate (3).
TEST(Threshold, ARuntimeFailureBeatsAFailedGate) {
  TargetServer server({"--fault", "reset-mid-body"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "4", "-d", "1s", "--threshold", "errors<1%", server.url()});
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_EQ(lines(run.exit.err), 1u) << run.exit.err;
  EXPECT_NE(run.exit.err.find("no response received"), std::string::npos) << run.exit.err;
}

// Ctrl-C: the gate (which would fail) is not evaluated, the report says so, the exit stays 0.
TEST(Threshold, AnInterruptedRunEvaluatesNothing) {
  TargetServer server({"--delay", "5ms"});
  ASSERT_TRUE(server.ok());
  const std::string json_path = "/tmp/ringfire-threshold-" + std::to_string(getpid()) + ".json";
  auto process = Subprocess::start({RINGFIRE_BIN, "-c", "4", "-d", "60s", "--threshold", "p99<1ms",
                                    "--json", json_path, server.url()});
  ASSERT_TRUE(process);
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  const ExitResult r = process->stop(SIGINT, std::chrono::seconds(10));
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("thresholds not evaluated: the run was interrupted"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  std::ifstream f(json_path);
  const json result = json::parse(f, nullptr, false);
  keep_for_schema_check(json_path);
  std::remove(json_path.c_str());
  ASSERT_TRUE(result.is_object());
  ASSERT_EQ(result["thresholds"].size(), 1u);
  EXPECT_TRUE(result["thresholds"][0]["pass"].is_null());
  EXPECT_TRUE(result["thresholds"][0]["value"].is_null());
}

// One connection to a 5 ms server carries at most ~200 req/s: a 10,000 req/s schedule cannot be
// kept. --strict makes that exit 4, and a failed threshold (3) beats it.
TEST(Threshold, StrictFailsAScheduleNotKeptAndAFailedGateBeatsIt) {
  TargetServer server({"--delay", "5ms"});
  ASSERT_TRUE(server.ok());
  const std::vector<std::string> base = {"-c", "1",  "-t",    "1",        "-d",
                                         "1s", "-R", "10000", "--strict", "-q"};
  std::vector<std::string> args = base;
  args.push_back(server.url());
  const RingfireRun strict = run_ringfire(args);
  ASSERT_TRUE(strict.exit.exited) << strict.exit.err;
  ASSERT_FALSE(strict.result["schedule"]["kept"].get<bool>());
  EXPECT_EQ(strict.exit.exit_code, 4) << strict.exit.err;
  EXPECT_EQ(lines(strict.exit.err), 1u) << strict.exit.err;
  EXPECT_NE(strict.exit.err.find("--strict: the open-loop schedule was not kept: "),
            std::string::npos)
      << strict.exit.err;
  args = base;
  args.insert(args.end(), {"--threshold", "p99<1ms", server.url()});
  const RingfireRun both = run_ringfire(args);
  ASSERT_TRUE(both.exit.exited) << both.exit.err;
  EXPECT_EQ(both.exit.exit_code, 3) << both.exit.err;
  EXPECT_NE(both.exit.err.find("--strict: "), std::string::npos) << both.exit.err;
}

}  // namespace
}  // namespace ringfire::testing
