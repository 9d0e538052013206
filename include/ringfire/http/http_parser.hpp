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
                        // (also a CR not followed by LF in an empty line before it)
  kBadHeader,           // header line without ':' or with a control character / bare CR in it,
                        // or an obs-fold line (starting with SP/HT) with no field before it
  kHeaderTooLarge,      // empty lines before the status line + status line + headers exceed
                        // ParserLimits::max_header_bytes (chunked trailers have the same limit of
                        // their own)
  kBadContentLength,    // non-digit, empty, conflicting duplicates, a list ("5, 5"), or over 2^62
  kBadChunkSize,        // chunk size line: no hex digit, over 2^62, too long (1024 bytes), a byte
                        // right after the digits that cannot follow them ("5x"), or a CR in the
                        // line not followed by LF
  kBadChunkTerminator,  // chunk data not followed by CRLF
  kUnexpectedEof,       // connection closed in the middle of a response (see finish())
  kBadChunkExtension,   // what follows the chunk size is not *(BWS ";" BWS name [BWS "=" BWS
                        // value]) (RFC 9112 §7.1.1): whitespace not followed by ';' ("1a \r\n"),
                        // no ';' ("1a x"), an empty or non-token name or value, an unclosed quote
  kLengthWithTransferEncoding,  // a response whose body the headers frame has both Content-Length
                                // and Transfer-Encoding (RFC 9112 §6.3: ought to be an error)
  kCount,  // not an error: how many values there are (Counters::parse_errors must hold them all)
};

const char* to_string(ParseError e);

// What the parser knows of the response it has just completed.
struct ResponseInfo {
  uint16_t status = 0;        // 100..999; 1xx interim responses are skipped, never reported
  uint8_t http_minor = 1;     // HTTP/1.0 -> 0, HTTP/1.1 -> 1
  bool keep_alive = true;     // false: the server closes after this response (Connection: close,
                              // HTTP/1.0 without keep-alive or with Transfer-Encoding, 101, or a
                              // body delimited by close)
  uint64_t header_bytes = 0;  // status line + headers + final CRLF, and the empty lines and 1xx
                              // interim heads skipped before them
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

  // True when some bytes of a response have been consumed and it is not complete yet: with no
  // error, exactly when finish() would not return kNeedMore. Empty lines before a status line are
  // not part of a response (RFC 9112 §2.2): a connection closed after them closes cleanly.
  bool in_progress() const;

  // info() describes the last completed response until the next feed() with bytes after it.
  // header_bytes also counts the heads of 1xx interim responses skipped before it (they share the
  // max_header_bytes budget too, so an endless stream of 1xx is an error as well).
  const ResponseInfo& info() const { return info_; }
  ParseError error() const { return error_; }

 private:
  // The parts live in src/http_parser*.cpp, each file one job; `floor` is the start of the input
  // given to feed(), the lowest address the 16-byte scans may read.
  // http_parser.cpp: feed(), finish(), how the head frames the body, bodies framed by length or
  // close.
  void begin_response();
  void end_of_head();
  void complete() { state_ = 0; }
  bool between_responses() const;
  // http_parser_lines.cpp: the head, with whole lines taken at once while they are in the buffer.
  const char* parse_head(const char* p, const char* end, const char* floor);
  const char* parse_lines(const char* p, const char* end, const char* floor);
  // http_parser_slow.cpp: the byte-at-a-time state machine, for everything else.
  const char* lines_slow(const char* p, const char* lim);
  bool status_byte(unsigned char c);
  bool name_byte(unsigned char c);
  bool line_start_byte(unsigned char c);
  void value_begin(uint8_t header);
  bool value_byte(unsigned char c);
  bool value_end();
  void list_element_end();
  // http_parser_chunked.cpp: chunked bodies.
  const char* parse_chunked(const char* p, const char* end);
  const char* chunk_line_slow(const char* p, const char* end);
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

  // The state: a few integers. There is one parser per connection, so it is kept to 64 bytes, a
  // cache line's worth (checked below; whether it also sits in one line is up to the layout of the
  // connection holding it).
  ResponseInfo info_{};
  ParserLimits limits_;
  uint32_t budget_ = 0;  // head (or trailer) bytes still allowed
  ParseError error_ = ParseError::kNone;
  bool head_ = false;        // set_head_request()
  uint8_t state_ = 0;        // State in src/http_parser_internal.hpp; 0: between responses
  uint8_t header_ = 0;       // name: candidate interesting headers (bits); value: which one
  uint8_t phase_ = 0;        // where inside a header value (before / in / after a list element)
  uint8_t keyword_ = 0;      // keyword the current list element may still match (0: none)
  uint8_t keyword_pos_ = 0;  // bytes of that keyword matched so far
  uint8_t digits_ = 0;       // hex digits of the chunk size so far
  uint16_t flags_ = 0;       // what the headers said (Flag in src/http_parser_internal.hpp)
  uint16_t pos_ = 0;         // position in the status line / header name / chunk-size line
  uint8_t chunk_ext_ = 0;  // where inside a chunk-size line's extensions (src/http_parser_chunked)
  // While the head is read, the Content-Length seen so far; then the body or chunk bytes still to
  // skip. One field for both: the length a head declares is the body that follows it.
  uint64_t remaining_ = 0;
  uint64_t number_ = 0;  // number being accumulated (a Content-Length value, a chunk size)
};

static_assert(sizeof(ResponseParser) <= 64, "one parser per connection: keep it to a cache line");

}  // namespace ringfire
