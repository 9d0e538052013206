// HTTP/2 against a hostile server written for the tests (tests/integration/h2/hostile_server.py,
// python3-h2): every other stream reset, a GOAWAY after five streams on every connection. Each
// ends with the identity holding, the right class counted, and the server's own count of answers
// equal to ringfire's completed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include <csignal>
#include <memory>
#include <string>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

struct Hostile {
  std::unique_ptr<Subprocess> process;
  uint16_t port = 0;
};

// The server binds port 0 and prints "port N": no race with another test for a port.
Hostile start_hostile(const std::string& mode) {
  Hostile h;
  if (access("/usr/bin/python3", X_OK) != 0) return h;
  h.process = Subprocess::start(
      {"/usr/bin/python3",
       std::string(RINGFIRE_SOURCE_DIR) + "/tests/integration/h2/hostile_server.py", mode});
  if (!h.process) return h;
  const auto line = h.process->read_line_starting_with("port ", std::chrono::seconds(10));
  if (line) h.port = static_cast<uint16_t>(std::atoi(line->c_str() + 5));
  return h;
}

// A closed-loop h2c run of `n` requests against the hostile server, 4 streams on each of 2
// connections, each stream given 2 s.
RingfireRun run_h2c(const Hostile& h, const char* n) {
  return run_ringfire({"--h2c", "--streams", "4", "-c", "2", "-t", "1", "-n", n, "--timeout", "2s",
                       "http://127.0.0.1:" + std::to_string(h.port) + "/"},
                      std::chrono::seconds(30));
}

uint64_t answered(Hostile& h) {
  const ExitResult r = h.process->stop(SIGTERM);
  const size_t at = r.out.find("answered ");
  return at == std::string::npos ? UINT64_MAX : std::stoull(r.out.substr(at + 9));
}

TEST(H2cHostile, EveryOtherStreamResetCountsAsStreamResetByCode) {
  Hostile h = start_hostile("rst");
  if (h.port == 0) GTEST_SKIP() << "python3 with python3-h2 is needed";
  const RingfireRun run = run_h2c(h, "200");
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  const uint64_t resets = u(m.at("errors"), "stream_reset");
  EXPECT_EQ(u(m, "completed"), 200u);
  EXPECT_GE(resets, 150u);  // one of two streams, give or take a connection's odd count
  EXPECT_EQ(u(m, "failed"), resets);
  EXPECT_EQ(run.result.at("http2").at("resets").value("CANCEL", uint64_t{0}),
            resets + u(run.result.at("warmup").at("errors"), "stream_reset"));
  EXPECT_EQ(answered(h), u(m, "completed") + u(run.result.at("warmup"), "completed"));
}

TEST(H2cHostile, GoawayMidRunFailsOnlyTheStreamsAboveItsLine) {
  Hostile h = start_hostile("goaway");
  if (h.port == 0) GTEST_SKIP() << "python3 with python3-h2 is needed";
  const RingfireRun run = run_h2c(h, "100");
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  const nlohmann::json& e = m.at("errors");
  EXPECT_EQ(u(m, "completed"), 100u);  // -n: the budget of the unprocessed went back
  EXPECT_EQ(u(m, "failed"), u(e, "not_processed")) << e.dump();
  EXPECT_GE(run.result.at("http2").at("goaways").value("NO_ERROR", uint64_t{0}), 19u);
  EXPECT_EQ(answered(h), u(m, "completed") + u(run.result.at("warmup"), "completed"));
}

}  // namespace
}  // namespace ringfire::testing

namespace ringfire::testing {
namespace {

TEST(H2cHostile, MaxConcurrentStreamsOneIsRespectedAndReported) {
  Hostile h = start_hostile("max1");
  if (h.port == 0) GTEST_SKIP() << "python3 with python3-h2 is needed";
  const RingfireRun run = run_h2c(h, "200");
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  EXPECT_EQ(u(m, "completed"), 200u);
  EXPECT_EQ(u(run.result.at("http2"), "streams_allowed"), 1u);
  EXPECT_EQ(u(run.result.at("http2"), "streams_asked"), 4u);
  EXPECT_NE(run.exit.out.find("1 allowed by the server"), std::string::npos) << run.exit.out;
  EXPECT_EQ(answered(h), u(m, "completed") + u(run.result.at("warmup"), "completed"));
}

// The misbehaving modes: each connection's first two streams are answered, the third meets the
// misbehaviour. Whatever it is, the run ends by itself, the identity holds, the right class is
// counted, and the server's answers are ringfire's completed.
struct Misbehaviour {
  const char* mode;
  const char* error_class;  // what the streams caught in it end as
  // And a second class they may end as: nghttp2 (Debian's, with the CONTINUATION-flood fix)
  // ends some flooded streams with a reset of its own, which the report counts as stream_reset.
  const char* also = nullptr;
};

class H2cMisbehaving : public ::testing::TestWithParam<Misbehaviour> {};

TEST_P(H2cMisbehaving, EndsWithTheIdentityAndItsClass) {
  const Misbehaviour& m = GetParam();
  Hostile h = start_hostile(m.mode);
  if (h.port == 0) GTEST_SKIP() << "python3 with python3-h2 is needed";
  std::vector<std::string> args = {"--h2c", "--streams", "1",  "-c",        "2",    "-t",
                                   "1",     "-d",        "2s", "--timeout", "500ms"};
  if (std::string(m.mode) == "nowindow") {
    args.insert(args.end(), {"--method", "POST", "--body", std::string(100, 'x')});
  }
  args.push_back("http://127.0.0.1:" + std::to_string(h.port) + "/");
  const RingfireRun run = run_ringfire(args, std::chrono::seconds(30));
  const nlohmann::json& totals = run.result.at("totals");
  const nlohmann::json& warmup = run.result.at("warmup");
  const auto all = [&](const char* key) { return u(totals, key) + u(warmup, key); };
  const auto errors = [&](const char* c) {
    return u(totals.at("errors"), c) + u(warmup.at("errors"), c);
  };
  std::cout << m.mode << ": " << all("completed") << " completed, " << all("failed")
            << " failed: " << totals.at("errors").dump() << "\n";
  if (std::string(m.mode) == "nowindow") {
    // No stream can ever finish: a run that reached nothing, one line, exit 1, the timeouts
    // counted in its JSON.
    EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
    EXPECT_EQ(run.exit.err.find('\n'), run.exit.err.size() - 1) << run.exit.err;
  } else {
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    EXPECT_GT(all("completed"), 0u);
  }
  expect_accounting(run.result);
  EXPECT_GT(errors(m.error_class), 0u) << totals.at("errors").dump();
  EXPECT_EQ(all("failed"), errors(m.error_class) + (m.also != nullptr ? errors(m.also) : 0))
      << totals.at("errors").dump();
  // The server's answers: every completed one, and at most those and what was in flight.
  const uint64_t served = answered(h);
  EXPECT_GE(served, all("completed"));
  EXPECT_LE(served, all("completed") + all("in_flight"));
}

INSTANTIATE_TEST_SUITE_P(Modes, H2cMisbehaving,
                         ::testing::Values(Misbehaviour{"garbage", "protocol"},
                                           Misbehaviour{"continuation", "protocol", "stream_reset"},
                                           Misbehaviour{"hpack", "protocol"},
                                           Misbehaviour{"nowindow", "timeout"}),
                         [](const auto& mode) { return std::string(mode.param.mode); });

}  // namespace
}  // namespace ringfire::testing
