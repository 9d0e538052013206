// ringfire's command line end to end: usage errors exit 2 with one line before anything is
// resolved or connected, repeatable options take one value each, and a run that reaches nothing
// exits 1 with one line and still writes its --json file saying where it stopped.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A name glibc refuses without asking a DNS server (a label over 63 bytes cannot be encoded),
// so the test sends nothing off this machine.
const std::string kUnresolvableHost = std::string(64, 'a') + ".test";

// A socket bound to 127.0.0.1 but not listening: connects to its port are refused, and nothing
// else can take the port while the test holds it.
class RefusingPort {
 public:
  RefusingPort() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
      port_ = ntohs(a.sin_port);
    }
  }
  ~RefusingPort() { close(fd_); }
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

// Answers every request head with an empty 200 and keeps the first head it read, so a test can
// see what ringfire sent. One connection at a time (ringfire's probe closes before the run).
class CapturingServer {
 public:
  CapturingServer() : fd_(listen_loopback(16)) {
    if (fd_ >= 0) port_ = bound_port(fd_);
    thread_ = std::thread([this] { serve(); });
  }
  ~CapturingServer() {
    stop_.store(true);
    thread_.join();
    close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  std::string first_request() {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

 private:
  void serve() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    pollfd p{fd_, POLLIN, 0};
    while (!stop_.load() && std::chrono::steady_clock::now() < deadline) {
      if (poll(&p, 1, 20) <= 0) continue;
      const int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) answer(c, deadline);
    }
  }
  void answer(int c, std::chrono::steady_clock::time_point deadline) {
    static constexpr std::string_view kReply = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
    std::string pending;
    char buf[4096];
    pollfd p{c, POLLIN, 0};
    while (!stop_.load() && std::chrono::steady_clock::now() < deadline) {
      if (poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = read(c, buf, sizeof(buf));
      if (n <= 0) break;
      pending.append(buf, static_cast<size_t>(n));
      for (size_t end; (end = pending.find("\r\n\r\n")) != std::string::npos;) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          if (first_.empty()) first_ = pending.substr(0, end + 4);
        }
        pending.erase(0, end + 4);
        (void)!write(c, kReply.data(), kReply.size());
      }
    }
    close(c);
  }

  int fd_;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mutex_;
  std::string first_;
  std::thread thread_;
};

// Each case is a usage error: exit 2, one line "ringfire: ..." holding `words`, nothing on stdout.
void expect_usage_error(const std::vector<std::string>& args, const std::string& words) {
  const RingfireRun run = run_ringfire(args, std::chrono::seconds(10));
  const std::string shown = ::testing::PrintToString(args) + " -> " + run.exit.err;
  EXPECT_EQ(run.exit.exit_code, 2) << shown;
  EXPECT_EQ(lines(run.exit.err), 1u) << shown;
  EXPECT_EQ(run.exit.err.rfind("ringfire: ", 0), 0u) << shown;
  EXPECT_NE(run.exit.err.find(words), std::string::npos) << shown << "(want: " << words << ")";
  EXPECT_TRUE(run.exit.out.empty()) << shown << run.exit.out;
  EXPECT_LT(run.seconds, 3.0) << shown;
}

TEST(Cli, UrlUsageErrorsExitTwoWithTheReason) {
  expect_usage_error({"http://::1:8080/"}, "write http://[::1]:8080/");
  expect_usage_error({"http://local host:8080/"}, "' ' is not allowed in a host name");
  expect_usage_error({"http://:8080/"}, "URL has no host");
  expect_usage_error({"http://127.0.0.1:0/"}, "port 0 in 'http://127.0.0.1:0/' is out of range");
  expect_usage_error({"http://127.0.0.1:65536/"}, "is out of range (1-65535)");
  expect_usage_error({"http://127.0.0.1:http/"}, "bad port 'http'");
  expect_usage_error({"--cacert", "ca.pem", "http://127.0.0.1/"}, "need an https:// URL");
  expect_usage_error({"--tls-version", "1.1", "https://127.0.0.1/"}, "bad --tls-version '1.1'");
  expect_usage_error({"--ktls", "on", "https://127.0.0.1/"}, "--ktls on: kTLS is not available");
  expect_usage_error({"127.0.0.1:8080"}, "URL must start with http://");
}

// The old parser read http://::1:PORT/ as host "::1", port PORT, and connected: hold a listener
// there and check that ringfire refused the URL without knocking.
TEST(Cli, BareIpv6IsRefusedBeforeAnyConnect) {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  socklen_t len = sizeof(a);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 4) != 0) {
    if (fd >= 0) close(fd);
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string port = std::to_string(ntohs(a.sin6_port));
  expect_usage_error({"http://::1:" + port + "/"}, "write http://[::1]:" + port + "/");
  pollfd p{fd, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 0), 0) << "ringfire connected before refusing the URL";
  close(fd);
}

