// Incremental HTTP/1.1 response parser: a byte-at-a-time state machine, with fast paths that take a
// whole line (status line, header line) at once when it is all in the buffer. The fast paths give
// exactly the results of the slow path on the same bytes, so any split of the input gives the same
// answer; the unit tests check that at every split.
#include "ringfire/http_parser.hpp"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ringfire {
namespace {

enum State : uint8_t {
  kStart = 0,  // between responses; the next byte starts one
  // Lines of the head (status line, headers) and of chunked trailers: run_lines().
  kStatus,     // status line; pos_ bytes of "HTTP/1.x NNN" seen
  kReason,     // reason phrase, up to the line end
  kStatusLF,   // CR seen in the status line
  kLineStart,  // start of a header line, or of the empty line that ends the head
  kName,       // header name; header_ = candidates still matching, pos_ = bytes seen
  kValue,      // value of a header that matters, fed to value_byte()
  kValueLF,    // CR seen after such a value
  kSkipValue,  // value of any other header
  kSkipLF,     // CR seen after it
  kEndLF,      // CR seen at the start of a line: the head (or the trailers) end here
  kLastLineState = kEndLF,
  // Body.
  kBodyLength,    // remaining_ bytes of a Content-Length body
  kBodyClose,     // body delimited by the peer closing
  kChunkSize,     // hex digits of a chunk-size line; pos_ = bytes of the line so far
  kChunkExt,      // chunk extensions, skipped up to the line end
  kChunkSizeLF,   // CR seen in the chunk-size line
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
  kTrailers = 1 << 6,  // run_lines() is reading chunked trailers, not the head
};

// Header names that decide framing. Bits, so a name being read can match several until it can't.
enum HeaderBit : uint8_t {
  kContentLength = 1,
  kTransferEncoding = 2,
  kConnection = 4,
};

struct Name {
  uint8_t bit;
  uint8_t size;
  const char* lower;
};
constexpr Name kNames[] = {
    {kContentLength, 14, "content-length"},
    {kTransferEncoding, 17, "transfer-encoding"},
    {kConnection, 10, "connection"},
};

// Tokens of a list-valued header that matter; 0 means "none".
enum Keyword : uint8_t { kNoKeyword = 0, kKeywordChunked, kKeywordClose, kKeywordKeepAlive };
struct KeywordText {
  uint8_t size;
  const char* lower;
};
constexpr KeywordText kKeywords[] = {{0, ""}, {7, "chunked"}, {5, "close"}, {10, "keep-alive"}};

constexpr uint64_t kMaxNumber = uint64_t{1} << 62;  // larger lengths are lies or attacks
constexpr uint16_t kMaxChunkLine = 1024;            // chunk-size line with extensions and CRLF
constexpr uint8_t kMaxChunkDigits = 15;             // 15 hex digits stay below 2^62

// Folds ASCII letters to lower case. Callers only compare the result with lower-case letters and
// '-', on bytes that are not control characters, and then it is exact: the only other byte that
// folds to '-' is CR.
inline unsigned char fold(unsigned char c) {
  return static_cast<unsigned char>(c | 0x20);
}
inline bool is_ows(unsigned char c) {
  return c == ' ' || c == '\t';
}

inline uint64_t load_word(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
// True if the 8 bytes at p equal the lower-case `text` (8 chars) ignoring ASCII case.
inline bool word_is(const char* p, const char* text) {
  return (load_word(p) | 0x2020202020202020ULL) == load_word(text);
}

inline uint32_t load_short_word(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}
inline bool short_word_is(const char* p, const char* text) {
  return (load_short_word(p) | 0x20202020U) == load_short_word(text);
}

// Which header that decides framing a whole name is (0: none). Names are free of control bytes,
// spaces and ':' here, which is what makes the case folding of word_is() exact.
inline uint8_t header_named(const char* p, size_t size) {
  switch (size) {
    case 10:
      return word_is(p, "connecti") && word_is(p + 2, "nnection") ? kConnection : 0;
    case 14:
      return word_is(p, "content-") && word_is(p + 6, "t-length") ? kContentLength : 0;
    case 17:
      return word_is(p, "transfer") && word_is(p + 8, "-encodin") && word_is(p + 9, "encoding")
                 ? kTransferEncoding
                 : 0;
    default:
      return 0;
  }
}

// Candidates for a header name starting with byte c.
inline uint8_t headers_starting_with(unsigned char c) {
  switch (fold(c)) {
    case 'c':
      return kContentLength | kConnection;
    case 't':
      return kTransferEncoding;
    default:
      return 0;
  }
}

inline uint8_t keyword_starting_with(uint8_t header, unsigned char c) {
  if (header == kTransferEncoding) return fold(c) == 'c' ? kKeywordChunked : kNoKeyword;
  if (fold(c) == 'c') return kKeywordClose;
  if (fold(c) == 'k') return kKeywordKeepAlive;
  return kNoKeyword;
}

inline int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  const unsigned char f = fold(c);
  if (f >= 'a' && f <= 'f') return f - 'a' + 10;
  return -1;
}

// First control byte (< 0x20) in [p, end), or end. 16 bytes per step where SSE2 is there (always
// on x86-64): header values and reason phrases are skipped this way.
inline const char* find_control(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i max_control = _mm_set1_epi8(0x1f);
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, max_control), x));
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#endif
  while (p < end && static_cast<unsigned char>(*p) >= 0x20) ++p;
  return p;
}

