// One HTTP/2 client connection's protocol state: nghttp2's session in callback mode over memory.
// Pure, as the HTTP/1.1 parser is: bytes in (receive(), from the kernel-filled buffer in place),
// bytes out (output(), which the worker's ring sends), and events: which streams ended and how.
// The worker matches those to its ledger by stream id (engine/ledger.hpp).
//
// What it allocates: nghttp2's own state (HPACK tables, stream objects, frame queues), counted by
// H2Memory; the output buffer once (it grows to the largest flush); the stream slots and the event
// list once per connection, sized by the streams asked for. Nothing else per request.
#pragma once

#include <nghttp2/nghttp2.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "ringfire/http2/h2_request.hpp"

namespace ringfire {

// A counting nghttp2_mem: one per worker. Each block carries its size in front, so that free()
// can subtract it; `peak` is what the report gives as nghttp2's memory.
class H2Memory {
 public:
  H2Memory();
  nghttp2_mem* get() { return &mem_; }
  size_t now() const { return now_; }
  size_t peak() const { return peak_; }

 private:
  static void* on_malloc(size_t size, void* self);
  static void on_free(void* ptr, void* self);
  static void* on_calloc(size_t n, size_t size, void* self);
  static void* on_realloc(void* ptr, size_t size, void* self);
  nghttp2_mem mem_{};
  size_t now_ = 0;
  size_t peak_ = 0;
};

struct H2Settings {
  uint32_t streams = 100;     // SETTINGS_MAX_CONCURRENT_STREAMS we keep open (--streams)
  uint32_t window_bits = 30;  // stream and connection window 2^bits - 1 (--window-bits)
};

struct H2Event {
  enum class Kind : uint8_t {
    kResponse,      // the stream ended with a complete response
    kReset,         // the server reset the stream (RST_STREAM; `code` says why)
    kNotProcessed,  // above a GOAWAY's last-stream-id: the server never looked at it
  };
  Kind kind = Kind::kResponse;
  uint32_t code = 0;  // HTTP/2 error code (kReset)
  int32_t stream = 0;
  uint16_t status = 0;
  uint64_t body_bytes = 0;
  uint64_t response_bytes = 0;  // header name and value bytes plus the body
};

class H2Session {
 public:
  H2Session() = default;
  H2Session(const H2Session&) = delete;
  H2Session& operator=(const H2Session&) = delete;
  ~H2Session() { close(); }

  // A new client session: the preface, SETTINGS and the connection WINDOW_UPDATE are queued.
  bool open(const H2Settings& settings, H2Memory& memory);
  void close();
  bool is_open() const { return session_ != nullptr; }

  // May another stream be opened: the session is open, no GOAWAY came, and fewer than both our
  // and the server's concurrency limit are open.
  bool can_submit() const;
  // A new stream for `request` (which must outlive it): its id, or < 0.
  int32_t submit(const H2Request& request);
  // What nghttp2 wants sent, copied into the session's buffer (valid until the next call).
  std::span<const char> output();
  // Server bytes. False: the connection is broken (a protocol error; nghttp2 queued a GOAWAY).
  bool receive(std::span<const char> bytes);
  std::vector<H2Event>& events() { return events_; }

  // The server's SETTINGS_MAX_CONCURRENT_STREAMS (until it says: unlimited).
  uint32_t remote_max_streams() const;
  bool goaway_received() const { return goaway_; }
  // nghttp2 ended the session itself (a connection error: bad frame, HPACK failure, flood) and
  // has sent its GOAWAY: it reads nothing more, so the connection is over.
  bool terminated() const;
  uint32_t goaway_code() const { return goaway_code_; }
  int32_t goaway_last_stream() const { return goaway_last_; }
  // A GOAWAY arrived since the last call (counted once).
  bool take_goaway() {
    const bool g = goaway_new_;
    goaway_new_ = false;
    return g;
  }

 private:
  struct Stream {
    const H2Request* request = nullptr;
    size_t body_sent = 0;
    uint64_t header_bytes = 0;
    uint64_t body_bytes = 0;
    uint16_t status = 0;
  };
  static nghttp2_session_callbacks* callbacks();
  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                       size_t namelen, const uint8_t* value, size_t valuelen, uint8_t flags,
                       void* self);
  static int on_data(nghttp2_session*, uint8_t flags, int32_t stream, const uint8_t* data,
                     size_t len, void* self);
  static int on_frame(nghttp2_session*, const nghttp2_frame* frame, void* self);
  static int on_close(nghttp2_session*, int32_t stream, uint32_t code, void* self);
  static ssize_t read_body(nghttp2_session*, int32_t stream, uint8_t* buf, size_t length,
                           uint32_t* flags, nghttp2_data_source* source, void* self);

  nghttp2_session* session_ = nullptr;
  uint32_t streams_limit_ = 0;
  std::vector<Stream> slots_;   // one per stream we may keep open
  std::vector<uint32_t> free_;  // free slot indices
  std::vector<char> out_;
  std::vector<H2Event> events_;
  bool goaway_ = false;
  bool goaway_new_ = false;
  uint32_t goaway_code_ = 0;
  int32_t goaway_last_ = 0;
};

}  // namespace ringfire