TEST(Cli, OptionUsageErrorsExitTwo) {
  expect_usage_error({"-d", "10x", "http://127.0.0.1:1/"}, "bad --duration '10x'");
  expect_usage_error({"-c", "0", "http://127.0.0.1:1/"}, "--connections must be between 1");
  expect_usage_error({"-t", "4", "-c", "2", "http://127.0.0.1:1/"}, "--threads 4 is more than");
  expect_usage_error({"-H", "no colon", "http://127.0.0.1:1/"}, "bad --header 'no colon'");
  expect_usage_error({"--body-file", "/no/such/body", "http://127.0.0.1:1/"},
                     "cannot read --body-file '/no/such/body': No such file or directory");
  expect_usage_error({"--bogus", "http://127.0.0.1:1/"}, "--bogus");
  expect_usage_error({"http://127.0.0.1:1/", "extra\nword"}, "extra\\nword");  // still one line
  expect_usage_error({}, "a URL is required");
}

TEST(Cli, HeaderBeforeTheUrlRuns) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-H", "Accept: application/json", "-c", "4", "-n", "200", server.url()});
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  EXPECT_EQ(run.result.at("totals").at("completed").get<uint64_t>(), 200u);
  EXPECT_EQ(served, 200);
}

TEST(Cli, EveryHeaderIsSentAsGiven) {
  CapturingServer server;
  const RingfireRun run = run_ringfire(
      {"-H", "Accept: application/json", "-H", "X-Second: 2", "-c", "1", "-n", "1", server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const std::string request = server.first_request();
  EXPECT_EQ(request.rfind("GET / HTTP/1.1\r\n", 0), 0u) << request;
  EXPECT_NE(request.find("\r\nAccept: application/json\r\n"), std::string::npos) << request;
  EXPECT_NE(request.find("\r\nX-Second: 2\r\n"), std::string::npos) << request;
}

// The --json file of a run that never started: schema, config, and where and why it stopped.
void expect_failure_json(const RingfireRun& run, const std::string& stage) {
  ASSERT_TRUE(run.result.is_object()) << "no --json file";
  EXPECT_EQ(run.result.at("schema").get<std::string>(), "ringfire.result/2");
  const json& failure = run.result.at("failure");
  EXPECT_EQ(failure.at("stage").get<std::string>(), stage);
  // The reason is the line on stderr, without the prefix and the newline.
  EXPECT_EQ("ringfire: " + failure.at("reason").get<std::string>() + "\n", run.exit.err);
  EXPECT_TRUE(run.result.at("config").at("endpoint").is_null());
  EXPECT_EQ(run.result.at("config").at("connections").get<uint32_t>(), 2u);
  EXPECT_FALSE(run.result.contains("totals")) << "the run never started";
}

TEST(Cli, RefusedPortExitsOneAndStillWritesTheJson) {
  RefusingPort refusing;
  ASSERT_NE(refusing.port(), 0);
  const std::string address = "127.0.0.1:" + std::to_string(refusing.port());
  const RingfireRun run = run_ringfire({"-c", "2", "-d", "5s", "http://" + address + "/"});
  EXPECT_EQ(run.exit.exit_code, 1);
  EXPECT_LT(run.seconds, 3.0);
  EXPECT_EQ(run.exit.err, "ringfire: cannot connect to " + address + " (Connection refused)\n");
  EXPECT_TRUE(run.exit.out.empty()) << "no table of zeros: " << run.exit.out;
  expect_failure_json(run, "connect");
  EXPECT_EQ(run.result.at("config").at("url").get<std::string>(), "http://" + address + "/");
}

TEST(Cli, UnresolvableNameExitsOneAndStillWritesTheJson) {
  const RingfireRun run = run_ringfire({"-c", "2", "http://" + kUnresolvableHost + "/"});
  EXPECT_EQ(run.exit.exit_code, 1);
  EXPECT_EQ(lines(run.exit.err), 1u) << run.exit.err;
  EXPECT_NE(run.exit.err.find("cannot resolve '" + kUnresolvableHost + "'"), std::string::npos)
      << run.exit.err;
  expect_failure_json(run, "resolve");
}

// A run that went but got no response: the failure beside everything it counted.
TEST(Cli, NoResponseWritesTheFailureBesideTheTotals) {
  RawServer server("this is not HTTP\r\n\r\n");
  const RingfireRun run = run_ringfire(
      {"-c", "2", "-d", "500ms", "http://127.0.0.1:" + std::to_string(server.port()) + "/"});
  EXPECT_EQ(run.exit.exit_code, 1);
  EXPECT_EQ(lines(run.exit.err), 1u) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  const json& failure = run.result.at("failure");
  EXPECT_EQ(failure.at("stage").get<std::string>(), "response");
  EXPECT_EQ("ringfire: " + failure.at("reason").get<std::string>() + "\n", run.exit.err);
  EXPECT_NE(failure.at("reason").get<std::string>().find("parse errors"), std::string::npos);
  EXPECT_GT(run.result.at("totals").at("errors").at("parse").get<uint64_t>(), 0u);
  EXPECT_EQ(run.result.at("totals").at("completed").get<uint64_t>(), 0u);
}

}  // namespace
}  // namespace ringfire::testing
