// Chunked bodies: chunk data is skipped whole; a chunk-size line that is all in the buffer is read
// in one go, and one cut by the end of a buffer (or malformed) byte by byte, both with the same
// table for what may follow the size. The last chunk hands over to the line states for the
// trailers.
#include <algorithm>
#include <cstddef>
#include <string_view>

#include "http_parser_internal.hpp"
#include "ringfire/http/http_parser.hpp"

namespace ringfire {

using namespace parser;  // the parser's own vocabulary

namespace {

// The rest of a chunk-size line after its hex digits, RFC 9112 §7.1.1:
//   [ chunk-ext ] CRLF
//   chunk-ext = *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )
// BWS is allowed where the grammar puts it, before and after ';' and '=' (real servers write
// "5 ; name"), and nowhere else: whitespace must lead to a ';' or '=', so "1a \r\n" and "1a x\r\n"
// are errors, not a size with something ignored after it. Names and token values are tchars;
// quoted strings may hold backslash escapes. Read one byte at a time by one table (state x byte,
// 2.8 KB), so the whole-line path and the byte-at-a-time one cannot disagree.
enum ExtState : uint8_t {
  kAfterSize,    // right after the digits
  kBeforeSemi,   // whitespace seen: only ';' may follow
  kBeforeName,   // after ';'
  kInName,       // in a name
  kAfterName,    // whitespace after a name: '=' or ';' may follow
  kBeforeValue,  // after '='
  kInToken,      // in a token value
  kInQuoted,     // in a quoted-string value
  kEscaped,      // after a backslash in it
  kAfterQuoted,  // after its closing quote
  kLineCR,       // CR seen: LF must follow
  kExtStates,
  // Where the line ends up.
  kLineDone = kExtStates,  // LF seen: the line is complete
  kSizeError,              // not a hex digit, ';', whitespace or line end right after the digits,
                           // or CR without LF: kBadChunkSize
  kExtError,               // kBadChunkExtension
};

// What a byte is to that grammar.
enum ExtClass : uint8_t {
  kTchar,      // token character (RFC 9110 §5.6.2)
  kSemi,       // ';'
  kEquals,     // '='
  kSpace,      // SP or HT (BWS)
  kQuote,      // '"'
  kBackslash,  // '\\'
  kCR,
  kLF,
  kText,     // any other byte a quoted-string may hold: other visible ASCII, obs-text (0x80-0xff)
  kControl,  // other control bytes and DEL
  kExtClasses
};

struct ExtTable {
  uint8_t next[kExtStates][256];

  constexpr ExtTable() : next() {
    uint8_t byte_class[256] = {};
    uint8_t by_class[kExtStates][kExtClasses] = {};
    for (int c = 0; c < 256; ++c) {
      const bool tchar = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
                         (c >= 'A' && c <= 'Z') ||
                         (c < 0x7f && c > ' ' &&
                          std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
                              std::string_view::npos);
      byte_class[c] = tchar                   ? kTchar
                      : c == ';'              ? kSemi
                      : c == '='              ? kEquals
                      : c == ' ' || c == '\t' ? kSpace
                      : c == '"'              ? kQuote
                      : c == '\\'             ? kBackslash
                      : c == '\r'             ? kCR
                      : c == '\n'             ? kLF
                      : c < ' ' || c == 0x7f  ? kControl
                                             : kText;  // other visible bytes and obs-text (>= 0x80)
    }
    for (auto& row : by_class) {
      for (uint8_t& to : row) to = kExtError;
    }
    auto& next_by = by_class;  // below: next_by[state][class of the byte]
    const auto line_end = [&](ExtState s) {
      next_by[s][kCR] = kLineCR;
      next_by[s][kLF] = kLineDone;
    };
    next_by[kAfterSize][kSemi] = kBeforeName;
    next_by[kAfterSize][kSpace] = kBeforeSemi;
    line_end(kAfterSize);
    for (uint8_t& to : next_by[kAfterSize]) {
      if (to == kExtError) to = kSizeError;
    }
    next_by[kBeforeSemi][kSpace] = kBeforeSemi;
    next_by[kBeforeSemi][kSemi] = kBeforeName;
    next_by[kBeforeName][kSpace] = kBeforeName;
    next_by[kBeforeName][kTchar] = kInName;
    next_by[kInName][kTchar] = kInName;
    next_by[kInName][kSemi] = kBeforeName;
    next_by[kInName][kEquals] = kBeforeValue;
    next_by[kInName][kSpace] = kAfterName;
    line_end(kInName);
    next_by[kAfterName][kSpace] = kAfterName;
    next_by[kAfterName][kSemi] = kBeforeName;
    next_by[kAfterName][kEquals] = kBeforeValue;
    next_by[kBeforeValue][kSpace] = kBeforeValue;
    next_by[kBeforeValue][kTchar] = kInToken;
    next_by[kBeforeValue][kQuote] = kInQuoted;
    next_by[kInToken][kTchar] = kInToken;
    next_by[kInToken][kSemi] = kBeforeName;
    next_by[kInToken][kSpace] = kBeforeSemi;
    line_end(kInToken);
    for (const uint8_t k : {kTchar, kSemi, kEquals, kSpace, kText}) {
      next_by[kInQuoted][k] = kInQuoted;  // qdtext
      next_by[kEscaped][k] = kInQuoted;   // quoted-pair
    }
    next_by[kEscaped][kQuote] = kInQuoted;
    next_by[kEscaped][kBackslash] = kInQuoted;
    next_by[kInQuoted][kBackslash] = kEscaped;
    next_by[kInQuoted][kQuote] = kAfterQuoted;
    next_by[kAfterQuoted][kSemi] = kBeforeName;
    next_by[kAfterQuoted][kSpace] = kBeforeSemi;
    line_end(kAfterQuoted);
    for (uint8_t& to : next_by[kLineCR]) to = kSizeError;
    next_by[kLineCR][kLF] = kLineDone;
    for (int state = 0; state < kExtStates; ++state) {
      for (int c = 0; c < 256; ++c) next[state][c] = next_by[state][byte_class[c]];
    }
  }