// First byte in [p, end) that cannot be part of a header name (':', space or control), or end.
inline const char* find_name_stop(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(' ');
  const __m128i colon = _mm_set1_epi8(':');
  for (; end - p >= 16; p += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i stop =
        _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, space), x), _mm_cmpeq_epi8(x, colon));
    const int mask = _mm_movemask_epi8(stop);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
  }
#endif
  while (p<end&& static_cast<unsigned char>(*p)> ' ' && *p != ':') ++p;
  return p;
}

// First control byte other than HT in [p, end), or end: the CR or LF ending a line, or a bad byte.
inline const char* find_line_stop(const char* p, const char* end) {
  for (;;) {
    p = find_control(p, end);
    if (p == end || *p != '\t') return p;
    ++p;
  }
}

// Where the control bytes, and the bytes that stop a header name (control, space, ':'), are in 64
// bytes of input: bit i is byte i.
struct LineMasks {
  uint64_t control;
  uint64_t name_stop;
};

#if defined(__SSE2__)
// Bits of the control bytes and of the name-stop bytes among 16 bytes.
inline void masks_16(const char* p, uint64_t* control, uint64_t* name_stop) {
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
  const __m128i stop = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(' ')), x),
                                    _mm_cmpeq_epi8(x, _mm_set1_epi8(':')));
  *control = static_cast<uint16_t>(_mm_movemask_epi8(ctl));
  *name_stop = static_cast<uint16_t>(_mm_movemask_epi8(stop));
}
#endif

inline LineMasks line_masks_64(const char* p) {
#if defined(__SSE2__)
  uint64_t c0, c1, c2, c3, s0, s1, s2, s3;
  masks_16(p, &c0, &s0);
  masks_16(p + 16, &c1, &s1);
  masks_16(p + 32, &c2, &s2);
  masks_16(p + 48, &c3, &s3);
  return {c0 | c1 << 16 | c2 << 32 | c3 << 48, s0 | s1 << 16 | s2 << 32 | s3 << 48};
#else
  LineMasks m{0, 0};
  for (int i = 0; i < 64; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    m.control |= uint64_t{c < 0x20} << i;
    m.name_stop |= uint64_t{c <= 0x20 || c == ':'} << i;
  }
  return m;
#endif
}

// The same for the last size (< 64) bytes of the input, which cannot be read 16 at a time: they
// are looked at in a scratch copy and the bits past them cleared.
inline LineMasks line_masks_tail(const char* p, size_t size) {
  alignas(16) char scratch[64] = {};
  std::memcpy(scratch, p, size);
  LineMasks m = line_masks_64(scratch);
  const uint64_t valid = (uint64_t{1} << size) - 1;
  m.control &= valid;
  m.name_stop &= valid;
  return m;
}

}  // namespace

const char* to_string(ParseError e) {
  switch (e) {
    case ParseError::kNone:
      return "none";
    case ParseError::kBadStatusLine:
      return "bad status line";
    case ParseError::kBadHeader:
      return "bad header";
    case ParseError::kHeaderTooLarge:
      return "header too large";
    case ParseError::kBadContentLength:
      return "bad Content-Length";
    case ParseError::kBadChunkSize:
      return "bad chunk size";
    case ParseError::kBadChunkTerminator:
      return "bad chunk terminator";
    case ParseError::kUnexpectedEof:
      return "unexpected end of stream";
  }
  return "unknown";
}

