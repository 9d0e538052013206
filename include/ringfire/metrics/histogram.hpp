// HDR-style latency histogram: log-linear buckets with exact counts, mergeable.
//
// Values are nanoseconds. Values below kSubBuckets get a bucket each (exact). Above, every power of
// two [2^k, 2^(k+1)) is split into kSubBuckets/2 equal sub-buckets, so a bucket is at most
// 2/kSubBuckets (1/128) of its lower bound wide and its midpoint is within 1/kSubBuckets (0.4%) of
// any value in it: every reported percentile is within 1% of the exact one. Values above kMaxValue
// are recorded as kMaxValue (so min/max/mean see kMaxValue) and counted in saturated().
//
// Recording is a handful of instructions and never allocates; the bucket array is allocated once in
// the constructor. Merging adds bucket counts, so a merged histogram is exactly the histogram of
// all samples: the JSON of several machines merges into one true distribution.
//
// Percentiles use the nearest-rank definition: the p-th percentile of N samples is the sample of
// rank max(1, ceil(p/100 * N)) in sorted order; value_at_percentile reports that sample's bucket.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace ringfire {

class Histogram {
 public:
  __extension__ using Sum = unsigned __int128;  // __extension__: no -Wpedantic warning

  // 2^kSubBucketBits exact values; then 2^kSubBucketBits / 2 linear sub-buckets per power of two.
  static constexpr unsigned kSubBucketBits = 8;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;
  static constexpr uint64_t kMaxValue = (uint64_t{1} << 40) - 1;  // ~1100 s in ns

  Histogram();

  void record(uint64_t value) { record_n(value, 1); }
  // Branch-free: clamp, count-leading-zeros index, four adds and two min/max.
  void record_n(uint64_t value, uint64_t count) {
    const uint64_t v = value < kMaxValue ? value : kMaxValue;
    saturated_ += value > kMaxValue ? count : 0;
    counts_[bucket_index(v)] += count;
    count_ += count;
    min_ = v < min_ ? v : min_;
    max_ = v > max_ ? v : max_;
    sum_ += static_cast<UInt128>(v) * count;
  }
  // Afterwards this histogram is the histogram of both sample sets (buckets, count, min, max,
  // mean).
  void merge(const Histogram& other);
  void reset();

  uint64_t count() const { return count_; }
  uint64_t saturated() const { return saturated_; }  // values above kMaxValue
  uint64_t min() const;                              // exact; 0 when empty
  uint64_t max() const;                              // exact; 0 when empty
  double mean() const;                               // exact (from the 128-bit running sum)
  Sum sum() const { return sum_; }                   // of the values as recorded (clamped)
  // Population stdev around the exact mean, from bucket midpoints clamped to [min(), max()]
  // (so constant data gives 0). Good to ~1% when the spread is wider than a few buckets (~1% of
  // the values); for a cluster narrower than one bucket it is only as good as the bucket width.
  double stdev() const;

  // The sample of rank r = max(1, ceil(p/100 * count())): min() or max() exactly when r is 1 or
  // count(), otherwise the midpoint of the bucket holding it, clamped to [min(), max()].
  // p is clamped to [0, 100] (NaN counts as 0). 0 when empty.
  uint64_t value_at_percentile(double p) const;

  // Bucket layout, for the JSON report and for merging results written by other processes.
  struct Bucket {
    uint64_t low;   // inclusive
    uint64_t high;  // inclusive
    uint64_t count;
  };
  // Visit the non-empty buckets in increasing order.
  template <typename F>
  void for_each_bucket(F&& visit) const {
    for (size_t i = 0; i < counts_.size(); ++i) {
      if (counts_[i] != 0) visit(Bucket{bucket_low(i), bucket_high(i), counts_[i]});
    }
  }
  // Add `count` samples into the bucket that holds `low` (the inverse of for_each_bucket). Buckets
  // and count() round-trip exactly; min/max/mean then see `low`, so a reader restores those from
  // the report's own exact fields when it has them.
  void add_bucket(uint64_t low, uint64_t count) { record_n(low, count); }
  // After add_bucket of every bucket, the exact figures of the histogram that wrote them: then
  // this histogram is that one (count()'s samples in the same buckets). Ignored when empty.
  void restore(uint64_t min, uint64_t max, Sum sum, uint64_t saturated);

  // Index of the bucket holding `value` (values above kMaxValue map to the top bucket).
  static constexpr size_t bucket_index(uint64_t value) {
    const uint64_t v = value < kMaxValue ? value : kMaxValue;
    // Values below kSubBuckets get exponent kHalfBits; setting that bit makes the formula below
    // map them to themselves, so there is no branch between the exact and the log-linear part.
    const unsigned exponent = 63u - static_cast<unsigned>(std::countl_zero(v | kHalf));
    const unsigned shift = exponent - kHalfBits;
    return (size_t{shift} << kHalfBits) + static_cast<size_t>(v >> shift);
  }
  static constexpr uint64_t bucket_low(size_t index) {
    const unsigned shift =
        index < kSubBuckets ? 0u : static_cast<unsigned>(index >> kHalfBits) - 1u;
    return static_cast<uint64_t>(index - (size_t{shift} << kHalfBits)) << shift;
  }
  static constexpr uint64_t bucket_high(size_t index) {
    const unsigned shift =
        index < kSubBuckets ? 0u : static_cast<unsigned>(index >> kHalfBits) - 1u;
    return bucket_low(index) + (uint64_t{1} << shift) - 1;
  }
  static constexpr size_t bucket_count() { return bucket_index(kMaxValue) + 1; }

 private:
  using UInt128 = Sum;
  static constexpr unsigned kHalfBits = kSubBucketBits - 1;
  static constexpr uint64_t kHalf = uint64_t{1} << kHalfBits;

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t saturated_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  UInt128 sum_ = 0;  // exact: 2^40 * 2^64 fits
};

// The HdrHistogram-style percentile distribution: percentiles 0, 50, 75, 87.5, ... (each halving of
// the distance to 100% gets `ticks_per_half` evenly spaced points: 0, 10, ..., 40, 50, 55, ...) up
// to the last one below rank count(), then 100. Each point is (percentile, value_at_percentile).
// Empty when the histogram is empty. ticks_per_half below 1 is taken as 1.
std::vector<std::pair<double, uint64_t>> percentile_distribution(const Histogram& histogram,
                                                                 int ticks_per_half = 5);

}  // namespace ringfire
