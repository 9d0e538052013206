// What the ringfire-target tests share: the server started as a subprocess on a port it picks,
// and a plain blocking HTTP client that reads responses byte-exactly.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "subprocess.hpp"

#ifndef RINGFIRE_TARGET_BIN
#error "RINGFIRE_TARGET_BIN must name the ringfire-target binary"
#endif

namespace ringfire::target_testing {

using namespace std::chrono_literals;
using ringfire::testing::ExitResult;
using ringfire::testing::Subprocess;
using Clock = std::chrono::steady_clock;

inline constexpr auto kIoTimeout = 5s;

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// What ringfire-target prints at exit.
struct Counts {
  uint64_t connections = UINT64_MAX;
  uint64_t requests_read = UINT64_MAX;
  uint64_t responses = UINT64_MAX;
  uint64_t responses_partial = UINT64_MAX;  // printed only with --fault
  uint64_t request_body_bytes = UINT64_MAX;
  // "path PATH N REQUEST_BYTES RESPONSE_BYTES" lines, printed only with --count-paths: N, and the
  // two byte counts.
  std::map<std::string, uint64_t> paths;
  std::map<std::string, std::pair<uint64_t, uint64_t>> path_bytes;
  uint64_t path_other = 0;  // printed only with --count-paths, and only when > 0 (its N)
  uint64_t requests = UINT64_MAX;
};

// "path PATH N REQUEST_BYTES RESPONSE_BYTES" -> paths[PATH] = N, path_bytes[PATH] = {REQUEST_BYTES,
// RESPONSE_BYTES}; false for any other line.
inline bool parse_path_line(const std::string& line, Counts& counts) {
  if (line.rfind("path ", 0) != 0) return false;
  std::istringstream fields(line.substr(5));
  std::string path;
  uint64_t n = 0, request_bytes = 0, response_bytes = 0;
  fields >> path >> n >> request_bytes >> response_bytes;
  if (fields.fail() || !fields.eof()) return false;
  counts.path_bytes[path] = {request_bytes, response_bytes};
  return counts.paths.emplace(path, n).second;
}

// The exit lines of a stopped server (after "listening on ..."), in their fixed order.
inline Counts parse_counts(const ExitResult& r) {
  Counts counts;
  const std::vector<std::string> lines = r.out_lines();
  // nullptr: the "path PATH N" lines, which come at that place.
  const std::pair<const char*, uint64_t*> fields[] = {
      {"connections: ", &counts.connections},
      {"requests_read: ", &counts.requests_read},
      {"responses: ", &counts.responses},
      {"responses_partial: ", &counts.responses_partial},
      {"request_body_bytes: ", &counts.request_body_bytes},
      {nullptr, nullptr},
      {"path_other: ", &counts.path_other},
      {"requests: ", &counts.requests},
  };
  size_t next = 1;  // after the listening line
  for (const auto& [name, value] : fields) {
    if (name == nullptr) {
      while (next < lines.size() && parse_path_line(lines[next], counts)) ++next;
    } else if (next < lines.size() && lines[next].rfind(name, 0) == 0) {
      *value = std::stoull(lines[next].substr(std::strlen(name)));
      ++next;
    }
  }
  EXPECT_EQ(next, lines.size()) << "unexpected stdout: " << r.out;
  EXPECT_NE(counts.requests, UINT64_MAX) << "no requests line: " << r.out;
  EXPECT_NE(counts.request_body_bytes, UINT64_MAX) << "no request_body_bytes line: " << r.out;
  EXPECT_EQ(counts.requests, counts.responses) << r.out;
  return counts;
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

  // Stops the server and returns every count it printed, checking the lines' order and that
  // "requests: N" (the same figure as "responses: N") is the last one.
  Counts stop_and_counts() { return parse_counts(stop()); }

  // Stops the server and returns its "requests: N".
  uint64_t stop_and_count(uint64_t* connections = nullptr) {
    const Counts counts = stop_and_counts();
    if (connections != nullptr) *connections = counts.connections;
    return counts.requests;
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

  // Exactly n more bytes; false on timeout or EOF first.
  bool read_bytes(size_t n, std::string& out) { return read_exact(n, out); }

  enum class End { kEof, kReset, kTimeout, kLimit, kError };
  // Every byte until the server closes (FIN: kEof, RST: kReset), `limit` bytes have come (kLimit)
  // or `wait` has passed (kTimeout).
  std::string read_until_end(End& end, size_t limit = 1 << 20,
                             std::chrono::milliseconds wait = kIoTimeout) {
    const auto deadline = Clock::now() + wait;
    for (;;) {
      if (buffer_.size() >= limit) {
        end = End::kLimit;
        break;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0) {
        end = End::kTimeout;
        break;
      }
      char chunk[65536];
      const ssize_t n = recv(fd_, chunk, std::min(sizeof chunk, limit - buffer_.size()), 0);
      if (n > 0) {
        buffer_.append(chunk, static_cast<size_t>(n));
        received_ += static_cast<uint64_t>(n);
        continue;
      }
      end = n == 0 ? End::kEof : (errno == ECONNRESET ? End::kReset : End::kError);
      break;
    }
    return std::exchange(buffer_, std::string());
  }

  int fd() const { return fd_; }
  // Bytes of the responses read so far (received and taken out of the buffer).
  uint64_t consumed() const { return received_ - buffer_.size(); }

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
    received_ += static_cast<uint64_t>(n);
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
  uint64_t received_ = 0;
};

// 0 when a TCP connection to the port could be made (it is closed again at once), else the errno.
inline int try_connect(uint16_t port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int rc = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int error = rc == 0 ? 0 : errno;
  close(fd);
  return error;
}

inline const std::string kGet = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

inline double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace ringfire::target_testing
