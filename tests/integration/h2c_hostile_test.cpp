// HTTP/2 against a hostile server written for the tests (tests/integration/h2/hostile_server.py,
// python3-h2): every other stream reset, a GOAWAY after five streams on every connection. Each
// ends with the identity holding, the right class counted, and the server's own count of answers
// equal to ringfire's completed.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

Hostile start_hostile(const std::string& mode) {
  Hostile h;
  if (access("/usr/bin/python3", X_OK) != 0) return h;
  const uint16_t port = unused_port();
  h.process = Subprocess::start(
      {"/usr/bin/python3",
       std::string(RINGFIRE_SOURCE_DIR) + "/tests/integration/h2/hostile_server.py",
       std::to_string(port), mode});
  for (int i = 0; h.process && i < 200; ++i) {  // ready when it accepts
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    if (up) {
      h.port = port;
      break;
    }
    usleep(25'000);
  }
  return h;
}

uint64_t answered(Hostile& h) {
  const ExitResult r = h.process->stop(SIGTERM);
  const size_t at = r.out.find("answered ");
  return at == std::string::npos ? UINT64_MAX : std::stoull(r.out.substr(at + 9));
}

TEST(H2cHostile, EveryOtherStreamResetCountsAsStreamResetByCode) {
  Hostile h = start_hostile("rst");
  if (h.port == 0) GTEST_SKIP() << "python3 with python3-h2 is needed";
  const RingfireRun run =
      run_ringfire({"--h2c", "--streams", "4", "-c", "2", "-t", "1", "-n", "200", "--timeout", "2s",
                    "http://127.0.0.1:" + std::to_string(h.port) + "/"},
                   std::chrono::seconds(30));
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
  const RingfireRun run =
      run_ringfire({"--h2c", "--streams", "4", "-c", "2", "-t", "1", "-n", "100", "--timeout", "2s",
                    "http://127.0.0.1:" + std::to_string(h.port) + "/"},
                   std::chrono::seconds(30));
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
  const RingfireRun run =
      run_ringfire({"--h2c", "--streams", "4", "-c", "2", "-t", "1", "-n", "200", "--timeout", "2s",
                    "http://127.0.0.1:" + std::to_string(h.port) + "/"},
                   std::chrono::seconds(30));
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  EXPECT_EQ(u(m, "completed"), 200u);
  EXPECT_EQ(u(run.result.at("http2"), "streams_allowed"), 1u);
  EXPECT_EQ(u(run.result.at("http2"), "streams_asked"), 4u);
  EXPECT_NE(run.exit.out.find("1 allowed by the server"), std::string::npos) << run.exit.out;
  EXPECT_EQ(answered(h), u(m, "completed") + u(run.result.at("warmup"), "completed"));
}

}  // namespace
}  // namespace ringfire::testing
