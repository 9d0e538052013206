#include "ringfire/target/path_counts.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace ringfire::target {
namespace {

// FNV-1a: paths are short, and this is a counting table, not a defence against chosen collisions.
uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

}  // namespace

std::string_view target_path(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

PathCounts::PathCounts()
    : slots_(kSlots, kEmpty), bytes_(std::make_unique_for_overwrite<char[]>(kMaxPathBytes)) {
  entries_.reserve(kMaxPaths);  // so that adding an entry never allocates
}

uint32_t PathCounts::find_or_add(std::string_view path) {
  const uint64_t hash = hash_bytes(path);
  for (uint32_t slot = static_cast<uint32_t>(hash) & (kSlots - 1);;
       slot = (slot + 1) & (kSlots - 1)) {
    const uint32_t index = slots_[slot];
    if (index == kEmpty) {
      if (entries_.size() == kMaxPaths || path.size() > kMaxPathBytes - bytes_used_) {
        return kOtherPath;
      }
      std::memcpy(bytes_.get() + bytes_used_, path.data(), path.size());
      entries_.push_back(
          {hash, static_cast<uint32_t>(bytes_used_), static_cast<uint32_t>(path.size()), {}});
      bytes_used_ += path.size();
      slots_[slot] = static_cast<uint32_t>(entries_.size() - 1);
      return slots_[slot];
    }
    const Entry& e = entries_[index];
    if (e.hash == hash && e.length == path.size() &&
        std::memcmp(bytes_.get() + e.offset, path.data(), path.size()) == 0) {
      return index;
    }
  }
}

void add_path_counts(const PathCounts& counts, PathTotals& totals) {
  for (uint32_t i = 0; i < counts.size(); ++i) {
    const PathFigures& f = counts.figures_of(i);
    if (f != PathFigures{}) totals.paths[std::string(counts.path(i))] += f;
  }
  totals.other += counts.other();
}

void cap_path_totals(PathTotals& totals) {
  if (totals.paths.size() <= PathCounts::kMaxPaths) return;
  std::vector<std::pair<std::string, PathFigures>> sorted(totals.paths.begin(), totals.paths.end());
  // Most answered first; among equals, byte order (the map's order, kept by a stable sort).
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second.responses > b.second.responses;
  });
  for (size_t i = PathCounts::kMaxPaths; i < sorted.size(); ++i) {
    totals.other += sorted[i].second;
    totals.paths.erase(sorted[i].first);
  }
}

}  // namespace ringfire::target