ResponseParser::Result ResponseParser::feed(std::span<const char> in) {
  if (error_ != ParseError::kNone) return {Status::kError, 0};
  const char* const begin = in.data();
  const char* const end = begin + in.size();
  const char* p = begin;
  if (p == end) return {Status::kNeedMore, 0};
  if (state_ == kStart) begin_response();
  for (;;) {
    switch (state_) {
      case kBodyLength: {
        const uint64_t n = std::min<uint64_t>(remaining_, static_cast<uint64_t>(end - p));
        p += n;
        remaining_ -= n;
        if (remaining_ == 0) complete();
        break;
      }
      case kBodyClose:
        info_.body_bytes += static_cast<uint64_t>(end - p);
        p = end;
        break;
      default:
        p = state_ <= kLastLineState ? parse_lines(p, end) : parse_chunked(p, end);
        break;
    }
    const size_t consumed = static_cast<size_t>(p - begin);
    if (error_ != ParseError::kNone) return {Status::kError, consumed};
    if (state_ == kStart) return {Status::kComplete, consumed};
    if (p == end) return {Status::kNeedMore, consumed};
  }
}

ResponseParser::Status ResponseParser::finish() {
  if (error_ != ParseError::kNone) return Status::kError;
  if (state_ == kStart) return Status::kNeedMore;
  if (state_ == kBodyClose) {
    complete();
    return Status::kComplete;
  }
  error_ = ParseError::kUnexpectedEof;
  return Status::kError;
}

void ResponseParser::begin_response() {
  info_ = ResponseInfo{};
  flags_ = head_ ? kHeadResponse : 0;
  content_length_ = 0;
  budget_ = limits_.max_header_bytes;
  pos_ = 0;
  state_ = kStatus;
}

void ResponseParser::complete() {
  state_ = kStart;
}

// Runs the line states on at most budget_ bytes, so a head that never ends is an error after
// max_header_bytes however it is split, and costs no memory meanwhile.
const char* ResponseParser::parse_lines(const char* p, const char* end) {
  const char* const from = p;
  const char* const lim = static_cast<size_t>(end - p) > budget_ ? p + budget_ : end;
  p = run_lines(p, lim);
  const auto used = static_cast<uint32_t>(p - from);
  budget_ -= used;
  if ((flags_ & kTrailers) == 0) info_.header_bytes += used;
  if (error_ == ParseError::kNone && p == lim && lim != end && state_ != kStart &&
      state_ <= kLastLineState) {
    error_ = ParseError::kHeaderTooLarge;
  }
  return p;
}

