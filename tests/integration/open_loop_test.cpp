// Open loop: the schedule is kept, latency counts from intended send times (no coordinated
// omission), and the report says plainly when the schedule was not kept.
#include <gtest/gtest.h>

#include <unistd.h>
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

double ms(const json& histogram, const char* percentile) {
  return histogram.at("percentiles").at(percentile).get<double>() / 1e6;
}

TEST(OpenLoop, KeepsTheRateAndMeasuresAKnownDelay) {
  TargetServer server({"--delay", "1ms"});
  ASSERT_TRUE(server.ok());
  // Keeping the schedule is this test's subject: a run the shared machine starved (it says so
  // itself: schedule not kept) is tried again, at most twice.
  const RingfireRun run = run_ringfire_settled(
      {"-R", "2000", "-c", "50", "-d", "5s", server.url()},
      [](const RingfireRun& r) -> std::string {
        if (!r.result.is_object() || r.result.at("schedule").at("kept").get<bool>()) return "";
        return r.result.at("schedule").at("reason").get<std::string>();
      });
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& s = run.result.at("schedule");
  EXPECT_NEAR(s.at("achieved_rate").get<double>(), 2000, 20) << s.dump();
  const double p50 = ms(run.result.at("latency_ns"), "50");
  // The server's 1 ms is the floor. The ceiling only has to catch latency counted from the wrong
  // time (a schedule slot is 25 ms per connection here); under ASan on a loaded 2-core machine the
  // client's own overhead reached 0.32 ms, so the bound is not a speed target.
  EXPECT_GE(p50, 1.0);
  EXPECT_LE(p50, 2.0);
  EXPECT_TRUE(s.at("kept").get<bool>()) << s.dump();
  EXPECT_EQ(run.exit.out.find("schedule not kept"), std::string::npos) << run.exit.out;
}

