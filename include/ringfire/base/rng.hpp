// The generator behind scenario variants and label choice: xoshiro256** (Blackman and Vigna,
// 2018), seeded through splitmix64. A few nanoseconds a draw, no state beyond 32 bytes, and the
// same sequence for the same seed on every machine, so `--seed` makes a run repeatable.
#pragma once

#include <cstdint>

namespace ringfire {

class Rng {
 public:
  __extension__ using UInt128 = unsigned __int128;  // __extension__: no -Wpedantic warning

  // Distinct (seed, stream) pairs give unrelated sequences: a worker's pool and its picks use
  // different streams of the same seed.
  explicit Rng(uint64_t seed = 1, uint64_t stream = 0) {
    uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
    for (uint64_t& s : s_) s = splitmix64(x);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n) for n >= 1, without bias (Lemire's multiply-and-reject, 2019).
  uint64_t below(uint64_t n) {
    UInt128 m = static_cast<UInt128>(next()) * n;
    auto low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<UInt128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi] (the whole 64-bit range included).
  uint64_t between(uint64_t lo, uint64_t hi) {
    const uint64_t span = hi - lo + 1;
    return span == 0 ? next() : lo + below(span);
  }

  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace ringfire
