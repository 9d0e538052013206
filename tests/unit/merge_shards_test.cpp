// ringfire merge (result/merge_shards.hpp): shards merge into the figures of all their samples,
// exactly; inputs that do not belong together are refused with one line each; a truncated or
// invalid file is named with the byte position.
#include "ringfire/result/merge_shards.hpp"

#include <gtest/gtest.h>

#include <random>

#include "ringfire/result/report.hpp"

namespace ringfire {
namespace {

constexpr size_t kRows = 3;

struct Shards {
  std::vector<MergeInput> inputs;
  Histogram all;  // one histogram of every shard's samples
};

// Shard i of n: `samples` random latencies over kRows seconds starting at `start` (unix s).
MergeInput shard(uint32_t i, uint32_t n, double start, size_t samples, std::mt19937_64& rng,
                 Histogram& all) {
  MergeInput in;
  in.name = "shard" + std::to_string(i) + ".json";
  in.schema = kJsonSchema;
  Result& r = in.result;
  UrlError url_error;
  EXPECT_TRUE(parse_url("http://10.0.0.1:8080/", r.config.url, url_error));
  r.config.shard = {i, n};
  r.config.start_at = 1000;
  r.workers = 1;
  r.start_wall = start;
  r.measured_seconds = static_cast<double>(kRows);
  r.labels = {{"/", {}, {}}};
  r.seconds.resize(kRows);
  std::vector<Histogram> rows(kRows);
  std::uniform_real_distribution<double> exponent(12, 30);
  for (size_t k = 0; k < samples; ++k) {
    const auto v = static_cast<uint64_t>(std::exp2(exponent(rng)));
    const size_t row = rng() % kRows;
    r.latency.record(v);
    all.record(v);
    rows[row].record(v);
    r.seconds[row].stats.sent++;
    r.seconds[row].stats.completed++;
    r.measured.sent++;
    r.measured.completed++;
    r.measured.status[2]++;
  }
  r.labels[0].counters = r.measured;
  r.labels[0].latency = r.latency;
  for (size_t k = 0; k < kRows; ++k) {
    r.seconds[k].wall = start + static_cast<double>(k);
    rows[k].for_each_bucket([&](const Histogram::Bucket& b) {
      r.seconds[k].stats.latency.emplace_back(Histogram::bucket_index(b.low), b.count);
    });
  }
  Source s;
  s.host = "box" + std::to_string(i);
  s.start_wall = start;
  s.end_wall = start + static_cast<double>(kRows);
  s.intended_start_wall = 1000;
  s.shard = r.config.shard;
  s.verdict_json = R"({"client_bound": false, "summary": "fine"})";
  r.sources = {s};
  return in;
}

MergeInput named(const std::string& name) {
  MergeInput in;
  in.name = name;
  return in;
}

Shards three_shards() {
  std::mt19937_64 rng(21);
  Shards s;
  // Starts 0.4 ms, 2.5 ms late: one skew of 2.1 ms.
  const double starts[] = {1000.0004, 1000.0025, 1000.0010};
  for (uint32_t i = 0; i < 3; ++i) {
    s.inputs.push_back(shard(i, 3, starts[i], 2000 + 500 * i, rng, s.all));
  }
  return s;
}

Result merged_ok(const std::vector<MergeInput>& inputs) {
  Result out;
  std::string error;
  EXPECT_TRUE(merge_shards(inputs, false, out, error)) << error;
  return out;
}

TEST(MergeShards, PercentilesAreThoseOfOneHistogramOfAllBuckets) {
  const Shards s = three_shards();
  const Result m = merged_ok(s.inputs);
  EXPECT_EQ(m.latency.count(), s.all.count());
  EXPECT_TRUE(m.latency.sum() == s.all.sum());
  for (double p : {0.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    EXPECT_EQ(m.latency.value_at_percentile(p), s.all.value_at_percentile(p)) << "p" << p;
  }
  EXPECT_EQ(m.measured.completed, 2000u + 2500u + 3000u);
  EXPECT_EQ(m.labels.at(0).counters.completed, m.measured.completed);
}

TEST(MergeShards, SeriesSumsToTheTotalsAndEveryShardIsASource) {
  const Result m = merged_ok(three_shards().inputs);
  ASSERT_EQ(m.seconds.size(), kRows);  // the starts differ by ms: one row per second
  uint64_t sent = 0, completed = 0;
  for (const SecondSummary& row : m.seconds) {
    sent += row.stats.sent;
    completed += row.stats.completed;
  }
  EXPECT_EQ(sent, m.measured.sent);
  EXPECT_EQ(completed, m.measured.completed);
  ASSERT_EQ(m.sources.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(m.sources[i].shard.index, i);
}

TEST(MergeShards, ReportsSkewAndTheSharedWindow) {
  const Result m = merged_ok(three_shards().inputs);
  EXPECT_TRUE(m.merge.merged);
  EXPECT_EQ(m.merge.shards, 3u);
  EXPECT_NEAR(m.merge.start_skew_s, 0.0021, 1e-9);
  EXPECT_NEAR(m.merge.shared_seconds, 3 - 0.0021, 1e-9);
  EXPECT_EQ(m.merge.shared_rows, kRows);
  EXPECT_EQ(m.merge.shared_completed, m.measured.completed);
  EXPECT_FALSE(m.verdict.client_bound);
  EXPECT_FALSE(m.config.shard.sharded());  // the merge is the whole run again
}

TEST(MergeShards, WindowsThatDidNotOverlapHaveNoSharedRate) {
  Shards s = three_shards();
  std::mt19937_64 rng(1);
  Histogram ignored;
  s.inputs[2] = shard(2, 3, 1010, 100, rng, ignored);  // ten seconds after the others
  const Result m = merged_ok(s.inputs);
  EXPECT_EQ(m.merge.shared_seconds, 0);
  EXPECT_EQ(m.merge.shared_rows, 0u);
  EXPECT_EQ(m.merge.shared_requests_per_second(), 0);
}

TEST(MergeShards, AClientBoundShardMakesTheMergeClientBound) {
  Shards s = three_shards();
  s.inputs[1].result.sources[0].verdict_json =
      R"({"client_bound": true, "summary": "CLIENT-BOUND: worker 0 at 99% CPU"})";
  const Result m = merged_ok(s.inputs);
  EXPECT_TRUE(m.verdict.client_bound);
  EXPECT_NE(m.verdict.summary.find("shard 1/3"), std::string::npos) << m.verdict.summary;
}

// The refusal of `inputs`, which must be one line containing `what`.
void expect_refused(const std::vector<MergeInput>& inputs, const std::string& what) {
  Result out;
  std::string error;
  EXPECT_FALSE(merge_shards(inputs, false, out, error));
  EXPECT_NE(error.find(what), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(MergeShards, RefusesAnotherSchemaMajor) {
  Shards s = three_shards();
  s.inputs[1].schema = "ringfire.result/3";
  s.inputs[1].result.sources.clear();  // a file of another schema is left unread
  expect_refused(s.inputs,
                 "schema's major version differs: shard0.json ringfire.result/2, "
                 "shard1.json ringfire.result/3");
}

TEST(MergeShards, RefusesAnotherTarget) {
  Shards s = three_shards();
  UrlError e;
  ASSERT_TRUE(parse_url("http://10.0.0.2:8080/", s.inputs[2].result.config.url, e));
  expect_refused(s.inputs,
                 "the target differs: shard0.json http://10.0.0.1:8080/, shard2.json "
                 "http://10.0.0.2:8080/");
}

TEST(MergeShards, RefusesAnotherMode) {
  Shards s = three_shards();
  s.inputs[1].result.config.rate = 3000;
  expect_refused(s.inputs, "the mode differs: shard0.json closed loop, shard1.json open loop");
  s.inputs[0].result.config.rate = 3000;
  s.inputs[2].result.config.rate = 3000;
  s.inputs[2].result.config.arrival = Arrival::kPoisson;
  expect_refused(s.inputs, "(constant), shard2.json open loop at 3000 req/s (poisson)");
}

TEST(MergeShards, RefusesAnotherShardCount) {
  Shards s = three_shards();
  s.inputs[2].result.sources[0].shard = {2, 4};
  expect_refused(s.inputs, "the shard count differs: shard0.json 3, shard2.json 4");
}

TEST(MergeShards, RefusesADuplicateShardAndAResultWithItself) {
  Shards s = three_shards();
  s.inputs.push_back(s.inputs[1]);
  expect_refused(s.inputs, "shard 1/3 appears twice: in shard1.json and shard1.json");
}

TEST(MergeShards, RefusesMissingShards) {
  Shards s = three_shards();
  s.inputs.erase(s.inputs.begin() + 1);
  expect_refused(s.inputs, "shards missing: 1 of 3");
}

TEST(MergeShards, ForceMergesAndSaysWhatDiffered) {
  Shards s = three_shards();
  s.inputs.erase(s.inputs.begin() + 1);
  Result out;
  std::string error;
  ASSERT_TRUE(merge_shards(s.inputs, true, out, error)) << error;
  EXPECT_EQ(out.merge.forced, "shards missing: 1 of 3");
  // And the mark survives the file.
  MergeInput again = named("all.json");
  ASSERT_TRUE(read_merge_input(to_json(out).dump(), again, error)) << error;
  EXPECT_EQ(again.result.merge.forced, "shards missing: 1 of 3");
}

TEST(MergeShards, AMergedFileReadsBackAndMergesAgainToTheSame) {
  const Shards s = three_shards();
  const Result m = merged_ok(s.inputs);
  const std::string text = to_json(m).dump(2);
  MergeInput file = named("all.json");
  std::string error;
  ASSERT_TRUE(read_merge_input(text, file, error)) << error;
  EXPECT_TRUE(to_json(file.result).dump(2) == text);  // (no diff of 600 KB on failure)
  // A merge of the merge is the merge: the same figures, its facts measured again, not added.
  nlohmann::json again = to_json(merged_ok({file}));
  nlohmann::json first = nlohmann::json::parse(text);
  EXPECT_EQ(again["merge"]["inputs"], 1);
  EXPECT_EQ(again["merge"]["shared_rows"], first["merge"]["shared_rows"]);
  EXPECT_EQ(again["merge"]["start_skew_s"], first["merge"]["start_skew_s"]);
  again.erase("merge");
  first.erase("merge");
  EXPECT_TRUE(again == first);
}

TEST(MergeShards, ATruncatedFileIsNamedWithItsBytePosition) {
  const Result m = merged_ok(three_shards().inputs);
  const std::string text = to_json(m).dump(2);
  MergeInput in = named("cut.json");
  std::string error;
  EXPECT_FALSE(read_merge_input(text.substr(0, 1234), in, error));
  EXPECT_EQ(error, "cut.json: truncated: the JSON ends unfinished at byte 1234");
  std::string bad = text;
  const size_t colon = text.find(':', 100);
  bad[colon] = '#';
  EXPECT_FALSE(read_merge_input(bad, in, error));
  EXPECT_EQ(error, "cut.json: invalid JSON at byte " + std::to_string(colon + 1) + " of " +
                       std::to_string(text.size()));
  EXPECT_FALSE(read_merge_input(R"({"schema": "ringfire.result/2"})", in, error));
  EXPECT_EQ(error.rfind("cut.json: not a ringfire result", 0), 0u) << error;
}

}  // namespace
}  // namespace ringfire