const char* ResponseParser::run_lines(const char* p, const char* lim) {
  while (p < lim && state_ != kStart && state_ <= kLastLineState) {
    const auto c = static_cast<unsigned char>(*p);
    switch (state_) {
      case kStatus: {
        if (pos_ == 0) {
          const char* q = status_line_fast(p, lim);
          if (q == nullptr) return p;
          if (q != p) {
            p = q;
            break;
          }
        }
        ++p;
        bool ok;
        if (pos_ < 7) {
          ok = c == static_cast<unsigned char>("HTTP/1."[pos_]);
        } else if (pos_ == 7) {
          ok = c == '0' || c == '1';
          info_.http_minor = static_cast<uint8_t>(c - '0');
        } else if (pos_ == 8) {
          ok = c == ' ';
        } else if (pos_ < 12) {
          ok = c >= (pos_ == 9 ? '1' : '0') && c <= '9';
          info_.status = static_cast<uint16_t>(info_.status * 10 + (c - '0'));
        } else {
          ok = c == ' ' || c == '\r' || c == '\n';
          state_ = c == ' ' ? kReason : c == '\r' ? kStatusLF : kLineStart;
        }
        if (!ok) return fail_at(ParseError::kBadStatusLine, p);
        ++pos_;
        break;
      }
      case kReason:
      case kSkipValue: {
        const char* q = find_line_stop(p, lim);
        if (q == lim) return lim;
        const bool reason = state_ == kReason;
        p = q + 1;
        if (*q == '\n') {
          state_ = kLineStart;
        } else if (*q == '\r') {
          state_ = reason ? kStatusLF : kSkipLF;
        } else {
          return fail_at(reason ? ParseError::kBadStatusLine : ParseError::kBadHeader, p);
        }
        break;
      }
      case kStatusLF:
        ++p;
        if (c != '\n') return fail_at(ParseError::kBadStatusLine, p);
        state_ = kLineStart;
        break;
      case kLineStart: {
        // Fast path: whole header lines, one after another, while they are in the buffer.
        unsigned char first = c;
        while (first != '\r' && first != '\n') {
          const char* q = header_lines_bulk(p, lim);
          if (q == nullptr) return p;
          if (q != p) {
            p = q;
            if (p == lim) return p;
            first = static_cast<unsigned char>(*p);
            if (first == '\r' || first == '\n') break;
          }
          q = header_line_fast(p, lim);
          if (q == nullptr) return p;
          if (q == p) break;  // an incomplete line: the bytes of it there are go the slow way
          p = q;
          if (p == lim) return p;
          first = static_cast<unsigned char>(*p);
        }
        if (first == '\r' && lim - p >= 2 && p[1] == '\n') {
          p += 2;
          end_of_head();
          break;
        }
        ++p;
        if (first == '\r') {
          state_ = kEndLF;
        } else if (first == '\n') {
          end_of_head();
        } else if (first == ':' || first <= ' ') {
          return fail_at(ParseError::kBadHeader, p);
        } else {
          header_ = (flags_ & kTrailers) != 0 ? 0 : headers_starting_with(first);
          pos_ = 1;
          state_ = kName;
        }
        break;
      }
      case kName:
        ++p;
        if (c == ':') {
          uint8_t matched = 0;
          for (const Name& n : kNames) {
            if ((header_ & n.bit) != 0 && pos_ == n.size) matched = n.bit;
          }
          if (matched != 0) {
            value_begin(matched);
            state_ = kValue;
          } else {
            state_ = kSkipValue;
          }
        } else if (c <= ' ') {
          return fail_at(ParseError::kBadHeader, p);
        } else if (header_ != 0) {
          for (const Name& n : kNames) {
            if ((header_ & n.bit) != 0 &&
                (pos_ >= n.size || fold(c) != static_cast<unsigned char>(n.lower[pos_]))) {
              header_ = static_cast<uint8_t>(header_ & ~n.bit);
            }
          }
          ++pos_;
        }
        break;
      case kValue:
        ++p;
        if (c == '\n') {
          if (!value_end()) return p;
          state_ = kLineStart;
        } else if (c == '\r') {
          state_ = kValueLF;
        } else if (c < ' ' && c != '\t') {
          return fail_at(ParseError::kBadHeader, p);
        } else if (!value_byte(c)) {
          return p;
        }
        break;
      case kValueLF:
        ++p;
        if (c != '\n') return fail_at(ParseError::kBadHeader, p);
        if (!value_end()) return p;
        state_ = kLineStart;
        break;
      case kSkipLF:
        ++p;
        if (c != '\n') return fail_at(ParseError::kBadHeader, p);
        state_ = kLineStart;
        break;
      case kEndLF:
        ++p;
        if (c != '\n') return fail_at(ParseError::kBadHeader, p);
        end_of_head();
        break;
      default:
        break;
    }
  }
  return p;
}

// The whole status line at once, if it is all before lim. Returns p when it is not (the slow path
// takes over), nullptr on error, else the byte after its LF.
const char* ResponseParser::status_line_fast(const char* p, const char* lim) {
  if (lim - p < 13) return p;
  const auto digit = [](char ch) { return static_cast<unsigned>(ch - '0'); };
  const bool ok = std::memcmp(p, "HTTP/1.", 7) == 0 && digit(p[7]) <= 1 && p[8] == ' ' &&
                  digit(p[9]) - 1 <= 8 && digit(p[10]) <= 9 && digit(p[11]) <= 9 &&
                  (p[12] == ' ' || p[12] == '\r' || p[12] == '\n');
  if (!ok) return fail_at(ParseError::kBadStatusLine, nullptr);
  const char* stop = find_line_stop(p + 12, lim);
  const char* next;
  if (stop == lim) return p;
  if (*stop == '\n') {
    next = stop + 1;
  } else if (*stop == '\r') {
    if (stop + 1 == lim) return p;
    if (stop[1] != '\n') return fail_at(ParseError::kBadStatusLine, nullptr);
    next = stop + 2;
  } else {
    return fail_at(ParseError::kBadStatusLine, nullptr);
  }
  info_.http_minor = static_cast<uint8_t>(digit(p[7]));
  info_.status = static_cast<uint16_t>(digit(p[9]) * 100 + digit(p[10]) * 10 + digit(p[11]));
  state_ = kLineStart;
  return next;
}

