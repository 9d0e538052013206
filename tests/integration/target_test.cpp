// ringfire-target end to end: the real binary as a subprocess, spoken to with plain blocking
// sockets on loopback. Each test checks the wire bytes and, at SIGTERM, the server's own count.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "subprocess.hpp"

#ifndef RINGFIRE_TARGET_BIN
#error "RINGFIRE_TARGET_BIN must name the ringfire-target binary"
#endif

namespace {

using namespace std::chrono_literals;
using ringfire::testing::ExitResult;
using ringfire::testing::Subprocess;
using Clock = std::chrono::steady_clock;

constexpr auto kIoTimeout = 5s;

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The server under test: started with --port 0, its port parsed from the listening line.
class Target {
 public:
  explicit Target(std::vector<std::string> args) {
    std::vector<std::string> argv = {RINGFIRE_TARGET_BIN, "--port", "0", "--quiet",
                                     "--duration",        "60s"};  // bound even if a test forgets
    argv.insert(argv.end(), args.begin(), args.end());
    std::string error;
    process_ = Subprocess::start(argv, &error);
    if (!process_) {
      ADD_FAILURE() << error;
      return;
    }
    auto line = process_->read_line(kIoTimeout);
    if (!line || line->rfind("listening on 127.0.0.1:", 0) != 0) {
      ADD_FAILURE() << "no listening line, got: " << line.value_or("<nothing>");
      return;
    }
    port_ = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  }

  uint16_t port() const { return port_; }
  bool ok() const { return port_ != 0; }

  // SIGTERM; returns the exit and checks the two closing lines' shape.
  ExitResult stop() {
    ExitResult r = process_->stop(SIGTERM);
    EXPECT_FALSE(r.timed_out);
    EXPECT_TRUE(r.exited);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r;
  }

  // Stops the server and returns its "requests: N" (and checks it is the last line).
  uint64_t stop_and_count(uint64_t* connections = nullptr) {
    const ExitResult r = stop();
    const auto lines = r.out_lines();
    if (lines.size() < 3) {
      ADD_FAILURE() << "short stdout: " << r.out;
      return UINT64_MAX;
    }
    EXPECT_EQ(lines[lines.size() - 2].rfind("connections: ", 0), 0u) << r.out;
    EXPECT_EQ(lines.back().rfind("requests: ", 0), 0u) << r.out;
    if (connections != nullptr) {
      *connections = std::stoull(lines[lines.size() - 2].substr(13));
    }
    return std::stoull(lines.back().substr(10));
  }

 private:
  std::unique_ptr<Subprocess> process_;
  uint16_t port_ = 0;
};

struct Response {
  std::string version;
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::vector<size_t> chunk_sizes;  // when chunked

  bool has(const std::string& name) const { return headers.count(name) > 0; }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking loopback client with a buffered, strict HTTP/1.1 response reader.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{static_cast<time_t>(kIoTimeout.count()), 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    const int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    EXPECT_TRUE(connected_) << "connect: " << std::strerror(errno);
  }
  ~Client() {
    if (fd_ >= 0) close(fd_);
  }

  void send_all(const std::string& bytes) {
    size_t at = 0;
    while (at < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << "send: " << std::strerror(errno);
      at += static_cast<size_t>(n);
    }
  }

