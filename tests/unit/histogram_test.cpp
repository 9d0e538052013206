// Histogram against exact answers: every percentile, min, max, mean and stdev is compared with the
// same statistic computed from the sorted samples themselves.
#include "ringfire/metrics/histogram.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <tuple>
#include <vector>

namespace ringfire {
namespace {

constexpr uint64_t kMax = Histogram::kMaxValue;
constexpr double kPercentiles[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100};

// Nearest-rank percentile of sorted samples: the sample of rank max(1, ceil(p/100 * N)).
uint64_t exact_percentile(const std::vector<uint64_t>& sorted, double p) {
  const double n = static_cast<double>(sorted.size());
  const double rank = std::clamp(std::ceil(p / 100.0 * n), 1.0, n);
  return sorted[static_cast<size_t>(rank) - 1];
}

// Records `samples` and checks every statistic against the exact one. The stdev comes from bucket
// midpoints, each within max/kSubBuckets of its sample, so it is within that much of the exact one;
// only data spread over several buckets (`wide`) also gets it within 1%.
void expect_matches_exact(std::vector<uint64_t> samples, bool wide = true) {
  ASSERT_FALSE(samples.empty());
  Histogram h;
  uint64_t above_max = 0;
  for (uint64_t& v : samples) {
    h.record(v);
    if (v > kMax) {
      ++above_max;
      v = kMax;  // documented: larger values are recorded as kMaxValue
    }
  }
  std::sort(samples.begin(), samples.end());
  const auto n = static_cast<long double>(samples.size());
  EXPECT_EQ(h.count(), samples.size());
  EXPECT_EQ(h.saturated(), above_max);
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.max(), samples.back());

  long double sum = 0;
  for (uint64_t v : samples) sum += static_cast<long double>(v);
  const long double mean = sum / n;
  long double squares = 0;
  for (uint64_t v : samples) squares += (static_cast<long double>(v) - mean) * (v - mean);
  const auto exact_mean = static_cast<double>(mean);
  const auto exact_stdev = static_cast<double>(std::sqrt(squares / n));
  EXPECT_NEAR(h.mean(), exact_mean, 1e-9 * exact_mean);
  const double midpoint_bound = static_cast<double>(samples.back()) / Histogram::kSubBuckets;
  EXPECT_NEAR(h.stdev(), exact_stdev, wide ? 0.01 * exact_stdev + 1e-9 : midpoint_bound);

