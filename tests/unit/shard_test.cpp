// --shard I/N: the segment rule's shares add up to the whole, and the shards' open-loop
// schedules are, together, exactly the one-box schedule (issue 21).
#include "ringfire/base/shard.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "ringfire/engine/pacer.hpp"
#include "ringfire/run/plan.hpp"

namespace ringfire {
namespace {

TEST(Shard, SharesAddUpToTheWholeAndDifferByAtMostOne) {
  for (uint64_t v : {0ull, 1ull, 2ull, 3ull, 7ull, 10ull, 99ull, 100ull, 1001ull, 123457ull,
                     ~0ull >> 1, ~0ull}) {
    for (uint32_t n = 1; n <= 17; ++n) {
      uint64_t sum = 0, lo = ~0ull, hi = 0, next_first = 0;
      for (uint32_t i = 0; i < n; ++i) {
        const Shard s{i, n};
        const uint64_t share = shard_share(v, s);
        EXPECT_EQ(shard_first(v, s), next_first) << v << " " << s.text();
        next_first += share;
        sum += share;
        lo = std::min(lo, share);
        hi = std::max(hi, share);
      }
      EXPECT_EQ(sum, v) << "v " << v << " over " << n;
      EXPECT_LE(hi - lo, 1u) << "v " << v << " over " << n;
    }
  }
}

TEST(Shard, SegmentRuleMatchesK6) {
  // k6's example: 10 VUs over 3 segments of a third each: 3, 4, 3 (round(10/3)=3, round(20/3)=7).
  EXPECT_EQ(shard_share(10, {0, 3}), 3u);
  EXPECT_EQ(shard_share(10, {1, 3}), 4u);
  EXPECT_EQ(shard_share(10, {2, 3}), 3u);
}

TEST(Shard, ParsesIOverN) {
  Shard s;
  std::string error;
  ASSERT_TRUE(parse_shard("2/3", s, error)) << error;
  EXPECT_EQ(s.index, 2u);
  EXPECT_EQ(s.count, 3u);
  for (const char* bad : {"3/3", "1/0", "1", "/3", "1/", "a/3", "-1/3", "1/3x", "0/10001"}) {
    EXPECT_FALSE(parse_shard(bad, s, error)) << bad;
    EXPECT_NE(error.find("--shard"), std::string::npos) << error;
  }
}

TEST(Shard, PlanTakesTheShardsShareOfConnectionsAndRequests) {
  RunConfig c;
  c.connections = 10;
  c.requests = 1000;
  c.threads = 2;
  uint32_t connections = 0;
  uint64_t requests = 0;
  std::vector<uint32_t> firsts;
  for (uint32_t i = 0; i < 3; ++i) {
    c.shard = {i, 3};
    const Plan plan = make_plan(c);
    for (const WorkerPlan& w : plan.workers) {
      connections += w.connections;
      requests += w.requests;
      firsts.push_back(w.first_connection);
    }
  }
  EXPECT_EQ(connections, 10u);
  EXPECT_EQ(requests, 1000u);
  // Global connection indices: the shards' workers tile 0..9.
  EXPECT_EQ(firsts, (std::vector<uint32_t>{0, 2, 3, 5, 7, 9}));  // shares 3, 4, 3
}

// Every intended send time before `horizon_ns` of all the workers of all `threads.size()` shards
// (shard i with threads[i] workers), sorted.
std::vector<uint64_t> union_of_shards(RunConfig c, const std::vector<uint32_t>& threads,
                                      uint64_t horizon_ns) {
  std::vector<uint64_t> times;
  const auto n = static_cast<uint32_t>(threads.size());
  for (uint32_t i = 0; i < n; ++i) {
    c.shard = {i, n};
    c.threads = threads[i];
    for (const WorkerPlan& w : make_plan(c).workers) {
      Pacer p(w.schedule_rate, c.arrival, c.seed, 0, static_cast<uint64_t>(c.ramp.count()),
              w.schedule_first, w.schedule_stride);
      for (; p.next() < horizon_ns; p.advance()) times.push_back(p.next());
    }
  }
  std::sort(times.begin(), times.end());
  return times;
}

void expect_union_is_one_box(Arrival arrival, Nanos ramp) {
  RunConfig c;
  c.rate = 3000;
  c.connections = 30;
  c.arrival = arrival;
  c.seed = 7;
  c.ramp = ramp;
  const uint64_t horizon = 5'000'000'000;  // -R 3000 for 5 s
  const std::vector<uint64_t> one_box = union_of_shards(c, {1}, horizon);
  EXPECT_NEAR(static_cast<double>(one_box.size()), 15000.0 - (ramp.count() ? 3000.0 : 0), 400.0);
  for (const std::vector<uint32_t>& shards :
       std::vector<std::vector<uint32_t>>{{1, 1, 1}, {2, 1, 3}, {4, 4}, {1, 2, 3, 4, 5}}) {
    const std::vector<uint64_t> merged = union_of_shards(c, shards, horizon);
    ASSERT_EQ(merged.size(), one_box.size()) << shards.size() << " shards";
    EXPECT_EQ(merged, one_box) << shards.size() << " shards";  // every time, to the nanosecond
  }
  // The one-box schedule does not depend on its worker count either.
  EXPECT_EQ(union_of_shards(c, {4}, horizon), one_box);
}

TEST(Shard, ConstantScheduleUnionIsTheOneBoxSchedule) {
  expect_union_is_one_box(Arrival::kConstant, Nanos(0));
  expect_union_is_one_box(Arrival::kConstant, std::chrono::seconds(2));
}

TEST(Shard, PoissonScheduleUnionIsTheOneBoxSchedule) {
  expect_union_is_one_box(Arrival::kPoisson, Nanos(0));
  expect_union_is_one_box(Arrival::kPoisson, std::chrono::seconds(2));
}

TEST(Shard, DueInAWindowAddsUpOverShards) {
  // The due count of a measured window [1 s, 4 s): the shards' counts add to the one box's.
  RunConfig c;
  c.rate = 3000;
  c.connections = 9;
  c.arrival = Arrival::kPoisson;
  const auto due = [](const std::vector<uint64_t>& times) {
    return std::count_if(times.begin(), times.end(),
                         [](uint64_t t) { return t >= 1'000'000'000 && t < 4'000'000'000; });
  };
  EXPECT_EQ(due(union_of_shards(c, {1, 2, 1}, 4'000'000'000)),
            due(union_of_shards(c, {1}, 4'000'000'000)));
}

}  // namespace
}  // namespace ringfire
