// Connect errors by cause, end to end: a server that answers ringfire's probe and then stops
// listening, so every connect of the run is refused; the exit line and the JSON name the cause.
// And the open-files limit: too small a hard limit fails before any connection with one line;
// a small soft limit ringfire raises itself.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

// Listens on 127.0.0.1 until it has accepted one connection (ringfire's reachability probe),
// then stops listening but keeps the port bound: shutdown() of a listening socket ends its
// LISTEN state (Linux), so connects from then on are refused and nothing else can take the port.
class ListenOnceServer {
 public:
  ListenOnceServer() : fd_(listen_loopback(4)) {
    if (fd_ >= 0) port_ = bound_port(fd_);
    thread_ = std::thread([this] {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 20'000) == 1) {
        const int c = accept(fd_, nullptr, nullptr);
        shutdown(fd_, SHUT_RDWR);  // no longer listening: the run's connects are refused
        if (c >= 0) close(c);
      }
    });
  }
  ~ListenOnceServer() {
    shutdown(fd_, SHUT_RDWR);  // wakes the poll if the probe never came
    thread_.join();
    close(fd_);
  }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
  std::thread thread_;
};

TEST(ConnectLimits, RefusedConnectsNameTheirCause) {
  ListenOnceServer server;
  ASSERT_NE(server.port(), 0);
  const std::string address = "127.0.0.1:" + std::to_string(server.port());
  const RingfireRun run = run_ringfire({"-c", "2", "-d", "1s", "http://" + address + "/"});
  EXPECT_EQ(run.exit.exit_code, 1) << run.exit.err;
  EXPECT_NE(run.exit.err.find("no response received from " + address + " ("), std::string::npos)
      << run.exit.err;
  EXPECT_NE(run.exit.err.find(" connect errors: ECONNREFUSED \u2014 nothing listens there"),
            std::string::npos)
      << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  const nlohmann::json& totals = run.result.at("totals");
  const uint64_t connect_errors = totals.at("errors").at("connect").get<uint64_t>();
  EXPECT_GT(connect_errors, 0u);
  const nlohmann::json& by_cause = totals.at("connect_errors_by_cause");
  ASSERT_TRUE(by_cause.contains("ECONNREFUSED")) << by_cause.dump();
  uint64_t sum = 0;
  for (const auto& [name, n] : by_cause.items()) sum += n.get<uint64_t>();
  EXPECT_EQ(sum, connect_errors);  // the causes add up to the total
  EXPECT_EQ(by_cause.at("ECONNREFUSED").get<uint64_t>(), connect_errors);
}

// ringfire under `ulimit -Sn soft; ulimit -Hn hard` (a shell sets them; the test's own limits
// stay).
ExitResult run_with_nofile(int soft, int hard, const std::string& args) {
  const std::string script = "ulimit -Sn " + std::to_string(soft) + " && ulimit -Hn " +
                             std::to_string(hard) + " && exec " + RINGFIRE_BIN + " " + args;
  std::string error;
  auto shell = Subprocess::start({"/bin/bash", "-c", script}, &error);
  if (!shell) {
    ExitResult failed;
    failed.err = error;
    return failed;
  }
  return shell->wait(std::chrono::seconds(30));
}

TEST(ConnectLimits, TooSmallHardLimitFailsBeforeAnyConnection) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const ExitResult run = run_with_nofile(512, 512, "-t 2 -c 1000 -d 1s " + server.url());
  const std::map<std::string, int64_t> counts = server.stop_and_counts();
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err,
            "ringfire: 1000 connections need about 1040 open files, but the hard limit is 512 "
            "(raise it: ulimit -Hn 1040 as root, LimitNOFILE= for systemd, or use fewer "
            "connections)\n");
  EXPECT_TRUE(run.out.empty()) << run.out;
  ASSERT_TRUE(counts.count("connections")) << "target did not stop cleanly";
  EXPECT_EQ(counts.at("connections"), 0) << "ringfire connected before refusing";
}

TEST(ConnectLimits, SmallSoftLimitIsRaisedByRingfire) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const std::string json_path =
      ::testing::TempDir() + "ringfire-nofile-" + std::to_string(getpid()) + ".json";
  const ExitResult run =
      run_with_nofile(256, 4096, "-c 1000 -d 1s --json " + json_path + " " + server.url());
  const int64_t served = server.stop_and_count();
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(json_path);
  const nlohmann::json result = nlohmann::json::parse(in, nullptr, false);
  keep_for_schema_check(json_path);
  std::remove(json_path.c_str());
  ASSERT_TRUE(result.is_object());
  const nlohmann::json& totals = result.at("totals");
  EXPECT_GT(totals.at("completed").get<uint64_t>(), 0u);
  EXPECT_EQ(totals.at("failed").get<uint64_t>(), 0u);
  EXPECT_EQ(totals.at("errors").at("connect").get<uint64_t>(), 0u);
  EXPECT_TRUE(totals.at("connect_errors_by_cause").empty());
  EXPECT_GE(served, static_cast<int64_t>(totals.at("completed").get<uint64_t>()));
  expect_accounting(result);
}

}  // namespace
}  // namespace ringfire::testing
