// What the parts of ResponseParser (src/http_parser*.cpp) share: the meaning of its small integers
// (states, flags, header and keyword codes), the limits, and byte classes. Internal to the library.
#pragma once

#include <cstdint>

namespace ringfire::parser {

enum State : uint8_t {
  kStart = 0,  // between responses; the next byte starts one
  // Lines of the head (status line, headers) and of chunked trailers: parse_lines().
  kStatus,       // status line; pos_ bytes of "HTTP/1.x NNN" seen. At pos_ 0 empty lines are
                 // skipped (RFC 9112 §2.2), within the head's budget
  kEmptyLineLF,  // CR of an empty line before the status line seen
  kReason,       // reason phrase, up to the line end
  kStatusLF,     // CR seen in the status line
  kFirstLine,    // start of the first header line (or trailer), or of the empty line that ends
                 // the head: SP/HT here is an error, there is no field for an obs-fold to continue
  kLineStart,    // start of a later header line: SP/HT is an obs-fold continuing the one before
  kName,         // header name; header_ = candidates still matching, pos_ = bytes seen
  kValue,        // value of a header that matters, fed to value_byte()
  kValueLF,      // CR seen after such a value
  kValueFold,    // LF seen after it: SP/HT next is an obs-fold (the value goes on), else it ends
  kSkipValue,    // value of any other header
  kSkipLF,       // CR seen after it
  kEndLF,        // CR seen at the start of a line: the head (or the trailers) end here
  kLastLineState = kEndLF,
  // Body.
  kBodyLength,    // remaining_ bytes of a Content-Length body
  kBodyClose,     // body delimited by the peer closing
  kChunkSize,     // hex digits of a chunk-size line; pos_ = bytes of the line so far
  kChunkExt,      // the rest of the line after the digits; chunk_ext_ says where in it
  kChunkData,     // remaining_ bytes of chunk data
  kChunkDataEnd,  // CRLF expected after the data
  kChunkDataLF,   // CR seen after the data
};

enum Flag : uint16_t {
  kHeadResponse = 1 << 0,  // answers HEAD: no body whatever the headers say
  kHaveLength = 1 << 1,
  kHaveTransferEncoding = 1 << 2,
  kChunked = 1 << 3,  // chunked is the last transfer coding seen so far
  kConnectionClose = 1 << 4,
  kConnectionKeepAlive = 1 << 5,
  kTrailers = 1 << 6,     // the line states are reading chunked trailers, not the head
  kInterimSeen = 1 << 7,  // a 1xx head was skipped: the response is under way even at kStatus
};

// Header names that decide framing. Bits, so a name being read byte by byte can match several
// until it can't.
enum HeaderBit : uint8_t {
  kContentLength = 1,
  kTransferEncoding = 2,
  kConnection = 4,
};

// Tokens of a list-valued header that matter; 0 means "none".
enum Keyword : uint8_t { kNoKeyword = 0, kKeywordChunked, kKeywordClose, kKeywordKeepAlive };
struct KeywordText {
  uint8_t size;
  const char* lower;
};
inline constexpr KeywordText kKeywords[] = {
    {0, ""}, {7, "chunked"}, {5, "close"}, {10, "keep-alive"}};

inline constexpr uint64_t kMaxNumber = uint64_t{1} << 62;  // larger lengths are lies or attacks
inline constexpr uint16_t kMaxChunkLine = 1024;  // chunk-size line with extensions and CRLF
inline constexpr uint8_t kMaxChunkDigits = 15;   // 15 hex digits stay below 2^62

// Folds ASCII letters to lower case. Callers only compare the result with lower-case letters and
// '-', on bytes that are not control characters, and then it is exact: the only other byte that
// folds to '-' is CR.
inline unsigned char fold(unsigned char c) {
  return static_cast<unsigned char>(c | 0x20);
}
inline bool is_ows(unsigned char c) {
  return c == ' ' || c == '\t';
}

// Value of a hex digit, or -1. A table: the chunk-size line is read a digit at a time.
struct HexTable {
  int8_t value[256];
  constexpr HexTable() : value() {
    for (int c = 0; c < 256; ++c) {
      value[c] = c >= '0' && c <= '9'   ? static_cast<int8_t>(c - '0')
                 : c >= 'a' && c <= 'f' ? static_cast<int8_t>(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? static_cast<int8_t>(c - 'A' + 10)
                                        : int8_t{-1};
    }
  }
};
inline constexpr HexTable kHex{};
inline int hex_value(unsigned char c) {
  return kHex.value[c];
}

}  // namespace ringfire::parser