// Bulk fast path: a run of complete, ordinary header lines, 64 bytes of input at a time. A line is
// taken here if its only control bytes are its CRLF (or LF), its name has no space, and either the
// name is not one that decides framing or its value is a common one. Anything else (the empty line
// ending the head, an incomplete line, a line longer than 64 bytes, anything odd) stops it, and the
// line is left to header_line_fast() and the slow path, which find errors in the right order.
// Returns where it stopped, or nullptr on error.
const char* ResponseParser::header_lines_bulk(const char* p, const char* lim) {
  const bool trailers = (flags_ & kTrailers) != 0;
  for (;;) {
    const size_t window = std::min<size_t>(64, static_cast<size_t>(lim - p));
    const LineMasks m = window == 64 ? line_masks_64(p) : line_masks_tail(p, window);
    size_t s = 0;  // start of the current line in the window
    while (s < 64) {
      const uint64_t controls = m.control >> s;
      if (controls == 0) break;  // the line goes on past the window
      const size_t e = s + static_cast<size_t>(__builtin_ctzll(controls));
      if (e == s) return p + s;  // the empty line (or an odd one)
      size_t next;
      if (p[e] == '\n') {
        next = e + 1;
      } else if (p[e] == '\r' && e + 1 < window && p[e + 1] == '\n') {
        next = e + 2;
      } else {
        return p + s;  // HT, a bare CR, another control byte, or a CR at the window's end
      }
      // The name ends at its first stop byte; the line's first control byte is one, at worst.
      const size_t colon = s + static_cast<size_t>(__builtin_ctzll(m.name_stop >> s));
      if (colon == s || p[colon] != ':') return p + s;
      const uint8_t header = trailers ? 0 : header_named(p + s, colon - s);
      if (header != 0) {
        if (!common_value(header, p + colon + 1, p + e)) return p + s;
        if (!value_end()) return nullptr;
      }
      s = next;
    }
    if (s == 0) return p;  // a line longer than 64 bytes
    p += s;
    if (p == lim) return p;
  }
}

// One whole header line at once, if it is all before lim: find the ':' and the line end 16 bytes
// at a time, look at the value only if the name (by its length, then its words) is one that
// decides framing. Returns p when the line is incomplete (the slow path takes over), nullptr on
// error, else the byte after its LF. Errors come in the order the slow path would find them.
const char* ResponseParser::header_line_fast(const char* p, const char* lim) {
  const char* colon = find_name_stop(p, lim);
  if (colon == lim) return p;
  if (colon == p || *colon != ':') return fail_at(ParseError::kBadHeader, nullptr);
  const char* value = colon + 1;
  const char* stop = find_line_stop(value, lim);
  if (stop == lim) return p;
  const char* next = nullptr;  // stays null for a control byte or a CR without LF
  if (*stop == '\n') {
    next = stop + 1;
  } else if (*stop == '\r') {
    if (stop + 1 == lim) return p;
    if (stop[1] == '\n') next = stop + 2;
  }
  const uint8_t header =
      (flags_ & kTrailers) != 0 ? 0 : header_named(p, static_cast<size_t>(colon - p));
  if (header != 0) {
    if (next != nullptr && common_value(header, value, stop)) return value_end() ? next : nullptr;
    value_begin(header);
    for (const char* v = value; v < stop; ++v) {
      if (!value_byte(static_cast<unsigned char>(*v))) return nullptr;
    }
    if (next == nullptr) return fail_at(ParseError::kBadHeader, nullptr);
    if (!value_end()) return nullptr;
    return next;
  }
  if (next == nullptr) return fail_at(ParseError::kBadHeader, nullptr);
  return next;
}

