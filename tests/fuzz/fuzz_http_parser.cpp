// libFuzzer target for ResponseParser. Input layout:
//   byte 0   options: HEAD (0x80), a small header limit (0x40, 64 + 16 * (low 4 bits) bytes), how
//            many of the bytes after byte 1 are piece sizes (bits 4-5)
//   byte 1   mode: low 2 bits 0 feed the rest as it is; else the rest is one "response" R and the
//            stream is three copies of R on one connection, each after 0-7 empty lines (bits 2-4;
//            bit 5 makes every other one a bare LF), with a junk byte before the third copy
//            when bit 6 is set (before every copy with bit 7 too)
//   then     the piece sizes, then the bytes.
// The stream is fed whole, in those pieces, in two pieces at an offset the input picks, and byte
// by byte; every run must keep the feed() contract (consumed never over the input, kComplete never
// with 0 bytes, kNeedMore only with all of it consumed, errors sticky, in_progress() exactly when
// finish() has something to say) and all must describe the same responses and end in the same
// error. Three copies of an R that parses cleanly, with no junk, must give R's responses three
// times, each copy's first one with the empty lines before it in its head bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "ringfire/http/http_parser.hpp"

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
  bool clean_end = false;   // finish() said no response was in progress
  size_t complete_end = 0;  // stream offset after the last response completed by feed()
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

struct Options {
  bool head = false;
  uint32_t limit = 64 * 1024;
};

// Feeds `size` bytes in pieces; piece i has sizes[i % sizes.size()] bytes (all if sizes is empty).
Outcome run(const char* data, size_t size, const std::vector<size_t>& sizes, const Options& o) {
  ResponseParser parser(ParserLimits{o.limit});
  parser.set_head_request(o.head);
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
        check(e != ParseError::kNone && !parser.in_progress());
        const ResponseParser::Result again = parser.feed({p, left});
        check(again.status == Status::kError && again.consumed == 0 && parser.error() == e);
        check(parser.finish() == Status::kError && parser.error() == e);
        out.error = e;
        return out;
      }
      if (r.status == Status::kNeedMore) {
        check(r.consumed == left);
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
      out.complete_end = static_cast<size_t>(p - data);
    }
  }
  const bool in_progress = parser.in_progress();
  const Status end = parser.finish();
  check(in_progress == (end != Status::kNeedMore));
  if (end == Status::kComplete) {
    check(!parser.info().keep_alive);
    out.responses.push_back(parser.info());
  } else if (end == Status::kError) {
    check(parser.error() == ParseError::kUnexpectedEof);
    out.error = parser.error();
  } else {
    out.clean_end = true;
  }
  return out;
}

// Every way of feeding the stream gives what feeding it whole gives. Returns that.
Outcome run_all_ways(const std::string& stream, const std::vector<size_t>& sizes, size_t split,
                     const Options& o) {
  const Outcome whole = run(stream.data(), stream.size(), {}, o);
  check(same(whole, run(stream.data(), stream.size(), sizes, o)));
  check(same(whole, run(stream.data(), stream.size(), {1}, o)));
  if (split != 0 && split < stream.size()) {
    check(same(whole, run(stream.data(), stream.size(), {split, stream.size()}, o)));
  }
  return whole;
}

struct Pipeline {
  std::string stream;
  size_t before[3] = {};  // bytes put before each copy
  bool junk = false;
};

Pipeline pipeline(const std::string& response, uint8_t mode) {
  static constexpr char kJunk[] = {' ', 'x', '\r', '\0', 'H', '\t', ':', '0'};
  Pipeline out;
  const unsigned lines = (mode >> 2) & 0x7;
  out.junk = (mode & 0x40) != 0;
  for (int copy = 0; copy < 3; ++copy) {
    const size_t start = out.stream.size();
    for (unsigned i = 0; i < lines; ++i) {
      out.stream += (mode & 0x20) != 0 && i % 2 == 1 ? "\n" : "\r\n";
    }
    if (out.junk && (copy == 2 || (mode & 0x80) != 0)) out.stream += kJunk[(mode + copy) & 0x7];
    out.before[copy] = out.stream.size() - start;
    out.stream += response;
  }
  return out;
}

// Three copies of a response stream that ends cleanly, with only empty lines between: the same
// responses three times. The empty lines (and what R left after its last response) count as the
// head of the next copy's first response, so they must fit in its limit too.
void check_pipeline(const Outcome& single, const Pipeline& p, size_t response_size,
                    const Outcome& got, const Options& o) {
  if (p.junk || single.error != ParseError::kNone || !single.clean_end) return;
  if (single.responses.empty()) return;
  const size_t trailing = response_size - single.complete_end;
  for (int copy = 1; copy < 3; ++copy) {
    if (single.responses[0].header_bytes + trailing + p.before[copy] > o.limit) return;
  }
  if (single.responses[0].header_bytes + p.before[0] > o.limit) return;
  check(got.error == ParseError::kNone && got.clean_end);
  const size_t n = single.responses.size();
  check(got.responses.size() == 3 * n);
  for (size_t copy = 0; copy < 3; ++copy) {
    for (size_t i = 0; i < n; ++i) {
      ResponseInfo want = single.responses[i];
      if (i == 0) want.header_bytes += p.before[copy] + (copy == 0 ? 0 : trailing);
      check(same(want, got.responses[copy * n + i]));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t options = data[0];
  const uint8_t mode = data[1];
  Options o;
  o.head = (options & 0x80) != 0;
  if ((options & 0x40) != 0) o.limit = 64 + 16u * (options & 0x0f);
  const size_t count = std::min<size_t>((options >> 4) & 0x3, size - 2);
  std::vector<size_t> sizes;
  for (size_t i = 0; i < count; ++i) sizes.push_back(1 + data[2 + i]);
  const std::string bytes(reinterpret_cast<const char*>(data + 2 + count), size - 2 - count);
  // A split point from the input, anywhere in the stream.
  const size_t split = (size_t{options} * 257 + size_t{mode} * 31 + bytes.size()) % 4096;

  if ((mode & 0x3) == 0) {
    run_all_ways(bytes, sizes, bytes.empty() ? 0 : split % bytes.size(), o);
    return 0;
  }
  const Outcome single = run(bytes.data(), bytes.size(), {}, o);
  const Pipeline p = pipeline(bytes, mode);
  if (p.stream.empty()) return 0;
  const Outcome three = run_all_ways(p.stream, sizes, split % p.stream.size(), o);
  check_pipeline(single, p, bytes.size(), three, o);
  return 0;
}
