// merge() (result/merge.hpp): N results with random samples merge into exactly the result of all
// samples — percentiles, min, max, mean, exact sum, per-second rows with their buckets, labels.
#include <gtest/gtest.h>

#include <random>

#include "ringfire/result/merge.hpp"

namespace ringfire {
namespace {

constexpr size_t kSeconds = 4;

// A histogram's buckets as a per-second row keeps them.
std::vector<std::pair<uint32_t, uint64_t>> sparse(const Histogram& h) {
  std::vector<std::pair<uint32_t, uint64_t>> list;
  h.for_each_bucket([&list](const Histogram::Bucket& b) {
    list.emplace_back(static_cast<uint32_t>(Histogram::bucket_index(b.low)), b.count);
  });
  return list;
}

struct Reference {
  Histogram all;
  Histogram second[kSeconds];
  Histogram label[2];
  uint64_t sent[kSeconds] = {};
};

// One worker's (or machine's) result: `n` random samples, each in a random second and label.
Result random_part(std::mt19937_64& rng, size_t n, double start_wall, size_t first_second,
                   Reference& ref) {
  Result p;
  p.workers = 1;
  p.start_wall = start_wall;
  p.measured_seconds = static_cast<double>(kSeconds - first_second);
  p.labels = {{"a", {}, {}}, {"b", {}, {}}};
  p.labels_kept = true;
  p.seconds.resize(kSeconds - first_second);
  for (size_t k = 0; k < p.seconds.size(); ++k) p.seconds[k].wall = start_wall + double(k);
  std::vector<Histogram> rows(p.seconds.size());
  // Log-uniform latencies from 1 µs to ~20 min, a few above the histogram's range (saturated).
  std::uniform_real_distribution<double> exponent(10, 41);
  for (size_t i = 0; i < n; ++i) {
    const auto v = static_cast<uint64_t>(std::exp2(exponent(rng)));
    const size_t row = rng() % p.seconds.size();
    const size_t label = rng() % 2;
    p.latency.record(v);
    rows[row].record(v);
    p.seconds[row].stats.sent++;
    p.seconds[row].stats.completed++;
    p.labels[label].latency.record(v);
    p.labels[label].counters.sent++;
    p.labels[label].counters.completed++;
    p.measured.sent++;
    p.measured.completed++;
    ref.all.record(v);
    ref.second[first_second + row].record(v);
    ref.sent[first_second + row]++;
    ref.label[label].record(v);
  }
  for (size_t k = 0; k < rows.size(); ++k) p.seconds[k].stats.latency = sparse(rows[k]);
  return p;
}

void expect_same(const Histogram& merged, const Histogram& ref) {
  EXPECT_EQ(merged.count(), ref.count());
  EXPECT_EQ(merged.min(), ref.min());
  EXPECT_EQ(merged.max(), ref.max());
  EXPECT_TRUE(merged.sum() == ref.sum());
  EXPECT_EQ(merged.mean(), ref.mean());
  EXPECT_EQ(merged.saturated(), ref.saturated());
  for (double p : {0.0, 1.0, 25.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(merged.value_at_percentile(p), ref.value_at_percentile(p)) << "p" << p;
  }
  EXPECT_EQ(sparse(merged), sparse(ref));
}

TEST(ResultMerge, NResultsMergeIntoTheResultOfAllSamplesExactly) {
  std::mt19937_64 rng(18);
  Reference ref;
  Result merged;
  for (int part = 0; part < 7; ++part) {
    merge(merged, random_part(rng, 500 + rng() % 3000, 1000.0, 0, ref));
  }
  EXPECT_EQ(merged.workers, 7u);
  expect_same(merged.latency, ref.all);
  ASSERT_EQ(merged.seconds.size(), kSeconds);
  for (size_t k = 0; k < kSeconds; ++k) {
    EXPECT_EQ(merged.seconds[k].stats.latency, sparse(ref.second[k])) << "second " << k;
    EXPECT_EQ(merged.seconds[k].stats.sent, ref.sent[k]);
    const SecondLatency l = second_latency(merged.seconds[k].stats);
    Histogram lows;  // what the report did before rows kept buckets: lower bounds of the buckets
    ref.second[k].for_each_bucket(
        [&lows](const Histogram::Bucket& b) { lows.add_bucket(b.low, b.count); });
    EXPECT_EQ(l.p99, lows.value_at_percentile(99));
  }
  ASSERT_EQ(merged.labels.size(), 2u);
  for (size_t l = 0; l < 2; ++l) {
    expect_same(merged.labels[l].latency, ref.label[l]);
    EXPECT_EQ(merged.labels[l].counters.completed, ref.label[l].count());
  }
  EXPECT_EQ(merged.measured.completed, ref.all.count());
}

TEST(ResultMerge, RowsLineUpOnTheWallClockSecondTheyBegan) {
  std::mt19937_64 rng(21);
  Reference ref;
  Result merged;
  // A machine that began one second later, and one that began a second before the first.
  merge(merged, random_part(rng, 800, 1001.0, 1, ref));
  merge(merged, random_part(rng, 800, 1000.0, 0, ref));
  ASSERT_EQ(merged.seconds.size(), kSeconds);
  EXPECT_EQ(merged.start_wall, 1000.0);
  EXPECT_EQ(merged.seconds[0].wall, 1000.0);
  for (size_t k = 0; k < kSeconds; ++k) {
    EXPECT_EQ(merged.seconds[k].stats.latency, sparse(ref.second[k])) << "second " << k;
    EXPECT_EQ(merged.seconds[k].stats.sent, ref.sent[k]);
  }
  expect_same(merged.latency, ref.all);
}

TEST(ResultMerge, SourcesAreKeptEachWithItsOwnVerdict) {
  Result a, b;
  a.workers = b.workers = 1;
  a.sources = {Source{"one", 1000, 1002, {}, {}, {}}};
  b.sources = {Source{"two", 1000, 1002, {}, {}, {}}};
  b.verdict.client_bound = true;
  merge(a, b);
  ASSERT_EQ(a.sources.size(), 2u);
  EXPECT_EQ(a.sources[0].host, "one");
  EXPECT_EQ(a.sources[1].host, "two");
  EXPECT_NE(a.sources[0].verdict_json, a.sources[1].verdict_json);
  EXPECT_NE(a.sources[1].verdict_json.find("\"client_bound\":true"), std::string::npos);
}

}  // namespace
}  // namespace ringfire