  // Reads one response; nullopt (with a test failure) on timeout, EOF or bad framing.
  std::optional<Response> read_response(bool head_request = false) {
    Response r;
    std::string line;
    if (!read_line(line)) return fail("no status line");
    const size_t sp1 = line.find(' ');
    if (sp1 == std::string::npos) return fail("bad status line: " + line);
    r.version = line.substr(0, sp1);
    r.status = std::stoi(line.substr(sp1 + 1, 3));
    for (;;) {
      if (!read_line(line)) return fail("headers cut short");
      if (line.empty()) break;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) return fail("bad header: " + line);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      r.headers[lower(line.substr(0, colon))] = value;
    }
    if (head_request) return r;
    if (lower(r.header("transfer-encoding")) == "chunked") {
      for (;;) {
        if (!read_line(line)) return fail("chunk size line missing");
        const size_t size = std::stoul(line, nullptr, 16);
        if (size == 0) {
          if (!read_line(line) || !line.empty()) return fail("bad chunked trailer");
          return r;
        }
        r.chunk_sizes.push_back(size);
        std::string data;
        if (!read_exact(size, data)) return fail("chunk cut short");
        r.body += data;
        if (!read_line(line) || !line.empty()) return fail("chunk not followed by CRLF");
      }
    }
    const size_t length = r.has("content-length") ? std::stoul(r.header("content-length")) : 0;
    if (!read_exact(length, r.body)) return fail("body cut short");
    return r;
  }

  // True when the server closed the connection (EOF) with no further bytes.
  bool at_eof() {
    if (!buffer_.empty()) return false;
    char c = 0;
    return recv(fd_, &c, 1, 0) == 0;
  }

  int fd() const { return fd_; }

 private:
  std::optional<Response> fail(const std::string& why) {
    ADD_FAILURE() << why;
    return std::nullopt;
  }
  bool fill() {
    char chunk[65536];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  bool read_line(std::string& line) {
    for (;;) {
      const size_t crlf = buffer_.find("\r\n");
      if (crlf != std::string::npos) {
        line = buffer_.substr(0, crlf);
        buffer_.erase(0, crlf + 2);
        return true;
      }
      if (!fill()) return false;
    }
  }
  bool read_exact(size_t n, std::string& out) {
    while (buffer_.size() < n) {
      if (!fill()) return false;
    }
    out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

const std::string kGet = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

TEST(Target, KeepAliveGet) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    for (int i = 0; i < 3; ++i) {
      client.send_all(kGet);
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->version, "HTTP/1.1");
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->header("server"), "ringfire-target");
      EXPECT_EQ(r->header("content-length"), "13");
      EXPECT_FALSE(r->has("connection"));
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), 3u);
  EXPECT_EQ(connections, 1u);
}

TEST(Target, TenPipelinedRequestsInOneWrite) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    std::string batch;
    for (int i = 0; i < 10; ++i) batch += kGet;
    client.send_all(batch);
    for (int i = 0; i < 10; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r) << "response " << i;
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 10u);
}