  for (double p : kPercentiles) {
    const auto exact = static_cast<double>(exact_percentile(samples, p));
    const auto got = static_cast<double>(h.value_at_percentile(p));
    EXPECT_NEAR(got, exact, 0.01 * exact) << "p" << p;
  }
}

std::vector<uint64_t> random_samples(int kind, uint32_t seed) {
  constexpr double kLow = 1e3;    // 1 us
  constexpr double kHigh = 1e11;  // 100 s
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(kLow, kHigh);
  std::lognormal_distribution<double> lognormal(std::log(1e5), 1.5);  // around 100 us
  std::exponential_distribution<double> exponential(1.0 / 1e7);       // mean 10 ms
  std::vector<uint64_t> samples(200'000);
  for (uint64_t& v : samples) {
    double x = kind == 0 ? uniform(rng) : kind == 1 ? lognormal(rng) : kLow + exponential(rng);
    v = static_cast<uint64_t>(std::clamp(x, kLow, kHigh));
  }
  return samples;
}

TEST(Histogram, RandomUniformMatchesExact) {
  expect_matches_exact(random_samples(0, 1));
}
TEST(Histogram, RandomLognormalMatchesExact) {
  expect_matches_exact(random_samples(1, 2));
}
TEST(Histogram, RandomExponentialMatchesExact) {
  expect_matches_exact(random_samples(2, 3));
}

TEST(Histogram, AllEqualMatchesExact) {
  for (uint64_t v : {uint64_t{0}, uint64_t{7}, uint64_t{255}, uint64_t{256}, uint64_t{123456789},
                     Histogram::bucket_high(3000), kMax}) {
    expect_matches_exact(std::vector<uint64_t>(1000, v));
  }
}

TEST(Histogram, SingleSampleMatchesExact) {
  for (uint64_t v : {uint64_t{0}, uint64_t{1}, uint64_t{255}, uint64_t{256}, uint64_t{257},
                     uint64_t{1'000'000'007}, kMax, kMax + 1, UINT64_MAX}) {
    expect_matches_exact({v});
  }
}

TEST(Histogram, TwoFarClustersMatchExact) {
  std::mt19937_64 rng(4);
  std::uniform_int_distribution<uint64_t> jitter(0, 10);
  std::vector<uint64_t> samples;
  for (int i = 0; i < 9990; ++i) samples.push_back(1000 + jitter(rng));
  for (int i = 0; i < 10; ++i) samples.push_back(50'000'000'000 + jitter(rng) * 1'000'000);
  expect_matches_exact(samples);
  // The other way round: the far cluster holds the majority.
  for (uint64_t& v : samples) v = v < 1'000'000 ? v * 10'000'000 : v / 1'000'000;
  expect_matches_exact(samples);
}

TEST(Histogram, PowersOfTwoAndBucketEdgesMatchExact) {
  std::vector<uint64_t> samples;
  for (unsigned k = 0; k <= 41; ++k) {
    const uint64_t p = uint64_t{1} << k;
    samples.insert(samples.end(), {p - 1, p, p + 1});
  }
  for (size_t i = 0; i < Histogram::bucket_count(); ++i) {
    const uint64_t low = Histogram::bucket_low(i);
    const uint64_t high = Histogram::bucket_high(i);
    samples.insert(samples.end(), {low, low + 1, high, high + 1});
    if (low > 0) samples.push_back(low - 1);
  }
  expect_matches_exact(samples);
}

TEST(Histogram, ZeroMaxAndAboveMaxMatchExact) {
  expect_matches_exact({0, 0, 0});
  expect_matches_exact({kMax, kMax - 1, kMax}, /*wide=*/false);
  expect_matches_exact({1000, kMax + 1, UINT64_MAX, kMax, 5});
}

TEST(Histogram, ClusterNarrowerThanABucketMatchesExactButForStdev) {
  std::vector<uint64_t> samples;
  for (uint64_t i = 0; i < 1000; ++i) samples.push_back(1'000'000'000 + i % 97);
  expect_matches_exact(samples, /*wide=*/false);
}

TEST(Histogram, EmptyReportsZeros) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0.0);
  EXPECT_EQ(h.stdev(), 0.0);
  EXPECT_EQ(h.value_at_percentile(50), 0u);
  EXPECT_TRUE(percentile_distribution(h).empty());
}

TEST(Histogram, PercentileArgumentIsClamped) {
  Histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.value_at_percentile(-5), 1u);
  EXPECT_EQ(h.value_at_percentile(std::nan("")), 1u);
  EXPECT_EQ(h.value_at_percentile(250), 100u);
  EXPECT_EQ(h.value_at_percentile(50), 50u);
  EXPECT_EQ(h.value_at_percentile(50.001), 51u);
}

using BucketList = std::vector<std::tuple<uint64_t, uint64_t, uint64_t>>;

BucketList buckets_of(const Histogram& h) {
  BucketList out;
  h.for_each_bucket([&](const Histogram::Bucket& b) { out.emplace_back(b.low, b.high, b.count); });
  return out;
}

void expect_same(const Histogram& a, const Histogram& b) {
  EXPECT_EQ(buckets_of(a), buckets_of(b));
  EXPECT_EQ(a.count(), b.count());
  EXPECT_EQ(a.saturated(), b.saturated());
  EXPECT_EQ(a.min(), b.min());
  EXPECT_EQ(a.max(), b.max());
  EXPECT_EQ(a.mean(), b.mean());
  EXPECT_EQ(a.stdev(), b.stdev());
}

TEST(Histogram, MergeEqualsRecordingEverythingInOne) {
  std::vector<uint64_t> first = random_samples(1, 5);
  std::vector<uint64_t> second = random_samples(0, 6);
  second.push_back(kMax + 7);  // saturation survives the merge
  Histogram a, b, all;
  for (uint64_t v : first) a.record(v), all.record(v);
  for (uint64_t v : second) b.record(v), all.record(v);
  a.merge(b);
  expect_same(a, all);

  Histogram empty, copy = all;
  copy.merge(empty);
  expect_same(copy, all);
  empty.merge(all);
  expect_same(empty, all);
}

TEST(Histogram, RecordNEqualsRepeatedRecord) {
  Histogram once, repeated;
  for (uint64_t v : {uint64_t{3}, uint64_t{999}, uint64_t{1} << 33, kMax + 1}) {
    once.record_n(v, 17);
    for (int i = 0; i < 17; ++i) repeated.record(v);
  }
  expect_same(once, repeated);
}

TEST(Histogram, ResetEmpties) {
  Histogram h;
  for (uint64_t v : random_samples(2, 7)) h.record(v);
  h.record(kMax + 1);
  h.reset();
  expect_same(h, Histogram{});
  h.record(42);
  EXPECT_EQ(h.min(), 42u);
  EXPECT_EQ(h.max(), 42u);
  EXPECT_EQ(h.mean(), 42.0);
}

TEST(Histogram, BucketsRoundTripThroughAddBucket) {
  Histogram original;
  for (uint64_t v : random_samples(1, 8)) original.record(v);
  for (uint64_t v : {uint64_t{0}, uint64_t{5}, kMax}) original.record_n(v, 3);
  Histogram restored;
  original.for_each_bucket(
      [&](const Histogram::Bucket& b) { restored.add_bucket(b.low, b.count); });
  EXPECT_EQ(buckets_of(restored), buckets_of(original));
  EXPECT_EQ(restored.count(), original.count());
  EXPECT_EQ(restored.min(), 0u);
  EXPECT_EQ(restored.max(), Histogram::bucket_low(Histogram::bucket_count() - 1));
}

TEST(Histogram, BucketLayoutIsContiguousMonotoneAndNarrow) {
  static_assert(Histogram::bucket_count() == 256 + (40 - 8) * 128);
  ASSERT_EQ(Histogram::bucket_low(0), 0u);
  ASSERT_EQ(Histogram::bucket_high(Histogram::bucket_count() - 1), kMax);
  for (size_t i = 0; i < Histogram::bucket_count(); ++i) {
    const uint64_t low = Histogram::bucket_low(i);
    const uint64_t high = Histogram::bucket_high(i);
    ASSERT_LE(low, high) << i;
    ASSERT_EQ(Histogram::bucket_index(low), i);
    ASSERT_EQ(Histogram::bucket_index(high), i);
    if (i + 1 < Histogram::bucket_count()) {
      ASSERT_EQ(Histogram::bucket_low(i + 1), high + 1) << i;
    }
    if (low < Histogram::kSubBuckets) {
      ASSERT_EQ(low, high) << i;  // exact below kSubBuckets
    } else {
      // Width at most 2/kSubBuckets of the lower bound: the midpoint is within 1/kSubBuckets.
      ASSERT_LE((high - low + 1) * (Histogram::kSubBuckets / 2), low) << i;
      const uint64_t mid = low + (high - low) / 2;
      ASSERT_LE(std::max(mid - low, high - mid) * Histogram::kSubBuckets, low) << i;
    }
  }
}

TEST(Histogram, BucketIndexHoldsEveryValueOfASweep) {
  auto check = [](uint64_t v) {
    const size_t i = Histogram::bucket_index(v);
    ASSERT_LT(i, Histogram::bucket_count());
    ASSERT_LE(Histogram::bucket_low(i), v);
    ASSERT_LE(v, Histogram::bucket_high(i));
  };
  for (uint64_t v = 0; v < (uint64_t{1} << 20); ++v) check(v);
  std::mt19937_64 rng(9);
  for (int i = 0; i < 1'000'000; ++i) check(rng() >> (24 + rng() % 40));
  size_t previous = 0;
  for (uint64_t v = 1; v <= kMax; v += v / 1000 + 1) {
    ASSERT_GE(Histogram::bucket_index(v), previous);
    previous = Histogram::bucket_index(v);
    check(v);
  }
  EXPECT_EQ(Histogram::bucket_index(kMax + 1), Histogram::bucket_count() - 1);
  EXPECT_EQ(Histogram::bucket_index(UINT64_MAX), Histogram::bucket_count() - 1);
}

TEST(PercentileDistribution, FollowsHdrHistogramSteps) {
  Histogram h;
  for (uint64_t v : random_samples(1, 10)) h.record(v);
  const auto points = percentile_distribution(h);
  const double expected_start[] = {0,  10, 20,   30, 40,   50, 55,   60,    65,
                                   70, 75, 77.5, 80, 82.5, 85, 87.5, 88.75, 90.0};
  ASSERT_GT(points.size(), std::size(expected_start));
  for (size_t i = 0; i < std::size(expected_start); ++i) {
    EXPECT_DOUBLE_EQ(points[i].first, expected_start[i]) << i;
  }
  EXPECT_EQ(points.front().second, h.min());
  EXPECT_EQ(points.back(), std::make_pair(100.0, h.max()));
  for (size_t i = 1; i < points.size(); ++i) {
    EXPECT_LT(points[i - 1].first, points[i].first) << i;
    EXPECT_LE(points[i - 1].second, points[i].second) << i;
    EXPECT_EQ(points[i].second, h.value_at_percentile(points[i].first)) << i;
  }
  // The last point before 100% still names a rank below count(); 5 points per halving of
  // 200k samples is about 5 * log2(200k) = 88 points.
  const double last = points[points.size() - 2].first;
  EXPECT_LT(std::ceil(last / 100.0 * static_cast<double>(h.count())),
            static_cast<double>(h.count()));
  EXPECT_GT(points.size(), 80u);
  EXPECT_LT(points.size(), 100u);
}

TEST(PercentileDistribution, OneTickPerHalfHalvesTheDistance) {
  Histogram h;
  for (uint64_t v = 1; v <= 1000; ++v) h.record(v * 1000);
  const auto points = percentile_distribution(h, 1);
  ASSERT_GE(points.size(), 5u);
  EXPECT_DOUBLE_EQ(points[0].first, 0.0);
  EXPECT_DOUBLE_EQ(points[1].first, 50.0);
  EXPECT_DOUBLE_EQ(points[2].first, 75.0);
  EXPECT_DOUBLE_EQ(points[3].first, 87.5);
  EXPECT_DOUBLE_EQ(points[4].first, 93.75);
  EXPECT_EQ(points.back(), std::make_pair(100.0, uint64_t{1'000'000}));
  // ticks below 1 behave like 1.
  EXPECT_EQ(percentile_distribution(h, 0), points);
}

TEST(PercentileDistribution, SingleSampleHasBothEnds) {
  Histogram h;
  h.record(12345);
  const std::vector<std::pair<double, uint64_t>> expected = {{0.0, 12345}, {100.0, 12345}};
  EXPECT_EQ(percentile_distribution(h), expected);
}

}  // namespace
}  // namespace ringfire
