// HTTP/2 by prior knowledge (--h2c) against nginx's http2 module (issue 22): its access log
// agrees with ringfire's completed count, GOAWAY after keepalive_requests is accounted, and a
// 1 MiB body goes through flow control.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

uint64_t all(const nlohmann::json& r, const char* key) {
  return u(r.at("totals"), key) + u(r.at("warmup"), key);
}

TEST(H2cNginx, CompletedEqualsAccessLogAndGoawaysAreAccounted) {
  NginxServer nginx("NGINX_LISTEN_EXTRA=http2 NGINX_KEEPALIVE_REQUESTS=1000");
  if (!nginx.ok()) GTEST_SKIP() << nginx.skip_reason();
  const RingfireRun run = run_ringfire({"--h2c", "--streams", "100", "-c", "4", "-t", "1", "-d",
                                        "2s", "--threshold", "errors==0", nginx.url()});
  // No request counts as an error: the gate passes (exit 0, not 3).
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& h2 = run.result.at("http2");
  ASSERT_TRUE(h2.is_object()) << run.result.dump();
  EXPECT_EQ(h2.at("protocol"), "h2c");
  EXPECT_EQ(u(h2, "streams_asked"), 100u);
  const uint64_t completed = all(run.result, "completed");
  EXPECT_GE(completed, 1000u);
  // Every 1000 responses nginx ends the connection with a graceful GOAWAY: all counted, by code.
  const uint64_t goaways = h2.at("goaways").value("NO_ERROR", uint64_t{0});
  EXPECT_GE(goaways, completed / 1000 - 4) << h2.dump();
  EXPECT_EQ(u(h2, "protocol_errors"), 0u);
  const nlohmann::json& e = run.result.at("totals").at("errors");
  for (const char* c : {"read", "write", "timeout", "parse", "closed", "unsolicited",
                        "stream_reset", "protocol", "unexpected_status"}) {
    EXPECT_EQ(u(e, c), 0u) << c << " " << e.dump();
  }
  // What failed is only the streams sent above a GOAWAY's line: nginx never processed them.
  EXPECT_EQ(u(run.result.at("totals"), "failed"), u(e, "not_processed")) << e.dump();
  // Each stream nginx answered is one access-log line of HTTP/2.0; ringfire completed exactly
  // those it counted (a stream in flight or failed at the end may be logged too).
  const int64_t lines = nginx.settled_log_lines(static_cast<int64_t>(completed));
  EXPECT_GE(lines, static_cast<int64_t>(completed));
  EXPECT_LE(lines, static_cast<int64_t>(all(run.result, "sent")));
}

TEST(H2cNginx, OneMebibyteBodyCompletesThroughFlowControl) {
  NginxServer nginx("NGINX_LISTEN_EXTRA=http2", [](const std::string& dir) {
    ::mkdir((dir + "/files").c_str(), 0755);
    std::ofstream f(dir + "/files/big.bin");
    f << std::string(size_t{1} << 20, 'x');
  });
  if (!nginx.ok()) GTEST_SKIP() << nginx.skip_reason();
  const RingfireRun run = run_ringfire(
      {"--h2c", "--streams", "4", "-c", "2", "-t", "1", "-n", "40", nginx.url() + "files/big.bin"});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  EXPECT_EQ(u(m, "completed"), 40u);
  EXPECT_EQ(u(m, "failed"), 0u);
  EXPECT_GE(u(m, "bytes_received"), 40u << 20);
  EXPECT_EQ(nginx.settled_log_lines(40), 40);
}

// zrk broke on responses over 64 MiB: one of 100 MiB on one stream, then two more on the same
// connection, each through flow control to its last byte.
TEST(H2cNginx, HundredMebibyteResponseCompletes) {
  NginxServer nginx("NGINX_LISTEN_EXTRA=http2", [](const std::string& dir) {
    ::mkdir((dir + "/files").c_str(), 0755);
    std::ofstream f(dir + "/files/huge.bin");
    const std::string mebibyte(size_t{1} << 20, 'y');
    for (int i = 0; i < 100; ++i) f << mebibyte;
  });
  if (!nginx.ok()) GTEST_SKIP() << nginx.skip_reason();
  const RingfireRun run = run_ringfire({"--h2c", "--streams", "1", "-c", "1", "-t", "1", "-n", "3",
                                        "--timeout", "20s", nginx.url() + "files/huge.bin"});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const nlohmann::json& m = run.result.at("totals");
  EXPECT_EQ(u(m, "completed") + u(run.result.at("warmup"), "completed"), 3u);
  EXPECT_EQ(u(m, "failed"), 0u);
  EXPECT_GE(u(m, "bytes_received") + u(run.result.at("warmup"), "bytes_received"),
            uint64_t{300} << 20);
  EXPECT_EQ(nginx.settled_log_lines(3), 3);
}

}  // namespace
}  // namespace ringfire::testing