// The empty line after the head (or the trailers) was read: decide how the body is framed.
void ResponseParser::end_of_head() {
  if ((flags_ & kTrailers) != 0) return complete();
  const uint16_t status = info_.status;
  if (status < 200 && status != 101) {
    // An interim response (100 Continue, 103 Early Hints): skipped; the real one follows.
    flags_ &= kHeadResponse;
    content_length_ = 0;
    info_.status = 0;
    pos_ = 0;
    state_ = kStatus;
    return;
  }
  if ((flags_ & kConnectionClose) != 0) {
    info_.keep_alive = false;
  } else {
    info_.keep_alive = info_.http_minor == 1 || (flags_ & kConnectionKeepAlive) != 0;
  }
  if (status == 101) {
    // Switching protocols: what follows is no longer HTTP/1.1, so this connection is done.
    info_.keep_alive = false;
    return complete();
  }
  if ((flags_ & kHeadResponse) != 0 || status == 204 || status == 304) return complete();
  if ((flags_ & kHaveTransferEncoding) != 0) {
    if ((flags_ & kChunked) != 0) {
      number_ = 0;
      digits_ = 0;
      pos_ = 0;
      state_ = kChunkSize;
      return;
    }
    // Transfer-coded but not chunked last: only the close tells where the body ends.
    info_.keep_alive = false;
    state_ = kBodyClose;
    return;
  }
  if ((flags_ & kHaveLength) != 0) {
    info_.body_bytes = content_length_;
    if (content_length_ == 0) return complete();
    remaining_ = content_length_;
    state_ = kBodyLength;
    return;
  }
  info_.keep_alive = false;
  state_ = kBodyClose;
}

// The values almost every server sends ("13", "keep-alive", "close", "chunked"), recognized
// whole and left in the state value_byte() would have reached on them, for value_end() to commit.
// Anything else returns false and goes through value_byte().
bool ResponseParser::common_value(uint8_t header, const char* v, const char* e) {
  while (v < e && is_ows(static_cast<unsigned char>(*v))) ++v;
  while (e > v && is_ows(static_cast<unsigned char>(e[-1]))) --e;
  const size_t size = static_cast<size_t>(e - v);
  uint8_t keyword = kNoKeyword;
  if (header == kContentLength) {
    if (size == 0 || size > 18) return false;  // 18 digits cannot overflow kMaxNumber
    uint64_t n = 0;
    for (; v < e; ++v) {
      const unsigned d = static_cast<unsigned char>(*v) - unsigned{'0'};
      if (d > 9) return false;
      n = n * 10 + d;
    }
    number_ = n;
  } else if (header == kConnection) {
    if (size == 10 && word_is(v, "keep-ali") && word_is(v + 2, "ep-alive")) {
      keyword = kKeywordKeepAlive;
    } else if (size == 5 && short_word_is(v, "clos") && short_word_is(v + 1, "lose")) {
      keyword = kKeywordClose;
    } else {
      return false;
    }
  } else {
    if (size != 7 || !short_word_is(v, "chun") || !short_word_is(v + 3, "nked")) return false;
    keyword = kKeywordChunked;
  }
  header_ = header;
  phase_ = 1;
  keyword_ = keyword;
  keyword_pos_ = kKeywords[keyword].size;
  return true;
}

void ResponseParser::value_begin(uint8_t header) {
  header_ = header;
  phase_ = 0;
  number_ = 0;
  keyword_ = kNoKeyword;
  keyword_pos_ = 0;
}

// One byte of a Content-Length, Transfer-Encoding or Connection value (never CR, LF or another
// control byte but HT). phase_: 0 before the number / list element, 1 inside it, 2 after it.
bool ResponseParser::value_byte(unsigned char c) {
  if (header_ == kContentLength) {
    if (c >= '0' && c <= '9') {
      const unsigned d = c - '0';
      if (phase_ == 2 || number_ > (kMaxNumber - d) / 10)
        return fail(ParseError::kBadContentLength);
      number_ = number_ * 10 + d;
      phase_ = 1;
      return true;
    }
    if (!is_ows(c)) return fail(ParseError::kBadContentLength);
    if (phase_ == 1) phase_ = 2;
    return true;
  }
  // A comma-separated list of tokens, each maybe with ";parameters".
  if (c == ',') {
    list_element_end();
    phase_ = 0;
  } else if (phase_ == 0) {
    if (!is_ows(c)) {
      keyword_ = keyword_starting_with(header_, c);
      keyword_pos_ = 1;
      phase_ = 1;
    }
  } else if (phase_ == 1) {
    if (is_ows(c) || c == ';') {
      phase_ = 2;
    } else if (keyword_ != kNoKeyword) {
      const KeywordText& k = kKeywords[keyword_];
      if (keyword_pos_ < k.size && fold(c) == static_cast<unsigned char>(k.lower[keyword_pos_])) {
        ++keyword_pos_;
      } else {
        keyword_ = kNoKeyword;
      }
    }
  }
  return true;
}

