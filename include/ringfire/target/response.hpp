// The target's responses, rendered once at start-up. The hot path only picks one and points an
// iovec at its bytes: no formatting and no allocation per request.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "ringfire/target/options.hpp"

namespace ringfire::target {

// Which prerendered response a request gets. The "connection" part says how the response frames the
// connection's future: kept open silently (HTTP/1.1 default), kept open with an explicit
// "Connection: keep-alive" (what an HTTP/1.0 peer needs to hear), or closed after it.
enum class ResponseKind : uint8_t {
  kGet,            // full response, connection stays open
  kGetKeepAlive,   // full response + "Connection: keep-alive"
  kGetClose,       // full response + "Connection: close"; the server closes after it
  kHead,           // headers only (HEAD request)
  kHeadKeepAlive,  // headers only + "Connection: keep-alive"
  kHeadClose,      // headers only + "Connection: close"
  kBadRequest,     // 400, "Connection: close"; the server closes after it
  // Pieces only the --fault modes send. None of them is a complete response.
  kJunk,                // "XYZ\r\n": bytes that are not a response
  kEmptyLine,           // "\r\n" between responses
  kHeadersOnly,         // kGet's head, announcing a body that never comes (a partial response)
  kHalfBody,            // kGet's head and half its body (a partial response)
  kNothing,             // no bytes at all (close-before-any-byte)
  kEndlessHeadersHead,  // status line and first headers, no blank line (a partial response)
  kEndlessHeaderLines,  // more header lines, sent again and again
  kEndlessChunkedHead,  // a chunked response's head (a partial response)
  kEndlessChunks,       // more chunks of it, sent again and again; never the last chunk
  kCount,
};

inline constexpr ResponseKind kFirstFaultPiece = ResponseKind::kJunk;

// A fault piece that begins a response which will never be completed.
inline bool begins_partial_response(ResponseKind kind) {
  return kind == ResponseKind::kHeadersOnly || kind == ResponseKind::kHalfBody ||
         kind == ResponseKind::kEndlessHeadersHead || kind == ResponseKind::kEndlessChunkedHead;
}

inline bool closes_connection(ResponseKind kind) {
  return kind == ResponseKind::kGetClose || kind == ResponseKind::kHeadClose ||
         kind == ResponseKind::kBadRequest;
}

// What the connection does once a queued piece has been sent.
enum class AfterSend : uint8_t {
  kContinue,    // go on reading and answering
  kLinger,      // FIN, then read (and count) what still comes until the peer closes or 1 s
  kLingerLong,  // FIN, then read (and count) until the peer closes, however long that takes
  kReset,       // RST (SO_LINGER {1, 0} and close)
  kRepeat,      // send the same piece again, until the peer goes away
};

// Picks the kind for one request: `head` (method HEAD), whether the connection stays open and
// whether keeping it open must be said out loud (HTTP/1.0 on either side).
ResponseKind pick_response_kind(bool head, bool keep_open, bool explicit_keep_alive);

std::string_view reason_phrase(int status);

class ResponseSet {
 public:
  explicit ResponseSet(const TargetOptions& options);

  // The bytes of one response.
  std::string_view bytes(ResponseKind kind) const {
    const auto i = static_cast<size_t>(kind);
    return {storage_[i].data(), sizes_[i]};
  }
  // Small responses are stored as several back-to-back copies, so a batch of identical pipelined
  // responses is one contiguous range (one iovec, one plain send). copies(kind) >= 1.
  const char* data(ResponseKind kind) const { return storage_[static_cast<size_t>(kind)].data(); }
  size_t size(ResponseKind kind) const { return sizes_[static_cast<size_t>(kind)]; }
  size_t copies(ResponseKind kind) const { return copies_[static_cast<size_t>(kind)]; }

 private:
  static constexpr size_t kKinds = static_cast<size_t>(ResponseKind::kCount);
  std::array<std::string, kKinds> storage_;
  std::array<size_t, kKinds> sizes_{};
  std::array<size_t, kKinds> copies_{};
};

// The response body for --body-size n: "Hello, world!" for 13, else that text repeated (with line
// breaks) and cut to n bytes.
std::string make_body(uint64_t size);

}  // namespace ringfire::target
