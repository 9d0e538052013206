// Chunked bodies: chunk data is skipped whole; a chunk-size line that is all in the buffer is read
// in one go, and one cut by the end of a buffer (or malformed) byte by byte. The last chunk hands
// over to the line states for the trailers.
#include <algorithm>
#include <cstddef>

#include "http_parser_internal.hpp"
#include "http_scan.hpp"
#include "ringfire/http_parser.hpp"

namespace ringfire {

using namespace parser;  // the parser's own vocabulary

namespace {

struct ChunkSizeLine {
  const char* next = nullptr;  // nullptr: not taken
  uint64_t size = 0;
};

// A whole, valid chunk-size line from its start p: hex digits, maybe extensions, CRLF or LF, all
// before lim and within kMaxChunkLine bytes. Anything else is left to the byte-at-a-time states,
// which find the error where it is.
ChunkSizeLine chunk_size_line(const char* p, const char* end, const char* floor) {
  const char* const lim = static_cast<size_t>(end - p) > kMaxChunkLine ? p + kMaxChunkLine : end;
  // One bound for the digits: a 16th one is an error (the slow path's to report).
  const char* const digits_lim = lim - p > kMaxChunkDigits ? p + kMaxChunkDigits + 1 : lim;
  const char* q = p;
  uint64_t size = 0;
  for (int v; q < digits_lim && (v = hex_value(static_cast<unsigned char>(*q))) >= 0; ++q) {
    size = size << 4 | static_cast<uint64_t>(v);
  }
  if (q == p || q == lim || q - p > kMaxChunkDigits) return {};
  if (*q == ';' || is_ows(static_cast<unsigned char>(*q))) {
    q = scan::Window(floor, lim).line_stop(q + 1);  // extensions: skipped
    if (q == lim) return {};
  }
  if (*q == '\n') return {q + 1, size};
  if (*q == '\r' && lim - q >= 2 && q[1] == '\n') return {q + 2, size};
  return {};
}

}  // namespace

const char* ResponseParser::parse_chunked(const char* p, const char* end, const char* floor) {
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
      case kChunkSize: {
        if (pos_ == 0) {
          const ChunkSizeLine line = chunk_size_line(p, end, floor);
          if (line.next != nullptr) {
            p = line.next;
            number_ = line.size;
            end_of_chunk_size();
            break;
          }
        }
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
        const char* q = scan::Window(floor, lim).line_stop(p);
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
        return p;
    }
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
    state_ = kLineStart;
    return;
  }
  info_.body_bytes += number_;
  remaining_ = number_;
  state_ = kChunkData;
}

}  // namespace ringfire