void ResponseParser::list_element_end() {
  if (phase_ == 0) return;  // empty elements ("a, , b") do not count
  const bool whole = keyword_ != kNoKeyword && keyword_pos_ == kKeywords[keyword_].size;
  if (header_ == kTransferEncoding) {
    // Only the last coding decides: "chunked, gzip" is not chunked framing.
    flags_ |= kHaveTransferEncoding;
    flags_ = static_cast<uint16_t>(whole ? flags_ | kChunked : flags_ & ~kChunked);
  } else if (whole) {
    flags_ |= keyword_ == kKeywordClose ? kConnectionClose : kConnectionKeepAlive;
  }
}

bool ResponseParser::value_end() {
  if (header_ != kContentLength) {
    list_element_end();
    return true;
  }
  if (phase_ == 0) return fail(ParseError::kBadContentLength);
  if ((flags_ & kHaveLength) != 0 && content_length_ != number_) {
    return fail(ParseError::kBadContentLength);
  }
  flags_ |= kHaveLength;
  content_length_ = number_;
  return true;
}

const char* ResponseParser::parse_chunked(const char* p, const char* end) {
  while (p < end && state_ > kLastLineState) {
    switch (state_) {
      case kChunkData: {
        const uint64_t n = std::min<uint64_t>(remaining_, static_cast<uint64_t>(end - p));
        p += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = kChunkDataEnd;
        break;
      }
      case kChunkDataEnd:
      case kChunkDataLF: {
        const char c = *p++;
        if (c == '\r' && state_ == kChunkDataEnd) {
          state_ = kChunkDataLF;
        } else if (c == '\n') {
          number_ = 0;
          digits_ = 0;
          pos_ = 0;
          state_ = kChunkSize;
        } else {
          return fail_at(ParseError::kBadChunkTerminator, p);
        }
        break;
      }
      case kChunkSize: {
        const auto c = static_cast<unsigned char>(*p++);
        ++pos_;
        const int v = hex_value(c);
        if (v >= 0) {
          if (digits_ == kMaxChunkDigits) return fail_at(ParseError::kBadChunkSize, p);
          number_ = number_ << 4 | static_cast<uint64_t>(v);
          ++digits_;
        } else if (digits_ == 0) {
          return fail_at(ParseError::kBadChunkSize, p);
        } else if (c == ';' || is_ows(c)) {
          state_ = kChunkExt;
        } else if (c == '\r') {
          state_ = kChunkSizeLF;
        } else if (c == '\n') {
          end_of_chunk_size();
        } else {
          return fail_at(ParseError::kBadChunkSize, p);
        }
        break;
      }
      case kChunkExt: {
        // Extensions are skipped, but only up to kMaxChunkLine bytes of line.
        const size_t allowed = kMaxChunkLine - pos_;
        const char* lim = static_cast<size_t>(end - p) > allowed ? p + allowed : end;
        const char* q = find_line_stop(p, lim);
        if (q == lim) {
          pos_ = static_cast<uint16_t>(pos_ + (q - p));
          p = q;
          if (lim != end) return fail_at(ParseError::kBadChunkSize, p);
          break;
        }
        pos_ = static_cast<uint16_t>(pos_ + (q + 1 - p));
        p = q + 1;
        if (*q == '\n') {
          end_of_chunk_size();
        } else if (*q == '\r') {
          state_ = kChunkSizeLF;
        } else {
          return fail_at(ParseError::kBadChunkSize, p);
        }
        break;
      }
      case kChunkSizeLF:
        ++pos_;
        if (*p++ != '\n' || pos_ > kMaxChunkLine) return fail_at(ParseError::kBadChunkSize, p);
        end_of_chunk_size();
        break;
      default:
        break;
    }
  }
  return p;
}

void ResponseParser::end_of_chunk_size() {
  if (number_ == 0) {
    // The last chunk: trailer lines follow, up to an empty line, with a budget of their own.
    flags_ |= kTrailers;
    budget_ = limits_.max_header_bytes;
    state_ = kLineStart;
    return;
  }
  info_.body_bytes += number_;
  remaining_ = number_;
  state_ = kChunkData;
}

}  // namespace ringfire
