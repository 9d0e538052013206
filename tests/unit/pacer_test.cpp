#include "ringfire/engine/pacer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ringfire {
namespace {

constexpr uint64_t kOrigin = 1'000'000'000;

TEST(Pacer, ConstantArrivalsAreEvenlySpaced) {
  Pacer p(2000, Arrival::kConstant, 1, kOrigin, 0);
  uint64_t prev = p.next();
  EXPECT_EQ(prev, kOrigin);
  for (int i = 0; i < 10000; ++i) {
    p.advance();
    const uint64_t gap = p.next() - prev;
    EXPECT_NEAR(static_cast<double>(gap), 500'000.0, 1.0);
    prev = p.next();
  }
}

TEST(Pacer, StridedPacersInterleave) {
  // Two workers of a 1000 req/s schedule: the second's first request is the schedule's second.
  Pacer a(1000, Arrival::kConstant, 1, kOrigin, 0, 0, 2);
  Pacer b(1000, Arrival::kConstant, 1, kOrigin, 0, 1, 2);
  EXPECT_NEAR(static_cast<double>(b.next() - a.next()), 1'000'000.0, 1.0);
  a.advance();
  EXPECT_EQ(a.index(), 2u);
  EXPECT_NEAR(static_cast<double>(a.next() - b.next()), 1'000'000.0, 1.0);
}

TEST(Pacer, SameSeedSameSchedule) {
  Pacer a(5000, Arrival::kPoisson, 42, kOrigin, 0);
  Pacer b(5000, Arrival::kPoisson, 42, kOrigin, 0);
  Pacer c(5000, Arrival::kPoisson, 43, kOrigin, 0);
  bool differs = false;
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(a.next(), b.next());
    differs |= a.next() != c.next();
    a.advance();
    b.advance();
    c.advance();
  }
  EXPECT_TRUE(differs);
}

// Kolmogorov–Smirnov: Poisson inter-arrival gaps against the exponential distribution with the
// requested mean. At n = 20000 the 1% critical value of D is 1.63 / sqrt(n) ≈ 0.0115.
TEST(Pacer, PoissonGapsAreExponential) {
  const double rate = 10000;
  Pacer p(rate, Arrival::kPoisson, 7, kOrigin, 0);
  const int n = 20000;
  std::vector<double> gaps;
  uint64_t prev = p.next();
  for (int i = 0; i < n; ++i) {
    p.advance();
    gaps.push_back(static_cast<double>(p.next() - prev) * 1e-9);
    prev = p.next();
  }
  std::sort(gaps.begin(), gaps.end());
  double d = 0;
  for (int i = 0; i < n; ++i) {
    const double cdf = 1 - std::exp(-rate * gaps[i]);
    d = std::max({d, cdf - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - cdf});
  }
  EXPECT_LT(d, 1.63 / std::sqrt(static_cast<double>(n))) << "KS statistic " << d;
  // And the mean gap matches the rate.
  double sum = 0;
  for (double g : gaps) sum += g;
  EXPECT_NEAR(sum / n, 1 / rate, 0.03 / rate);
}

TEST(Pacer, LinearRampCountsMatchTheIntegral) {
  // 1000 req/s after a 2 s ramp: 1000 requests during the ramp, then 1000/s.
  const uint64_t ramp = 2'000'000'000;
  Pacer p(1000, Arrival::kConstant, 1, kOrigin, ramp);
  auto count_before = [&](uint64_t t) {
    Pacer q = p;
    uint64_t n = 0;
    while (q.next() < kOrigin + t) {
      q.advance();
      ++n;
    }
    return n;
  };
  EXPECT_NEAR(static_cast<double>(count_before(1'000'000'000)), 250, 1);  // ∫0..1 500t dt
  EXPECT_NEAR(static_cast<double>(count_before(2'000'000'000)), 1000, 1);
  EXPECT_NEAR(static_cast<double>(count_before(3'000'000'000)), 2000, 1);
}

TEST(Pacer, ZeroRateNeverFires) {
  Pacer p(0, Arrival::kConstant, 1, kOrigin, 0);
  EXPECT_EQ(p.next(), UINT64_MAX);
}

}  // namespace
}  // namespace ringfire
