// ResponseParser's entry points and the decisions between the parts: feed() hands each byte range
// to the head, body or chunked part; the head has a byte budget; the end of the head decides how
// the body is framed (end_of_head(), here). The parts, one file each:
//   http_parser_lines.cpp    whole status and header lines at once (the common case)
//   http_parser_slow.cpp     the byte-at-a-time state machine for everything else
//   http_parser_chunked.cpp  chunked bodies
// The fast paths give exactly the results of the slow path on the same bytes, so any split of the
// input gives the same answer; the unit tests check that at every split, the fuzzer at random ones.
#include "ringfire/http/http_parser.hpp"

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
    case ParseError::kBadChunkExtension:
      return "bad chunk extension";
    case ParseError::kLengthWithTransferEncoding:
      return "Content-Length with Transfer-Encoding";
    case ParseError::kCount:
      break;
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
        p = state_ <= kLastLineState ? parse_lines(p, end, begin) : parse_chunked(p, end);
        break;
    }
  }
}

// Nothing of a response read yet: no bytes, or only the empty lines before a status line.
bool ResponseParser::between_responses() const {
  return state_ == kStart || (state_ == kStatus && pos_ == 0 && (flags_ & kInterimSeen) == 0);
}

bool ResponseParser::in_progress() const {
  return error_ == ParseError::kNone && !between_responses();
}

ResponseParser::Status ResponseParser::finish() {
  if (error_ != ParseError::kNone) return Status::kError;
  if (between_responses()) return Status::kNeedMore;
  if (state_ == kBodyClose) {
    complete();
    return Status::kComplete;
  }
  error_ = ParseError::kUnexpectedEof;
  return Status::kError;
}

// The empty line after the head (or the trailers) was read: decide how the body is framed
// (RFC 9112 §6.3, in its order).
void ResponseParser::end_of_head() {
  const uint16_t status = info_.status;
  if ((flags_ & ~(kConnectionKeepAlive | kInterimSeen)) == kHaveLength && status >= 200 &&
      status != 204 && status != 304 && remaining_ != 0) {
    // The common case first: a body of Content-Length bytes (in remaining_ already), nothing else
    // to weigh.
    info_.keep_alive = info_.http_minor == 1 || (flags_ & kConnectionKeepAlive) != 0;
    info_.body_bytes = remaining_;
    state_ = kBodyLength;
    return;
  }
  if ((flags_ & kTrailers) != 0) return complete();
  if (status < 200 && status != 101) {
    // An interim response (100 Continue, 103 Early Hints): skipped; the real one follows.
    flags_ = static_cast<uint16_t>((flags_ & kHeadResponse) | kInterimSeen);
    remaining_ = 0;
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
  // No body, whatever the headers say; so no framing of theirs to doubt either.
  if ((flags_ & kHeadResponse) != 0 || status == 204 || status == 304) return complete();
  if ((flags_ & kHaveTransferEncoding) != 0) {
    // Transfer-Encoding would override Content-Length, but a response with both may be framed
    // differently by whoever sent it: counting it as complete responses could count garbage.
    if ((flags_ & kHaveLength) != 0) {
      fail(ParseError::kLengthWithTransferEncoding);
      return;
    }
    // Transfer-Encoding came with HTTP/1.1; in an HTTP/1.0 response it may have passed through
    // something that did not decode it: its framing is not to be trusted beyond this response
    // (RFC 9112 §6.1: close after it).
    if (info_.http_minor == 0) info_.keep_alive = false;
    if ((flags_ & kChunked) != 0) return begin_chunk_size();
    // Transfer-coded but not chunked last: only the close tells where the body ends.
    info_.keep_alive = false;
    state_ = kBodyClose;
    return;
  }
  if ((flags_ & kHaveLength) != 0) {
    info_.body_bytes = remaining_;
    if (remaining_ == 0) return complete();
    state_ = kBodyLength;
    return;
  }
  info_.keep_alive = false;
  state_ = kBodyClose;
}

void ResponseParser::begin_response() {
  info_ = ResponseInfo{};
  flags_ = head_ ? kHeadResponse : 0;
  remaining_ = 0;
  budget_ = limits_.max_header_bytes;
  pos_ = 0;
  state_ = kStatus;
}

}  // namespace ringfire