  uint8_t step(uint8_t state, unsigned char c) const { return next[state][c]; }
};
constexpr ExtTable kExt{};

struct ChunkSizeLine {
  const char* next = nullptr;  // nullptr: not taken
  uint64_t size = 0;
};

// A whole, valid chunk-size line from its start p: hex digits, maybe extensions, CRLF or LF, all
// before lim and within kMaxChunkLine bytes. Anything else is left to the byte-at-a-time states,
// which find the error where it is.
ChunkSizeLine chunk_size_line(const char* p, const char* end) {
  const char* const lim = static_cast<size_t>(end - p) > kMaxChunkLine ? p + kMaxChunkLine : end;
  // One bound for the digits: a 16th one is an error (the slow path's to report).
  const char* const digits_lim = lim - p > kMaxChunkDigits ? p + kMaxChunkDigits + 1 : lim;
  const char* q = p;
  uint64_t size = 0;
  for (int v; q < digits_lim && (v = hex_value(static_cast<unsigned char>(*q))) >= 0; ++q) {
    size = size << 4 | static_cast<uint64_t>(v);
  }
  if (q == p || q == lim || q - p > kMaxChunkDigits) return {};
  if (*q == '\r' && lim - q >= 2 && q[1] == '\n') return {q + 2, size};  // the usual line end
  uint8_t state = kAfterSize;
  while (q < lim) {
    state = kExt.step(state, static_cast<unsigned char>(*q++));
    if (state >= kExtStates) return state == kLineDone ? ChunkSizeLine{q, size} : ChunkSizeLine{};
  }
  return {};
}

}  // namespace

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
        if (state_ == kChunkDataEnd && end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
          p += 2;
          begin_chunk_size();
          break;
        }
        const char c = *p++;
        if (c == '\r' && state_ == kChunkDataEnd) {
          state_ = kChunkDataLF;
        } else if (c == '\n') {
          begin_chunk_size();
        } else {
          return fail_at(ParseError::kBadChunkTerminator, p);
        }
        break;
      }
      case kChunkSize:
        if (pos_ == 0) {
          const ChunkSizeLine line = chunk_size_line(p, end);
          if (line.next != nullptr) {
            p = line.next;
            number_ = line.size;
            end_of_chunk_size();
            break;
          }
        }
        [[fallthrough]];
      case kChunkExt:
        p = chunk_line_slow(p, end);
        if (error_ != ParseError::kNone) return p;
        break;
      default:
        return p;
    }
  }
  return p;
}

// A chunk-size line a byte at a time, from where the last buffer left it: the line cut by the end
// of a buffer, and every malformed one. Returns at the end of the line, an error, or end.
const char* ResponseParser::chunk_line_slow(const char* p, const char* end) {
  for (; p < end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    ++pos_;
    if (state_ == kChunkSize) {
      const int v = hex_value(c);
      if (v >= 0) {
        if (digits_ == kMaxChunkDigits) return fail_at(ParseError::kBadChunkSize, p + 1);
        number_ = number_ << 4 | static_cast<uint64_t>(v);
        ++digits_;
        continue;
      }
      if (digits_ == 0) return fail_at(ParseError::kBadChunkSize, p + 1);
      state_ = kChunkExt;
      chunk_ext_ = kAfterSize;
    }
    // Extensions and the line end: at most kMaxChunkLine bytes of line with its CRLF.
    chunk_ext_ = kExt.step(chunk_ext_, c);
    if (pos_ > kMaxChunkLine) return fail_at(ParseError::kBadChunkSize, p + 1);
    if (chunk_ext_ < kExtStates) continue;
    if (chunk_ext_ == kLineDone) {
      end_of_chunk_size();
      return p + 1;
    }
    return fail_at(
        chunk_ext_ == kSizeError ? ParseError::kBadChunkSize : ParseError::kBadChunkExtension,
        p + 1);
  }
  return p;
}

void ResponseParser::begin_chunk_size() {
  number_ = 0;
  digits_ = 0;
  pos_ = 0;
  state_ = kChunkSize;
}

void ResponseParser::end_of_chunk_size() {
  if (number_ == 0) {
    // The last chunk: trailer lines follow, up to an empty line, with a budget of their own.
    flags_ |= kTrailers;
    budget_ = limits_.max_header_bytes;
    state_ = kFirstLine;
    return;
  }
  info_.body_bytes += number_;
  remaining_ = number_;
  state_ = kChunkData;
}

}  // namespace ringfire
