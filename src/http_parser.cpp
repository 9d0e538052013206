// ResponseParser's entry points and the decisions between the parts: feed() hands each byte range
// to the head, body or chunked part; the head has a byte budget; the end of the head decides how
// the body is framed. The parts, one file each:
//   http_parser_lines.cpp    whole status and header lines at once (the common case)
//   http_parser_slow.cpp     the byte-at-a-time state machine for everything else
//   http_parser_chunked.cpp  chunked bodies
// The fast paths give exactly the results of the slow path on the same bytes, so any split of the
// input gives the same answer; the unit tests check that at every split, the fuzzer at random ones.
#include "ringfire/http_parser.hpp"

#include <algorithm>
#include <cstdint>

#include "http_parser_internal.hpp"

namespace ringfire {

using namespace parser;  // NOLINT(google-build-using-namespace): the parser's own vocabulary

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
  if (state_ == kStart) {
    begin_response();
    p = parse_head(p, end, begin);
    if (state_ == kBodyLength && remaining_ <= static_cast<uint64_t>(end - p)) [[likely]] {
      // The whole response is in the buffer: the common case, done without the loop below.
      p += remaining_;
      remaining_ = 0;
      complete();
      return {Status::kComplete, static_cast<size_t>(p - begin)};
    }
  }
  for (;;) {
    const size_t consumed = static_cast<size_t>(p - begin);
    if (error_ != ParseError::kNone) return {Status::kError, consumed};
    if (state_ == kStart) return {Status::kComplete, consumed};
    if (p == end) return {Status::kNeedMore, consumed};
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
        p = state_ <= kLastLineState ? parse_lines(p, end, begin) : parse_chunked(p, end, begin);
        break;
    }
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

}  // namespace ringfire
