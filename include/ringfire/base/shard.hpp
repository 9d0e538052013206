// One process's part of a run spread over several boxes (--shard I/N). Counts split by the
// segment rule k6 uses for execution segments: shard I of N takes round(v·(I+1)/N) − round(v·I/N)
// of a whole v, so the shares of N shards always add up to v, differ by at most one, and a
// shard's first item is round(v·I/N) — every box computes its part without talking to the others.
#pragma once

#include <cstdint>
#include <string>

namespace ringfire {

struct Shard {
  uint32_t index = 0;  // from 0 to count − 1 (Kubernetes' JOB_COMPLETION_INDEX)
  uint32_t count = 1;  // 1: the one-box run
  bool sharded() const { return count > 1; }
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};

// round(v·i/n), halves rounded up, exact for every 64-bit v.
uint64_t segment_start(uint64_t v, uint32_t i, uint32_t n);
// This shard's share of the whole `v`, and where it starts.
inline uint64_t shard_share(uint64_t v, Shard s) {
  return segment_start(v, s.index + 1, s.count) - segment_start(v, s.index, s.count);
}
inline uint64_t shard_first(uint64_t v, Shard s) {
  return segment_start(v, s.index, s.count);
}

// "I/N" with 0 <= I < N <= kMaxShards. False with a one-line `error`.
inline constexpr uint32_t kMaxShards = 10'000;
bool parse_shard(const std::string& text, Shard& out, std::string& error);

}  // namespace ringfire
