// --count-paths: complete responses counted per request path (the request-target without its query
// string). Each worker owns one table whose memory is fixed when the worker starts, so a scenario
// with random paths cannot grow it and counting a request allocates nothing; a path that finds no
// room counts as "other".
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ringfire::target {

// The entry of a response that answers no request path (a 400, a --fault response sent before any
// request): counted nowhere.
inline constexpr uint32_t kNoPath = UINT32_MAX;
// The entry of a path that found no room in the table: counted as "other".
inline constexpr uint32_t kOtherPath = UINT32_MAX - 1;

// The path of a request-target: everything before its query ('?') or fragment ('#').
std::string_view target_path(std::string_view target);

class PathCounts {
 public:
  static constexpr uint32_t kMaxPaths = 10'000;
  static constexpr size_t kMaxPathBytes = size_t{1} << 20;  // all stored paths together

  PathCounts();

  // The entry of `path`, added (with count 0) when new and there is room; else kOtherPath.
  uint32_t find_or_add(std::string_view path);
  // One more complete response for `entry` (kNoPath: none counted).
  void count(uint32_t entry) {
    if (entry < entries_.size()) {
      ++entries_[entry].count;
    } else if (entry == kOtherPath) {
      ++other_;
    }
  }

  size_t size() const { return entries_.size(); }
  std::string_view path(uint32_t entry) const {
    return {bytes_.get() + entries_[entry].offset, entries_[entry].length};
  }
  uint64_t count_of(uint32_t entry) const { return entries_[entry].count; }
  uint64_t other() const { return other_; }

 private:
  static constexpr uint32_t kSlots = 16384;  // a power of two; at most 61% full
  static constexpr uint32_t kEmpty = UINT32_MAX;

  struct Entry {
    uint64_t hash = 0;
    uint32_t offset = 0;  // into bytes_
    uint32_t length = 0;
    uint64_t count = 0;
  };

  std::vector<uint32_t> slots_;  // open addressing, linear probing: an entry index or kEmpty
  std::vector<Entry> entries_;   // capacity kMaxPaths, reserved up front
  std::unique_ptr<char[]> bytes_;
  size_t bytes_used_ = 0;
  uint64_t other_ = 0;
};

// The workers' tables summed: paths with at least one response, and the "other" count.
struct PathTotals {
  std::map<std::string, uint64_t> paths;
  uint64_t other = 0;
};

// Adds one worker's table to `totals`.
void add_path_counts(const PathCounts& counts, PathTotals& totals);
// Keeps the table printable whatever the threads saw together: beyond kMaxPaths distinct paths, the
// least-answered paths (ties: the later in byte order) move into "other".
void cap_path_totals(PathTotals& totals);

}  // namespace ringfire::target
