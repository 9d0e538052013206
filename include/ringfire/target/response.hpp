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
  kCount,
};

inline bool closes_connection(ResponseKind kind) {
  return kind == ResponseKind::kGetClose || kind == ResponseKind::kHeadClose ||
         kind == ResponseKind::kBadRequest;
}

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
