// libFuzzer target for ResponseParser. Input layout: byte 0 picks the options (HEAD, a small or the
// default header limit) and how many of the next bytes are piece sizes; the rest is the stream.
// The stream is fed in those pieces, whole, and byte by byte; every run must keep the feed()
// contract and all three must describe the same responses and end in the same error.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "ringfire/http_parser.hpp"

namespace {

using ringfire::ParseError;
using ringfire::ParserLimits;
using ringfire::ResponseInfo;
using ringfire::ResponseParser;
using Status = ResponseParser::Status;

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  std::vector<ResponseInfo> responses;
  ParseError error = ParseError::kNone;
};

bool same(const ResponseInfo& a, const ResponseInfo& b) {
  return a.status == b.status && a.http_minor == b.http_minor && a.keep_alive == b.keep_alive &&
         a.header_bytes == b.header_bytes && a.body_bytes == b.body_bytes;
}

bool same(const Outcome& a, const Outcome& b) {
  if (a.error != b.error || a.responses.size() != b.responses.size()) return false;
  for (size_t i = 0; i < a.responses.size(); ++i) {
    if (!same(a.responses[i], b.responses[i])) return false;
  }
  return true;
}

// Feeds `size` bytes in pieces; piece i has sizes[i % sizes.size()] bytes (all if sizes is empty).
Outcome run(const char* data, size_t size, const std::vector<size_t>& sizes, bool head,
            uint32_t limit) {
  ResponseParser parser(ParserLimits{limit});
  parser.set_head_request(head);
  Outcome out;
  size_t at = 0;
  for (size_t piece = 0; at < size; ++piece) {
    const size_t n = sizes.empty() ? size - at : std::min(sizes[piece % sizes.size()], size - at);
    const char* p = data + at;
    size_t left = n;
    at += n;
    while (left != 0) {
      const ResponseParser::Result r = parser.feed({p, left});
      check(r.consumed <= left);
      if (r.status == Status::kError) {
        const ParseError e = parser.error();
        check(e != ParseError::kNone);
        const ResponseParser::Result again = parser.feed({p, left});
        check(again.status == Status::kError && again.consumed == 0 && parser.error() == e);
        check(parser.finish() == Status::kError && parser.error() == e);
        out.error = e;
        return out;
      }
      if (r.status == Status::kNeedMore) {
        check(r.consumed == left);
        check(parser.in_progress());
        break;
      }
      check(r.consumed > 0);  // progress: a response is never completed by nothing
      check(!parser.in_progress());
      const ResponseInfo& info = parser.info();
      check(info.status >= 101 && info.status <= 999);
      check(info.status >= 200 || info.status == 101);
      check(info.header_bytes > 0);
      out.responses.push_back(info);
      p += r.consumed;
      left -= r.consumed;
    }
  }
  const Status end = parser.finish();
  if (end == Status::kComplete) {
    check(!parser.info().keep_alive);
    out.responses.push_back(parser.info());
  } else if (end == Status::kError) {
    check(parser.error() == ParseError::kUnexpectedEof);
    out.error = parser.error();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t options = data[0];
  const bool head = (options & 0x80) != 0;
  const uint32_t limit = (options & 0x40) != 0 ? 64 + 16u * (options & 0x0f) : 64 * 1024;
  size_t count = (options >> 4) & 0x3;
  count = std::min(count, size - 1);
  std::vector<size_t> sizes;
  for (size_t i = 0; i < count; ++i) sizes.push_back(1 + data[1 + i]);
  const char* stream = reinterpret_cast<const char*>(data + 1 + count);
  const size_t stream_size = size - 1 - count;

  const Outcome whole = run(stream, stream_size, {}, head, limit);
  const Outcome pieces = run(stream, stream_size, sizes, head, limit);
  const Outcome bytes = run(stream, stream_size, {1}, head, limit);
  check(same(whole, pieces));
  check(same(whole, bytes));
  return 0;
}
