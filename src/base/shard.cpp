#include "ringfire/base/shard.hpp"

#include <charconv>

namespace ringfire {

uint64_t segment_start(uint64_t v, uint32_t i, uint32_t n) {
  // 128 bits: v·i overflows 64 for a large -n; (2·v·i + n) / 2n is round-half-up of v·i/n.
  __extension__ using U = unsigned __int128;  // __extension__: no -Wpedantic warning
  return static_cast<uint64_t>((2 * U{v} * i + n) / (2 * U{n}));
}

namespace {
bool parse_u32(const char* first, const char* last, uint32_t& out) {
  if (first == last) return false;
  const auto [end, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && end == last;
}
}  // namespace

bool parse_shard(const std::string& text, Shard& out, std::string& error) {
  const size_t slash = text.find('/');
  Shard s;
  if (slash == std::string::npos || !parse_u32(text.data(), text.data() + slash, s.index) ||
      !parse_u32(text.data() + slash + 1, text.data() + text.size(), s.count)) {
    error = "--shard '" + text + "': expected I/N, e.g. 0/3 (I from 0 to N-1)";
    return false;
  }
  if (s.count == 0 || s.count > kMaxShards || s.index >= s.count) {
    error = "--shard " + text + ": I must be 0 to N-1 and N 1 to " + std::to_string(kMaxShards);
    return false;
  }
  out = s;
  return true;
}

}  // namespace ringfire
