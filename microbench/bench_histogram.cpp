// Cost of the histogram on the hot path (record) and in the report (percentiles, merge).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "ringfire/metrics/histogram.hpp"

namespace {

// Realistic latencies: lognormal around 100 us, with a tail to tens of milliseconds.
// 64 Ki values (512 KiB) so the input does not sit in L1 and the loop cannot be constant-folded.
const std::vector<uint64_t>& latencies() {
  static const std::vector<uint64_t> values = [] {
    std::mt19937_64 rng(42);
    std::lognormal_distribution<double> lognormal(std::log(100'000.0), 0.8);
    std::vector<uint64_t> v(1 << 16);
    for (uint64_t& x : v) x = static_cast<uint64_t>(lognormal(rng));
    return v;
  }();
  return values;
}

ringfire::Histogram filled_histogram(uint32_t seed) {
  ringfire::Histogram h;
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> lognormal(std::log(100'000.0), 0.8);
  for (int i = 0; i < 1'000'000; ++i) h.record(static_cast<uint64_t>(lognormal(rng)));
  return h;
}

void BM_Record(benchmark::State& state) {
  const std::vector<uint64_t>& values = latencies();
  ringfire::Histogram h;
  size_t i = 0;
  for (auto _ : state) {
    h.record(values[i]);
    i = (i + 1) & (values.size() - 1);
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Record);

// The same, 64 records per iteration, so loop overhead is amortised: the per-item time is the
// number that matters for the worker loop.
void BM_RecordBatch(benchmark::State& state) {
  const std::vector<uint64_t>& values = latencies();
  ringfire::Histogram h;
  size_t base = 0;
  for (auto _ : state) {
    for (size_t j = 0; j < 64; ++j) h.record(values[base + j]);
    base = (base + 64) & (values.size() - 1);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(h.count());
  state.SetItemsProcessed(state.iterations() * 64);
}
BENCHMARK(BM_RecordBatch);

void BM_ValueAtPercentile(benchmark::State& state) {
  const ringfire::Histogram h = filled_histogram(1);
  const double p = static_cast<double>(state.range(0)) / 1000.0;
  for (auto _ : state) benchmark::DoNotOptimize(h.value_at_percentile(p));
}
BENCHMARK(BM_ValueAtPercentile)->Arg(50'000)->Arg(99'000)->Arg(99'990);

void BM_Merge(benchmark::State& state) {
  const ringfire::Histogram other = filled_histogram(2);
  ringfire::Histogram h = filled_histogram(3);
  for (auto _ : state) {
    h.merge(other);
    benchmark::ClobberMemory();
  }
  benchmark::DoNotOptimize(h.count());
}
BENCHMARK(BM_Merge);

void BM_PercentileDistribution(benchmark::State& state) {
  const ringfire::Histogram h = filled_histogram(4);
  for (auto _ : state) benchmark::DoNotOptimize(ringfire::percentile_distribution(h).size());
}
BENCHMARK(BM_PercentileDistribution);

}  // namespace
