// --count-paths: per request path (the request-target without its query string), the complete
// responses sent and their bytes, and the bytes of the requests read. Each worker owns one table
// whose memory is fixed when the worker starts, so a scenario with random paths cannot grow it and
// counting a request allocates nothing; a path that finds no room counts as "other".
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

// What one path (or "other") counted.
struct PathFigures {
  uint64_t responses = 0;       // complete responses sent (every byte with the kernel)
  uint64_t request_bytes = 0;   // complete requests read: head (through its blank line) + body
  uint64_t response_bytes = 0;  // the bytes of those complete responses
  bool operator==(const PathFigures&) const = default;
  PathFigures& operator+=(const PathFigures& o) {
    responses += o.responses;
    request_bytes += o.request_bytes;
    response_bytes += o.response_bytes;
    return *this;
  }
};

class PathCounts {
 public:
  static constexpr uint32_t kMaxPaths = 10'000;
  static constexpr size_t kMaxPathBytes = size_t{1} << 20;  // all stored paths together

  PathCounts();

  // The entry of `path`, added (with zero figures) when new and there is room; else kOtherPath.
  uint32_t find_or_add(std::string_view path);
  // One more complete request of `bytes` read for `entry` (kNoPath: none counted).
  void count_request(uint32_t entry, uint64_t bytes) {
    if (PathFigures* f = figures_for(entry)) f->request_bytes += bytes;
  }
  // One more complete response of `bytes` sent for `entry` (kNoPath: none counted).
  void count_response(uint32_t entry, uint64_t bytes) {
    if (PathFigures* f = figures_for(entry)) {
      ++f->responses;
      f->response_bytes += bytes;
    }
  }

  size_t size() const { return entries_.size(); }
  std::string_view path(uint32_t entry) const {
    return {bytes_.get() + entries_[entry].offset, entries_[entry].length};
  }
  const PathFigures& figures_of(uint32_t entry) const { return entries_[entry].figures; }
  const PathFigures& other() const { return other_; }

 private:
  static constexpr uint32_t kSlots = 16384;  // a power of two; at most 61% full
  static constexpr uint32_t kEmpty = UINT32_MAX;

  struct Entry {
    uint64_t hash = 0;
    uint32_t offset = 0;  // into bytes_
    uint32_t length = 0;
    PathFigures figures;
  };

  PathFigures* figures_for(uint32_t entry) {
    if (entry < entries_.size()) return &entries_[entry].figures;
    return entry == kOtherPath ? &other_ : nullptr;
  }

  std::vector<uint32_t> slots_;  // open addressing, linear probing: an entry index or kEmpty
  std::vector<Entry> entries_;   // capacity kMaxPaths, reserved up front
  std::unique_ptr<char[]> bytes_;
  size_t bytes_used_ = 0;
  PathFigures other_;
};

// The workers' tables summed: paths with at least one request read or response sent, and "other".
struct PathTotals {
  std::map<std::string, PathFigures> paths;
  PathFigures other;
};

// Adds one worker's table to `totals`.
void add_path_counts(const PathCounts& counts, PathTotals& totals);
// Keeps the table printable whatever the threads saw together: beyond kMaxPaths distinct paths, the
// least-answered paths (ties: the later in byte order) move into "other", with all their figures.
void cap_path_totals(PathTotals& totals);

}  // namespace ringfire::target
