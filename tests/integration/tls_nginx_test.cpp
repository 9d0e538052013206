// HTTPS against nginx (issue 20's acceptance): ringfire's counts against nginx's own access log
// ("$ssl_session_reused $ssl_protocol" per request), resumption as asked, the versions as asked,
// and the failures that must end a run with one line: a wrong CA, plain HTTP behind an https://
// URL, a server that closes mid-handshake. Every load is bounded by -n or a 1 s -d.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "harness.hpp"
#include "tls_nginx.hpp"

namespace ringfire::testing {
namespace {

int64_t sum(const std::map<std::string, int64_t>& log, const std::string& prefix) {
  int64_t n = 0;
  for (const auto& [line, count] : log) {
    if (line.rfind(prefix, 0) == 0) n += count;
  }
  return n;
}

// The stderr line that holds `needle`, and that there is exactly one such line.
void expect_one_line(const std::string& err, const std::string& needle) {
  size_t lines = 0;
  size_t at = 0;
  while ((at = err.find(needle, at)) != std::string::npos) {
    ++lines;
    at += needle.size();
  }
  EXPECT_EQ(lines, 1u) << err;
}

class TlsNginxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nginx_.ok()) GTEST_SKIP() << nginx_.skip_reason();
  }
  RingfireRun load(std::vector<std::string> args) {
    nginx_.clear_log();
    args.insert(args.end(), {"-t", "1", "--cacert", nginx_.ca(), nginx_.url()});
    return run_ringfire(args, std::chrono::seconds(30));
  }
  TlsNginx nginx_;
};

TEST_F(TlsNginxTest, CompletedEqualsAccessLogKeepAliveAndAHandshakePerRequest) {
  for (const char* keepalive : {"0", "1"}) {
    const RingfireRun run = load({"-c", "4", "-n", "300", "--keepalive-requests", keepalive});
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    expect_accounting(run.result);
    const uint64_t completed = u(run.result["totals"], "completed");
    EXPECT_EQ(completed, 300u);
    const auto log = nginx_.log(static_cast<int64_t>(completed));
    EXPECT_EQ(sum(log, ""), static_cast<int64_t>(completed)) << keepalive;
    const nlohmann::json& tls = run.result["tls"];
    EXPECT_EQ(u(tls["failed"], "verify"), 0u);
    if (std::string(keepalive) == "1") {
      EXPECT_GE(u(tls, "full") + u(tls, "resumed"), 300u);
    }
  }
}

TEST_F(TlsNginxTest, ResumedHandshakesEqualNginxReusedConnections) {
  for (const char* ratio : {"1", "0", "0.5"}) {
    // One connection: its last response ends the run, so every handshake carried a request and
    // nginx logged it (with several, one may finish its handshake as -n runs out, unlogged).
    const RingfireRun run =
        load({"-c", "1", "-n", "200", "--keepalive-requests", "1", "--tls-resume", ratio});
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    const nlohmann::json& tls = run.result["tls"];
    const auto log = nginx_.log(200);
    const int64_t reused = sum(log, "r ");
    const auto resumed = static_cast<int64_t>(u(tls, "resumed"));
    EXPECT_EQ(resumed, reused) << ratio << " " << tls.dump();
    const int64_t handshakes = static_cast<int64_t>(u(tls, "full")) + resumed;
    const auto all = static_cast<double>(handshakes);
    if (std::string(ratio) == "0") {
      EXPECT_EQ(resumed, 0);
    } else if (std::string(ratio) == "1") {
      EXPECT_EQ(resumed, handshakes - 1);  // the first handshake had no session to offer
    } else {
      EXPECT_NEAR(static_cast<double>(resumed), all / 2, all * 0.05);
    }
  }
}

TEST_F(TlsNginxTest, EachVersionNegotiatedAsAsked) {
  for (const std::string version : {"1.2", "1.3"}) {
    const RingfireRun run = load({"-c", "2", "-n", "50", "--tls-version", version});
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    const std::string name = "TLSv" + version;
    EXPECT_EQ(run.result["tls"]["protocols"].size(), 1u) << run.result["tls"].dump();
    EXPECT_TRUE(run.result["tls"]["protocols"].contains(name)) << run.result["tls"].dump();
    const auto log = nginx_.log(50);
    EXPECT_EQ(sum(log, ". " + name) + sum(log, "r " + name), sum(log, "")) << version;
  }
}

TEST_F(TlsNginxTest, WrongCaExitsOneNamingTheVerifyErrorAndInsecureWorks) {
  RingfireRun run =
      run_ringfire({"-c", "2", "-t", "1", "-d", "1s", "--cacert", nginx_.other_ca(), nginx_.url()},
                   std::chrono::seconds(30));
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  expect_one_line(run.exit.err, "TLS certificate verify failed: ");
  EXPECT_NE(run.exit.err.find("unable to get local issuer certificate"), std::string::npos)
      << run.exit.err;
  EXPECT_NE(run.exit.err.find("kTLS: not available (no tls ULP)"), std::string::npos);
  run = run_ringfire({"-c", "2", "-t", "1", "-n", "20", "-k", nginx_.url()},
                     std::chrono::seconds(30));
  EXPECT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(u(run.result["totals"], "completed"), 20u);
}

// An https:// URL on a server that speaks plain HTTP: its answer to the ClientHello is no TLS.
TEST(TlsFailures, PlainHttpServerBehindHttpsFailsWithItsClass) {
  TargetServer target;
  ASSERT_TRUE(target.ok());
  const RingfireRun run = run_ringfire({"-c", "2", "-t", "1", "-d", "1s",
                                        "https://127.0.0.1:" + std::to_string(target.port()) + "/"},
                                       std::chrono::seconds(30));
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_LT(run.seconds, 15);
  expect_one_line(run.exit.err, "TLS protocol error: ");
}

// A server that accepts, reads a little and closes: every handshake ends as "closed".
TEST(TlsFailures, ServerClosingMidHandshakeFailsWithItsClass) {
  const int listener = listen_loopback();
  ASSERT_GE(listener, 0);
  const uint16_t port = bound_port(listener);
  std::atomic<bool> stop{false};
  std::thread server([&] {
    while (!stop.load()) {
      timeval tv{0, 50'000};
      setsockopt(listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
      const int c = accept(listener, nullptr, nullptr);
      if (c < 0) continue;
      char buf[16];
      [[maybe_unused]] const ssize_t n = read(c, buf, sizeof(buf));
      close(c);
    }
  });
  const RingfireRun run = run_ringfire(
      {"-c", "2", "-t", "1", "-d", "1s", "https://127.0.0.1:" + std::to_string(port) + "/"},
      std::chrono::seconds(30));
  stop.store(true);
  server.join();
  close(listener);
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_LT(run.seconds, 15);
  expect_one_line(run.exit.err, "TLS the server closed the connection during the handshake");
}

}  // namespace
}  // namespace ringfire::testing
