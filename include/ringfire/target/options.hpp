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

// --fault: one way of misbehaving on purpose, so that a client's handling of it can be tested
// against the server's own count of what it read and what it answered. kNone is the fast,
// well-behaved benchmark server.
enum class FaultMode : uint8_t {
  kNone,
  kResponseBeforeRequest,   // a complete response as soon as a connection is accepted
  kJunkAfterResponse,       // "XYZ\r\n" after every response
  kShutWriteAfterResponse,  // FIN after the first response; requests are then read, never answered
  kEmptyLines,              // "\r\n" before every response but a connection's first
  kResetMidBody,            // the head and half the body, then RST
  kCloseAfterHeaders,       // the head only (announcing a body), then FIN
  kCloseBeforeAnyByte,      // the request is read, then FIN without a byte sent
  kEndlessHeaders,          // a status line, then header lines until the client closes
  kEndlessChunked,          // a chunked body whose chunks never end
  kListenerFlap,            // listener up for flap_every, down (connections reset) for flap_every
  kCloseAnnounced,          // every response says "Connection: close" and the server closes
  kCount,
};

// The --fault name of a mode ("reset-mid-body"); "none" for kNone.
std::string_view fault_mode_name(FaultMode mode);
// The mode of a --fault name; nullopt for an unknown name.
std::optional<FaultMode> parse_fault_mode(std::string_view name);
// "response-before-request, junk-after-response, ...": every valid --fault name.
std::string fault_mode_names();

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
  FaultMode fault = FaultMode::kNone;
  std::chrono::nanoseconds flap_every{std::chrono::seconds(1)};  // kListenerFlap's half period
  bool count_paths = false;  // count responses per request path (path_counts.hpp)
  int backlog = 4096;        // listen() backlog: the accept queue. 1 to 65535
  // HTTPS: the certificate chain (PEM) served through the load generator's TLS transport, and
  // its private key ("" = in the certificate file). Empty: plain HTTP.
  std::string tls_cert;
  std::string tls_key;
};

// "4096", "64k"/"64KiB"/"64kb" (x1024), "1m"/"1MiB" (x1024^2), "1g". A bare number is bytes.
std::optional<uint64_t> parse_byte_size(std::string_view text);

// True for a literal address in 127.0.0.0/8, for ::1, and for "localhost".
bool is_loopback_address(std::string_view address);

// Empty when the options are coherent; otherwise a one-line reason.
std::string validate(const TargetOptions& options);

}  // namespace ringfire::target