// The target holds every response for 200 ms once, 2 s into the run. At 2,000 req/s about 400
// requests come due during the stall; one due at time t into the stall waits 200 ms − t. Of
// 10,000 requests, the slowest 1% (100) are those due in the stall's first 50 ms, so the
// open-loop p99 is about 150 ms. A closed-loop run only ever has its connections' requests in
// the stall, and service time (from the actual send) hides the wait for a connection.
TEST(OpenLoop, AStallShowsInTheTailInsteadOfHiding) {
  const double stall_ms = 200, rate = 2000, seconds = 5;
  TargetServer server({"--stall-at", "2s", "--stall-for", "200ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun open = run_ringfire({"-R", "2000", "-c", "10", "-d", "5s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(open.exit.exit_code, 0) << open.exit.err;

  // Expected p99 from the schedule: sort the waits of the requests due in the stall.
  const int total = static_cast<int>(rate * seconds);
  std::vector<double> waits(total, 0.0);
  for (int i = 0; i < static_cast<int>(rate * stall_ms / 1000); ++i) {
    waits[i] = stall_ms - i * 1000 / rate;
  }
  std::sort(waits.begin(), waits.end());
  const double expected_p99 = waits[static_cast<size_t>(0.99 * total) - 1];  // ≈ 150 ms
  const double p99 = ms(open.result.at("latency_ns"), "99");
  EXPECT_GE(p99, 100);
  EXPECT_NEAR(p99, expected_p99, 25) << "expected from the schedule: " << expected_p99;
  EXPECT_LT(ms(open.result.at("service_ns"), "99"), 50);

  TargetServer again({"--stall-at", "2s", "--stall-for", "200ms"});
  ASSERT_TRUE(again.ok());
  const RingfireRun closed = run_ringfire({"-c", "10", "-d", "5s", again.url()});
  again.stop_and_count();
  ASSERT_EQ(closed.exit.exit_code, 0) << closed.exit.err;
  EXPECT_LT(ms(closed.result.at("latency_ns"), "99"), 50);
}

TEST(OpenLoop, TooFewConnectionsIsReportedNotHidden) {
  // 1 connection, 10 ms per response: at most 100 req/s can go out; ask for 1000.
  TargetServer server({"--delay", "10ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-R", "1000", "-c", "1", "-d", "2s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& s = run.result.at("schedule");
  EXPECT_FALSE(s.at("kept").get<bool>());
  EXPECT_LT(s.at("achieved_rate").get<double>(), 150);
  EXPECT_NE(s.at("reason").get<std::string>().find("connections were busy"), std::string::npos);
  EXPECT_NE(run.exit.out.find("schedule not kept"), std::string::npos) << run.exit.out;
  EXPECT_NE(run.exit.out.find("req/s requested"), std::string::npos);
  // The waiting shows in latency: far above the 10 ms service time.
  EXPECT_GT(ms(run.result.at("latency_ns"), "50"), 100);
}

TEST(OpenLoop, PipelinedRequestsEachGetTheirOwnSample) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-R", "4000", "-c", "4", "-p", "4", "-d", "2s", server.url()});
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result.at("totals");
  EXPECT_EQ(run.result.at("latency_ns").at("count").get<uint64_t>(),
            t.at("completed").get<uint64_t>());
  EXPECT_EQ(static_cast<uint64_t>(served),
            t.at("completed").get<uint64_t>() + t.at("in_flight").get<uint64_t>());
  // The schedule is a clock: 4000/s for 2 s is 8000 due. What went out is held to it only when
  // the run says the schedule was kept (a starved shared machine must say so, not pass quietly);
  // completed alone would also count the end's in-flight requests against the rate.
  const json& s = run.result.at("schedule");
  EXPECT_NEAR(s.at("due").get<double>(), 8000, 80);
  if (s.at("kept").get<bool>()) {
    EXPECT_NEAR(t.at("sent").get<double>(), 8000, 80);
  } else {
    EXPECT_NE(run.exit.out.find("schedule not kept"), std::string::npos) << run.exit.out;
  }
}

TEST(OpenLoop, SeriesSumsToTotalsAndHdrOutputIsWritten) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const std::string hdr = "/tmp/ringfire-hdr-" + std::to_string(getpid()) + ".txt";
  const RingfireRun run = run_ringfire({"-R", "1000", "-c", "8", "-d", "3s", "--arrival", "poisson",
                                        "--hdr-out", hdr, server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result.at("totals");
  uint64_t sent = 0, completed = 0, errors = 0;
  for (const json& s : run.result.at("timeseries")) {
    sent += s.at("sent").get<uint64_t>();
    completed += s.at("completed").get<uint64_t>();
    errors += s.at("errors").get<uint64_t>();
  }
  EXPECT_EQ(sent, t.at("sent").get<uint64_t>());
  EXPECT_EQ(completed, t.at("completed").get<uint64_t>());
  EXPECT_EQ(errors, t.at("failed").get<uint64_t>());
  std::ifstream f(hdr);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_NE(text.str().find("Value     Percentile TotalCount 1/(1-Percentile)"), std::string::npos)
      << text.str();
  EXPECT_NE(text.str().find("#[Max     ="), std::string::npos);
  std::remove(hdr.c_str());
}

TEST(OpenLoop, RampIsExcludedFromTheSummary) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-R", "1000", "-c", "8", "--ramp", "1s", "-d", "2s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  // During the ramp ~500 requests go out; they are warm-up, not measured. (A client starved of
  // CPU sends late, its sends slip across the boundary, and the run must say so instead.)
  const json& s = run.result.at("schedule");
  EXPECT_NEAR(s.at("due").get<double>(), 2000, 30);
  if (!s.at("kept").get<bool>()) {
    EXPECT_NE(run.exit.out.find("schedule not kept"), std::string::npos) << run.exit.out;
    return;
  }
  EXPECT_NEAR(run.result.at("warmup").at("sent").get<double>(), 500, 30);
  EXPECT_NEAR(run.result.at("totals").at("sent").get<double>(), 2000, 30);
}

}  // namespace
}  // namespace ringfire::testing
