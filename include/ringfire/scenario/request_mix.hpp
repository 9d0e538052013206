// One worker's requests, preformatted before the run: for each label of the scenario a pool of
// complete HTTP/1.1 requests (request line, Host, headers, Content-Length right for each body,
// body), and the weighted choice among labels. The hot path picks a request and sends its bytes;
// {seq} fields are patched in place at their fixed width in a copy (write()). Nothing is formatted
// while the run goes.
//
// Each request is: "METHOD target HTTP/1.1", Host (the URL's, unless the label sets Host), the
// label's headers in order, Content-Length when the body is not empty (and "Content-Length: 0"
// for POST, PUT and PATCH without a body) unless the label sets it, a blank line, the body. A
// label with no random placeholder ({seq} aside) has one variant. All pools live in one arena;
// the labels share max_pool_bytes by water-filling (the small ones get their whole pool, the big
// ones what is left, each at least one variant). The random values of a pool come from
// (seed, worker), the picks from another stream of the same: a run with the same --seed and the
// same worker count sends the same requests in the same order per worker. With --shard I/N the
// worker's place is I + N·worker among all shards' workers (streams and {seq} stay distinct).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringfire/base/rng.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/scenario/scenario.hpp"

namespace ringfire {

struct MixOptions {
  uint32_t variants = 4096;  // pool size per label (a label without random parts needs one)
  size_t max_pool_bytes = size_t{64} << 20;  // per worker: big bodies get fewer variants
  uint64_t seed = 1;
  uint32_t worker = 0;  // this worker's index, and how many there are ({seq} interleaves them)
  uint32_t workers = 1;
  uint32_t shard = 0;  // --shard I/N: {seq} and the random streams interleave the shards too
  uint32_t shards = 1;
  uint32_t depth = 1;  // most requests in one batch (--pipeline)
};

class RequestMix {
 public:
  struct Pick {
    uint16_t label;
    uint32_t variant;
  };

  // Renders every label's pool. `url` gives Host. False with a one-line error (a pool that
  // cannot be built within max_pool_bytes, say).
  static bool build(const Scenario& scenario, const Url& url, const MixOptions& options,
                    RequestMix& out, std::string& error);

  uint32_t labels() const;
  const std::string& label(uint16_t l) const;
  bool head(uint16_t l) const;  // label's method is HEAD: its response has no body
  // One label, one variant, no {seq}: a batch of n is n contiguous copies (static_batch()).
  bool is_static() const;
  std::span<const char> static_batch(uint32_t n) const;  // 1 <= n <= depth given to build()
  bool has_patches() const;                              // some label has {seq} fields
  size_t max_size() const;                               // the largest request of any pool
  uint32_t variants(uint16_t l) const;                   // the size of label l's pool
  size_t pool_bytes() const;                             // all pools together (the arena)

  // A label by weight and a variant uniformly, from this worker's seeded generator.
  Pick pick() {
    uint16_t l = 0;
    if (thresholds_.size() > 1) {
      // The first label whose cumulative threshold lies above the draw (binary search).
      const uint64_t r = rng_.next();
      size_t lo = 0, hi = thresholds_.size() - 1;
      while (lo < hi) {
        const size_t mid = (lo + hi) / 2;
        if (r < thresholds_[mid]) {
          hi = mid;
        } else {
          lo = mid + 1;
        }
      }
      l = static_cast<uint16_t>(lo);
    }
    const uint32_t n = pools_[l].variants;
    // Multiply-shift (Lemire): bias below n / 2^64, far under what a run can see.
    const uint32_t v =
        n == 1 ? 0 : static_cast<uint32_t>((static_cast<Rng::UInt128>(rng_.next()) * n) >> 64);
    return {l, v};
  }
  // As pooled ({seq} fields hold zeros).
  std::span<const char> bytes(Pick p) const {
    const Variant& v = variants_[pools_[p.label].first + p.variant];
    return {arena_.data() + v.offset, v.size};
  }
  bool needs_patch(Pick p) const { return pools_[p.label].seq_fields != 0; }
  // Copies the request to `dst` (bytes(p).size() bytes) with this worker's next {seq} values:
  // the k-th write() of a request with {seq} fields (any label; k from 0) gives each of its
  // fields START + shard + shards·worker + k·shards·workers (one box: START + worker +
  // k·workers). In an open loop where every label has {seq}, that is START + g, the request's
  // index in the global schedule (engine/pacer.hpp). A request without them is copied as pooled
  // (its bytes() may as well be sent directly).
  void write(Pick p, char* dst) {
    const Pool& pool = pools_[p.label];
    const Variant& v = variants_[pool.first + p.variant];
    std::memcpy(dst, arena_.data() + v.offset, v.size);
    if (pool.seq_fields == 0) return;
    const uint64_t k = seq_count_++;
    for (uint32_t i = 0; i < pool.seq_fields; ++i) {
      const Patch& f = patches_[v.first_patch + i];
      write_digits(dst + f.offset, f.width, f.start + worker_ + k * workers_);
    }
  }

  // `width` decimal digits of `value`, zero-padded (the low digits if it has more): what write()
  // does to a {seq} field. Straight into `dst`, right to left: groups of 8 digits, then the rest
  // in 32-bit arithmetic, each as table pairs (short dependency chains, no store-forwarding
  // stall from a scratch buffer).
  static void write_digits(char* dst, uint32_t width, uint64_t value) {
    char* end = dst + width;
    for (; end - dst >= 8; end -= 8, value /= 100000000) {
      write8(end - 8, static_cast<uint32_t>(value % 100000000));
    }
    auto rest = static_cast<uint32_t>(value % 100000000);
    for (; end - dst >= 2; end -= 2, rest /= 100)
      std::memcpy(end - 2, kPairs + 2 * (rest % 100), 2);
    if (end != dst) *dst = static_cast<char>('0' + rest % 10);
  }

 private:
  struct Pool {
    std::string label;
    uint32_t first = 0;       // index of its first variant in variants_
    uint32_t variants = 0;    // how many
    uint32_t seq_fields = 0;  // {seq} fields per variant
    bool head = false;
  };
  struct Variant {
    size_t offset;         // in arena_
    uint32_t size;         // bytes
    uint32_t first_patch;  // index of its first {seq} field in patches_
  };
  struct Patch {
    uint32_t offset;  // from the start of the request
    uint32_t width;
    uint64_t start;
  };
  friend class RequestMixBuilder;

  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  static void write8(char* dst, uint32_t v) {  // v < 10^8: eight digits
    const uint32_t hi = v / 10000, lo = v % 10000;
    std::memcpy(dst, kPairs + 2 * (hi / 100), 2);
    std::memcpy(dst + 2, kPairs + 2 * (hi % 100), 2);
    std::memcpy(dst + 4, kPairs + 2 * (lo / 100), 2);
    std::memcpy(dst + 6, kPairs + 2 * (lo % 100), 2);
  }

  std::vector<char> arena_;
  std::vector<Pool> pools_;
  std::vector<Variant> variants_;
  std::vector<Patch> patches_;
  std::vector<uint64_t> thresholds_;  // cumulative label weights scaled to 2^64, the last: max
  std::vector<char> static_batch_;    // depth copies of the only request, when is_static()
  size_t max_size_ = 0;
  Rng rng_;
  uint64_t seq_count_ = 0;  // requests with {seq} fields written so far (k)
  uint64_t worker_ = 0;
  uint64_t workers_ = 1;
};

}  // namespace ringfire
