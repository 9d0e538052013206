// Every knob of ringfire-target, parsed and validated once by the CLI (or filled in by a test that
// embeds the server). Nothing downstream re-parses strings.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringfire::target {

struct TargetOptions {
  std::string bind = "127.0.0.1";  // loopback only (workplace network rule)
  uint16_t port = 0;               // 0: the kernel picks a free port
  unsigned threads = 1;            // one io_uring ring and one SO_REUSEPORT listener each
  std::vector<int> cpus;           // thread i is pinned to cpus[i % cpus.size()]; empty: unpinned
  uint64_t body_size = 13;         // "Hello, world!"
  int status = 200;
  std::chrono::nanoseconds delay{0};  // from "request fully received" to "response sent"
  bool chunked = false;
  uint64_t chunk_size = 4096;
  uint64_t close_every = 0;  // every Nth response on a connection closes it; 0: never
  // One stall: responses due in [start + stall_at, start + stall_at + stall_for) are held until its
  // end. stall_for == 0 disables it.
  std::chrono::nanoseconds stall_at{0};
  std::chrono::nanoseconds stall_for{0};
  bool http10 = false;  // answer as HTTP/1.0; close unless the request asked for keep-alive
};

// "4096", "64k"/"64KiB"/"64kb" (x1024), "1m"/"1MiB" (x1024^2), "1g". A bare number is bytes.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// True for a literal address in 127.0.0.0/8, for ::1, and for "localhost".
bool is_loopback_address(std::string_view address);

// Empty when the options are coherent; otherwise a one-line reason.
std::string validate(const TargetOptions& options);

}  // namespace ringfire::target
