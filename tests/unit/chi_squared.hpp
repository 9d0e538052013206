// Pearson's chi-squared statistic for the uniformity and weight tests of the scenario library.
#pragma once

#include <cstdint>
#include <numeric>
#include <vector>

namespace ringfire {

// Critical values of the chi-squared distribution at p = 0.001, by degrees of freedom (index 0
// unused): a correct generator fails a test once in a thousand seeds, and the seeds are fixed.
inline constexpr double kChi2Critical001[] = {
    0,      10.828, 13.816, 16.266, 18.467, 20.515, 22.458, 24.322, 26.124, 27.877, 29.588,
    31.264, 32.909, 34.528, 36.123, 37.697, 39.252, 40.790, 42.312, 43.820, 45.315};

// Observed counts against expected shares proportional to `weights`.
inline double chi_squared(const std::vector<uint64_t>& observed,
                          const std::vector<double>& weights) {
  const double total =
      static_cast<double>(std::accumulate(observed.begin(), observed.end(), uint64_t{0}));
  const double weight_sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  double chi2 = 0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double expected = total * weights[i] / weight_sum;
    const double d = static_cast<double>(observed[i]) - expected;
    chi2 += d * d / expected;
  }
  return chi2;
}

}  // namespace ringfire
