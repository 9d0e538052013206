// Incremental, in-place HTTP/1.1 response parser.
//
// Pure: bytes in, events out. No sockets, no allocation, no copy of the input: the worker hands it
// each kernel-filled receive buffer and recycles the buffer as soon as feed() returns. The parser
// keeps only a few integers of state, so a response may be split at any byte across any number of
// buffers, and one buffer may hold many pipelined responses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace ringfire {

// Why a response could not be parsed. Every value is a counted "parse" error for the run; the
// worker closes the connection and reopens it.
enum class ParseError : uint8_t {
  kNone = 0,
  kBadStatusLine,       // not "HTTP/1.x NNN ...": wrong version, non-digit or out-of-range status
  kBadHeader,           // header line without ':' or with a control character / bare CR in it
  kHeaderTooLarge,      // status line + headers exceed Limits::max_header_bytes (chunked trailers
                        // have the same limit of their own)
  kBadContentLength,    // non-digit, empty, conflicting duplicates, or a value over 2^62
  kBadChunkSize,        // chunk size line: non-hex, empty, over 2^62, or too long
  kBadChunkTerminator,  // chunk data not followed by CRLF
  kUnexpectedEof,       // connection closed in the middle of a response (see finish())
};

const char* to_string(ParseError e);

// What the parser knows of the response it has just completed.
struct ResponseInfo {
  uint16_t status = 0;        // 100..999; 1xx interim responses are skipped, never reported
  uint8_t http_minor = 1;     // HTTP/1.0 -> 0, HTTP/1.1 -> 1
  bool keep_alive = true;     // false: the server closes after this response (Connection: close,
                              // HTTP/1.0 without keep-alive, or a body delimited by close)
  uint64_t header_bytes = 0;  // status line + headers + final CRLF
  uint64_t body_bytes = 0;    // body as framed on the wire (for chunked: chunk data only)
};

struct ParserLimits {
  uint32_t max_header_bytes = 64 * 1024;
};

class ResponseParser {
 public:
  enum class Status : uint8_t {
    kNeedMore,  // all input consumed, response not complete yet
    kComplete,  // one response completed; info() describes it; feed the rest of the input again
    kError,     // error() says why; the connection must be dropped (state is undefined until reset)
  };

  struct Result {
    Status status;
    size_t consumed;  // bytes of the input used; on kComplete, up to the end of that response
  };

  explicit ResponseParser(ParserLimits limits = {}) : limits_(limits) {}

  // Start over for a new connection (or after an error). Keeps the set_head_request() setting.
  void reset() {
    error_ = ParseError::kNone;
    state_ = 0;
  }

  // The next response answers a HEAD request: headers only, whatever Content-Length says.
  // Applies to the next response that starts; the worker sets it before sending HEAD. It stays set
  // (across reset() too) until cleared.
  void set_head_request(bool head) { head_ = head; }

  // Parse as much of `in` as belongs to the current response. Stops at the end of one complete
  // response (so the caller can record it) and returns kComplete with the bytes used.
  // Never returns kNeedMore with less than all of `in` consumed, nor kComplete with 0 bytes.
  Result feed(std::span<const char> in);

  // The peer closed the connection. Completes a response whose body is delimited by close
  // (returns kComplete); returns kNeedMore if no response was in progress (a clean close between
  // responses) and kError/kUnexpectedEof if one was cut short.
  Status finish();

  // True when some bytes of a response have been consumed and it is not complete yet.
  bool in_progress() const { return state_ != 0 && error_ == ParseError::kNone; }

  // info() describes the last completed response until the next feed() that starts another.
  // header_bytes also counts the heads of 1xx interim responses skipped before it (they share the
  // max_header_bytes budget too, so an endless stream of 1xx is an error as well).
  const ResponseInfo& info() const { return info_; }
  ParseError error() const { return error_; }

 private:
  // The parts live in src/http_parser*.cpp, each file one job; `floor` is the start of the input
  // given to feed(), the lowest address the 16-byte scans may read.
  // http_parser.cpp: feed(), finish() and bodies framed by length or close.
  void begin_response();
  void complete() { state_ = 0; }
  // http_parser_lines.cpp: the head, with whole lines taken at once while they are in the buffer.
  const char* parse_head(const char* p, const char* end, const char* floor);
  const char* parse_lines(const char* p, const char* end, const char* floor);
  void end_of_head();
  // http_parser_slow.cpp: the byte-at-a-time state machine, for everything else.
  const char* lines_slow(const char* p, const char* lim);
  void value_begin(uint8_t header);
  bool value_byte(unsigned char c);
  bool value_end();
  void list_element_end();
  // http_parser_chunked.cpp: chunked bodies.
  const char* parse_chunked(const char* p, const char* end, const char* floor);
  void begin_chunk_size();
  void end_of_chunk_size();
  bool fail(ParseError e) {
    error_ = e;
    return false;
  }
  const char* fail_at(ParseError e, const char* p) {
    error_ = e;
    return p;
  }

  // The state: a few integers. There is one parser per connection, so it is kept within one
  // cache line.
  ParserLimits limits_;
  ResponseInfo info_{};
  ParseError error_ = ParseError::kNone;
  bool head_ = false;        // set_head_request()
  uint8_t state_ = 0;        // State in src/http_parser_internal.hpp; 0 = between responses
  uint8_t header_ = 0;       // name: candidate interesting headers (bits); value: which one
  uint8_t phase_ = 0;        // where inside a header value (before / in / after a list element)
  uint8_t keyword_ = 0;      // keyword the current list element may still match (0: none)
  uint8_t keyword_pos_ = 0;  // bytes of that keyword matched so far
  uint8_t digits_ = 0;       // hex digits of the chunk size so far
  uint16_t flags_ = 0;       // what the headers said (Flag in src/http_parser_internal.hpp)
  uint16_t pos_ = 0;         // position in the status line / header name / chunk-size line
  uint32_t budget_ = 0;      // head (or trailer) bytes still allowed
  uint64_t remaining_ = 0;   // body or chunk bytes still to skip
  uint64_t number_ = 0;      // number being accumulated (Content-Length, chunk size)
  uint64_t content_length_ = 0;
};

}  // namespace ringfire
