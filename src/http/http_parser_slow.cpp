// The byte-at-a-time state machine for the status line, header lines and trailers. It takes what
// the fast path (http_parser_lines.cpp) leaves: a line cut by the end of a buffer, a value that is
// not a common one, and every malformed line, whose error it finds at the byte where it is.
// Only the reason phrase and values that do not matter are skipped 16 bytes at a time.
#include <cstddef>

#include "http_parser_internal.hpp"
#include "http_scan.hpp"
#include "ringfire/http/http_parser.hpp"

namespace ringfire {

using namespace parser;  // the parser's own vocabulary

namespace {

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

// Candidates for a header name starting with byte c.
uint8_t headers_starting_with(unsigned char c) {
  switch (fold(c)) {
    case 'c':
      return kContentLength | kConnection;
    case 't':
      return kTransferEncoding;
    default:
      return 0;
  }
}

uint8_t keyword_starting_with(uint8_t header, unsigned char c) {
  if (header == kTransferEncoding) return fold(c) == 'c' ? kKeywordChunked : kNoKeyword;
  if (fold(c) == 'c') return kKeywordClose;
  if (fold(c) == 'k') return kKeywordKeepAlive;
  return kNoKeyword;
}

// A CR seen in `state` not followed by LF: in the status line (or an empty line before it), or in
// a header line.
constexpr ParseError missing_lf(uint8_t state) {
  return state <= kStatusLF ? ParseError::kBadStatusLine : ParseError::kBadHeader;
}

// Where a line goes on after the LF that must follow a CR seen in `state`.
constexpr uint8_t after_lf(uint8_t state) {
  switch (state) {
    case kEmptyLineLF:
      return kStatus;  // pos_ is still 0: a status line or another empty line
    case kStatusLF:
      return kFirstLine;
    case kValueLF:
      return kValueFold;
    default:
      return kLineStart;  // kSkipLF
  }
}

}  // namespace

// One byte of the status line (or of an empty line before it). False: not a status line.
bool ResponseParser::status_byte(unsigned char c) {
  if (pos_ == 0 && (c == '\r' || c == '\n')) {
    // An empty line where a status line is due: skipped (RFC 9112 §2.2), on the budget.
    if (c == '\r') state_ = kEmptyLineLF;
    return true;
  }
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
    state_ = c == ' ' ? kReason : c == '\r' ? kStatusLF : kFirstLine;
  }
  if (!ok) return false;
  ++pos_;
  return true;
}

// One byte of a header name: narrows the names it can still be, and at ':' starts its value.
// False: a byte no header name may hold.
bool ResponseParser::name_byte(unsigned char c) {
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
    return true;
  }
  if (c <= ' ') return false;
  if (header_ != 0) {
    for (const Name& n : kNames) {
      if ((header_ & n.bit) != 0 &&
          (pos_ >= n.size || fold(c) != static_cast<unsigned char>(n.lower[pos_]))) {
        header_ = static_cast<uint8_t>(header_ & ~n.bit);
      }
    }
    ++pos_;
  }
  return true;
}

// The first byte of a header line, or of the empty line that ends the head. False: a byte no
// header line may start with.
bool ResponseParser::line_start_byte(unsigned char c) {
  if (c == '\r') {
    state_ = kEndLF;
  } else if (c == '\n') {
    end_of_head();
  } else if (is_ows(c) && state_ == kLineStart) {
    // obs-fold (RFC 9112 §5.2): the line continues the value before it, one of a header that
    // does not matter (those that do end in kValueFold instead).
    state_ = kSkipValue;
  } else if (c == ':' || c <= ' ') {
    return false;
  } else {
    header_ = (flags_ & kTrailers) != 0 ? 0 : headers_starting_with(c);
    pos_ = 1;
    state_ = kName;
  }
  return true;
}

// Goes on until the start of the next line (where the fast path may take over again), the end of
// the head, an error, or lim. Consumes at least one byte, unless all it does is end a value at the
// first byte of the next line (kValueFold), which that line's own parse then consumes.
const char* ResponseParser::lines_slow(const char* p, const char* lim) {
  do {
    const auto c = static_cast<unsigned char>(*p);
    switch (state_) {
      case kStatus:
        ++p;
        if (!status_byte(c)) return fail_at(ParseError::kBadStatusLine, p);
        break;
      case kEmptyLineLF:
      case kStatusLF:
      case kValueLF:
      case kSkipLF:
        ++p;
        if (c != '\n') return fail_at(missing_lf(state_), p);
        state_ = after_lf(state_);
        break;
      case kReason:
      case kSkipValue: {
        const char* q = scan::Window(p, lim).line_stop(p);
        if (q == lim) return lim;
        const bool reason = state_ == kReason;
        p = q + 1;
        if (*q == '\n') {
          state_ = reason ? kFirstLine : kLineStart;
        } else if (*q == '\r') {
          state_ = reason ? kStatusLF : kSkipLF;
        } else {
          return fail_at(reason ? ParseError::kBadStatusLine : ParseError::kBadHeader, p);
        }
        break;
      }
      case kFirstLine:
      case kLineStart:
        ++p;
        if (!line_start_byte(c)) return fail_at(ParseError::kBadHeader, p);
        if (error_ != ParseError::kNone) return p;  // end_of_head() found the framing wrong
        break;
      case kName:
        ++p;
        if (!name_byte(c)) return fail_at(ParseError::kBadHeader, p);
        break;
      case kValue:
        ++p;
        if (c == '\n') {
          state_ = kValueFold;
        } else if (c == '\r') {
          state_ = kValueLF;
        } else if (c < ' ' && c != '\t') {
          return fail_at(ParseError::kBadHeader, p);
        } else if (!value_byte(c)) {
          return p;
        }
        break;
      case kValueFold:
        // The value ends only where the next line does not continue it: "Connection: keep-alive,
        // \r\n close" means close. An obs-fold counts as the space it is replaced with.
        if (is_ows(c)) {
          ++p;
          value_byte(' ');  // whitespace is never an error in a value
          state_ = kValue;
          break;
        }
        if (!value_end()) return p;
        state_ = kLineStart;
        return p;
      case kEndLF:
        ++p;
        if (c != '\n') return fail_at(ParseError::kBadHeader, p);
        end_of_head();
        if (error_ != ParseError::kNone) return p;
        break;
      default:
        return p;
    }
  } while (p < lim && state_ != kLineStart && state_ != kFirstLine && state_ != kStart &&
           state_ <= kLastLineState && !(state_ == kStatus && pos_ == 0));
  return p;
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
  if ((flags_ & kHaveLength) != 0 && remaining_ != number_) {
    return fail(ParseError::kBadContentLength);
  }
  flags_ |= kHaveLength;
  remaining_ = number_;
  return true;
}

}  // namespace ringfire