TEST(Target, RequestSplitByteByByte) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    const std::string request = "GET /split HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
    for (char c : request) {
      client.send_all(std::string(1, c));
      std::this_thread::sleep_for(1ms);  // makes separate segments (and reads) likely
    }
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    client.send_all(kGet);  // the connection's framing state is clean afterwards
    ASSERT_TRUE(client.read_response());
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, PostBodyIsSkippedAcrossReads) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    const std::string body(100000, 'b');
    client.send_all("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                    body.substr(0, 30000));
    std::this_thread::sleep_for(20ms);
    client.send_all(body.substr(30000) + kGet);  // the rest of the body, then a pipelined GET
    for (int i = 0; i < 2; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r) << "response " << i;
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, HeadGetsHeadersOnly) {
  Target target({"--body-size", "1000"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + kGet);
    auto head = client.read_response(/*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->header("content-length"), "1000");
    // Had the HEAD response carried a body, this would read body bytes as a status line.
    auto get = client.read_response();
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    EXPECT_EQ(get->body.size(), 1000u);
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, ChunkedFraming) {
  Target target({"--chunked", "--body-size", "10000", "--chunk-size", "4096"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + kGet);
    for (int i = 0; i < 2; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->header("transfer-encoding"), "chunked");
      EXPECT_FALSE(r->has("content-length"));
      EXPECT_EQ(r->chunk_sizes, (std::vector<size_t>{4096, 4096, 1808}));
      ASSERT_EQ(r->body.size(), 10000u);
      EXPECT_EQ(r->body.substr(0, 14), "Hello, world!\n");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, LargeBodySurvivesShortSends) {
  Target target({"--body-size", "4MiB"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + kGet + kGet);
    for (int i = 0; i < 3; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->body.size(), 4u << 20);
    }
  }
  EXPECT_EQ(target.stop_and_count(), 3u);
}

TEST(Target, CloseEveryThirdResponse) {
  Target target({"--close-every", "3"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    for (int i = 1; i <= 3; ++i) {
      client.send_all(kGet);
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(lower(r->header("connection")), i == 3 ? "close" : "") << "response " << i;
    }
    EXPECT_TRUE(client.at_eof());
  }
  {
    // Pipelined past the closing response: exactly 3 answers, then EOF (not a reset).
    Client client(target.port());
    client.send_all(kGet + kGet + kGet + kGet + kGet);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.read_response());
    EXPECT_TRUE(client.at_eof());
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), 6u);
  EXPECT_EQ(connections, 2u);
}

TEST(Target, ConnectionCloseRequestIsHonoured) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(lower(r->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 1u);
}

TEST(Target, Http10Mode) {
  Target target({"--http10"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto kept = client.read_response();
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->version, "HTTP/1.0");
    EXPECT_EQ(lower(kept->header("connection")), "keep-alive");
    client.send_all("GET / HTTP/1.0\r\n\r\n");
    auto last = client.read_response();
    ASSERT_TRUE(last);
    EXPECT_EQ(lower(last->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, DelayHoldsEachResponse) {
  Target target({"--delay", "50ms"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    auto t0 = Clock::now();
    client.send_all(kGet);
    ASSERT_TRUE(client.read_response());
    const double one = ms_since(t0);
    EXPECT_GE(one, 50.0);
    EXPECT_LT(one, 500.0);

    // Pipelined requests arrive together, so their delays run concurrently, in order.
    t0 = Clock::now();
    client.send_all(kGet + kGet + kGet + kGet + kGet);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.read_response());
    const double five = ms_since(t0);
    EXPECT_GE(five, 50.0);
    EXPECT_LT(five, 200.0);  // 250 ms or more would mean the delays were served one by one
  }
  {
    // Ten connections delayed at once: a sleeping server thread would take 500 ms.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 10; ++i) clients.push_back(std::make_unique<Client>(target.port()));
    const auto t0 = Clock::now();
    for (auto& c : clients) c->send_all(kGet);
    for (auto& c : clients) ASSERT_TRUE(c->read_response());
    const double ten = ms_since(t0);
    EXPECT_GE(ten, 50.0);
    EXPECT_LT(ten, 400.0);
  }
  EXPECT_EQ(target.stop_and_count(), 16u);
}

TEST(Target, StallHoldsResponsesUntilItEnds) {
  // The stall covers [500 ms, 1500 ms) after start.
  Target target({"--stall-at", "500ms", "--stall-for", "1s"});
  ASSERT_TRUE(target.ok());
  const auto started = Clock::now();  // no earlier than the server's own start
  Client client(target.port());
  auto t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  EXPECT_LT(ms_since(t0), 300.0);  // before the stall: prompt

  std::this_thread::sleep_until(started + 800ms);
  t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  const double held = ms_since(t0);
  EXPECT_GE(held, 400.0);  // held until ~1500 ms after start, i.e. ~700 ms here
  EXPECT_LT(held, 1500.0);

  t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  EXPECT_LT(ms_since(t0), 300.0);  // after the stall: prompt again (it happens once)
  EXPECT_EQ(target.stop_and_count(), 3u);
}

TEST(Target, StatusCode) {
  Target target({"--status", "503"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet);
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, "Hello, world!");
  }
  EXPECT_EQ(target.stop_and_count(), 1u);
}

TEST(Target, GarbageGets400AndClose) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + "\x01\x02 this is not http\r\n\r\n");
    auto ok = client.read_response();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(lower(bad->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  {
    Client client(target.port());  // refused at the request line, before any blank line
    client.send_all("NOT A REQUEST\r\n");
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 3u);  // a 400 is a response too
}

TEST(Target, OversizedHeaderBlockGets400) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
    while (request.size() <= 70 * 1024) request += "X-Filler: " + std::string(100, 'f') + "\r\n";
    client.send_all(request);  // never finished: the server must give up at 64 KiB
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_TRUE(client.at_eof());
  }
  {
    Client client(target.port());  // just under the limit is fine
    std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
    while (request.size() <= 60 * 1024) request += "X-Filler: " + std::string(100, 'f') + "\r\n";
    client.send_all(request + "\r\n");
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, RefusesNonLoopbackBind) {
  std::string error;
  auto process =
      Subprocess::start({RINGFIRE_TARGET_BIN, "--bind", "10.0.0.1", "--port", "0"}, &error);
  ASSERT_TRUE(process) << error;
  const ExitResult r = process->wait(5s);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "want one line, got: " << r.err;
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;
}

TEST(Target, ExplicitPortAlreadyInUseIsRefused) {
  Target first({});
  ASSERT_TRUE(first.ok());
  // SO_REUSEPORT must not let a second server quietly take half of the first one's connections.
  auto second = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--port", std::to_string(first.port()), "--duration", "5s"});
  ASSERT_TRUE(second);
  const ExitResult r = second->wait(5s);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
  EXPECT_EQ(first.stop_and_count(), 0u);
}

TEST(Target, ListensOnIpv6Loopback) {
  auto process = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--bind", "::1", "--port", "0", "--quiet", "--duration", "10s"});
  ASSERT_TRUE(process);
  auto line = process->read_line(kIoTimeout);
  if (!line || line->rfind("listening on [::1]:", 0) != 0) {
    process->stop(SIGKILL);
    GTEST_SKIP() << "no IPv6 loopback here: " << line.value_or("<nothing>");
  }
  const auto port = static_cast<uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(port);
  address.sin6_addr = in6addr_loopback;
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(send(fd, kGet.data(), kGet.size(), MSG_NOSIGNAL), static_cast<ssize_t>(kGet.size()));
  char buffer[256];
  const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
  close(fd);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buffer, 15), "HTTP/1.1 200 OK");
  const ExitResult r = process->stop(SIGTERM);
  ASSERT_FALSE(r.out_lines().empty());
  EXPECT_EQ(r.out_lines().back(), "requests: 1");
}

TEST(Target, DurationEndsTheServer) {
  std::string error;
  auto process = Subprocess::start(
      {RINGFIRE_TARGET_BIN, "--port", "0", "--duration", "300ms", "--quiet"}, &error);
  ASSERT_TRUE(process) << error;
  const auto t0 = Clock::now();
  const ExitResult r = process->wait(5s);
  EXPECT_GE(ms_since(t0), 200.0);
  EXPECT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 0);
  const auto lines = r.out_lines();
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[1], "connections: 0");
  EXPECT_EQ(lines[2], "requests: 0");
}

TEST(Target, SigtermCountIsExactAcrossThreads) {
  Target target({"--threads", "2"});
  ASSERT_TRUE(target.ok());
  uint64_t sent = 0;
  {
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 16; ++i) clients.push_back(std::make_unique<Client>(target.port()));
    for (int round = 0; round < 5; ++round) {
      for (size_t i = 0; i < clients.size(); ++i) {
        const int depth = 1 + static_cast<int>(i % 4);  // 1..4 pipelined per write
        std::string batch;
        for (int k = 0; k < depth; ++k) batch += kGet;
        clients[i]->send_all(batch);
        for (int k = 0; k < depth; ++k) ASSERT_TRUE(clients[i]->read_response());
        sent += static_cast<uint64_t>(depth);
      }
    }
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), sent);
  EXPECT_EQ(connections, 16u);
}

TEST(Target, HelpExitsZero) {
  auto process = Subprocess::start({RINGFIRE_TARGET_BIN, "--help"});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(5s);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--close-every"), std::string::npos);
}

}  // namespace
