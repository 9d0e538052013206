// Small text helpers shared by the sysmon parsers and readers (internal to src/).
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringfire::sysmon_text {

inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Splits a view into whitespace-separated fields, one at a time, without allocating.
class Fields {
 public:
  explicit Fields(std::string_view text) : rest_(text) {}
  bool next(std::string_view& field) {
    size_t i = 0;
    while (i < rest_.size() && is_space(rest_[i])) ++i;
    if (i == rest_.size()) return false;
    size_t j = i;
    while (j < rest_.size() && !is_space(rest_[j])) ++j;
    field = rest_.substr(i, j - i);
    rest_.remove_prefix(j);
    return true;
  }

 private:
  std::string_view rest_;
};

// Walks lines (without the '\n').
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {}
  bool next(std::string_view& line) {
    if (rest_.empty()) return false;
    size_t nl = rest_.find('\n');
    if (nl == std::string_view::npos) {
      line = rest_;
      rest_ = {};
    } else {
      line = rest_.substr(0, nl);
      rest_.remove_prefix(nl + 1);
    }
    return true;
  }

 private:
  std::string_view rest_;
};

inline bool to_u64(std::string_view s, uint64_t& out, int base = 10) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

inline bool to_i64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// Reads a whole (small, /proc or /sys) file into `out`, reusing its capacity. False when the file
// cannot be opened or read; `out` is then empty.
bool read_small_file(const char* path, std::string& out);

}  // namespace ringfire::sysmon_text
