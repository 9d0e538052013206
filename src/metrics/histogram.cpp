#include "ringfire/metrics/histogram.hpp"

#include <algorithm>
#include <cmath>

namespace ringfire {

namespace {

// Nearest rank of percentile p among n samples, in [1, n] (n > 0).
uint64_t rank_at_percentile(double p, uint64_t n) {
  if (!(p > 0.0)) return 1;  // also NaN
  if (p >= 100.0) return n;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(n));
  if (rank <= 1.0) return 1;
  if (rank >= static_cast<double>(n)) return n;
  return static_cast<uint64_t>(rank);
}

}  // namespace

Histogram::Histogram() : counts_(bucket_count(), 0) {}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  saturated_ += other.saturated_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

void Histogram::restore(uint64_t min, uint64_t max, Sum sum, uint64_t saturated) {
  if (count_ == 0) return;
  min_ = min;
  max_ = max;
  sum_ = sum;
  saturated_ = saturated;
}

void Histogram::reset() {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  saturated_ = 0;
  min_ = UINT64_MAX;
  max_ = 0;
  sum_ = 0;
}

uint64_t Histogram::min() const {
  return count_ == 0 ? 0 : min_;
}

uint64_t Histogram::max() const {
  return count_ == 0 ? 0 : max_;
}

double Histogram::mean() const {
  if (count_ == 0) return 0.0;
  // long double keeps 64 mantissa bits, so the division is exact to well below double precision.
  return static_cast<double>(static_cast<long double>(sum_) / static_cast<long double>(count_));
}

double Histogram::stdev() const {
  if (count_ == 0) return 0.0;
  const double mu = mean();
  double sum_squares = 0.0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    // Clamping keeps a constant (or one-sample) histogram at exactly 0, and both edge buckets
    // honest.
    const uint64_t low = bucket_low(i);
    const uint64_t mid = std::clamp(low + (bucket_high(i) - low) / 2, min_, max_);
    const double d = static_cast<double>(mid) - mu;
    sum_squares += d * d * static_cast<double>(counts_[i]);
  }
  return std::sqrt(sum_squares / static_cast<double>(count_));
}

uint64_t Histogram::value_at_percentile(double p) const {
  if (count_ == 0) return 0;
  const uint64_t rank = rank_at_percentile(p, count_);
  // The smallest and largest samples are known exactly; every other rank gets its bucket.
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const uint64_t low = bucket_low(i);
      return std::clamp(low + (bucket_high(i) - low) / 2, min_, max_);
    }
  }
  return max_;  // unreachable: the counts sum to count_
}

std::vector<std::pair<double, uint64_t>> percentile_distribution(const Histogram& histogram,
                                                                 int ticks_per_half) {
  std::vector<std::pair<double, uint64_t>> points;
  const uint64_t n = histogram.count();
  if (n == 0) return points;
  const int ticks = std::max(ticks_per_half, 1);
  points.emplace_back(0.0, histogram.value_at_percentile(0.0));
  // Level h spans [100 - d, 100 - d/2) with d = 100 / 2^h. Past 2^64 samples no rank can still be
  // below n, and by then d has also underflowed every double step, so 70 levels bound the loop.
  for (int level = 0; level < 70; ++level) {
    const double distance = std::ldexp(100.0, -level);
    const double step = distance / (2.0 * ticks);
    for (int j = (level == 0 ? 1 : 0); j < ticks; ++j) {
      const double p = 100.0 - distance + step * j;
      if (rank_at_percentile(p, n) >= n) {
        points.emplace_back(100.0, histogram.max());
        return points;
      }
      points.emplace_back(p, histogram.value_at_percentile(p));
    }
  }
  points.emplace_back(100.0, histogram.max());
  return points;
}

}  // namespace ringfire
