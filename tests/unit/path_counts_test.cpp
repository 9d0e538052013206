// PathCounts (ringfire-target --count-paths): per path the responses and their bytes and the bytes
// of the requests read, the "other" entry once the table is full, and the workers' tables summed
// and capped with all three figures kept together.
#include "ringfire/target/path_counts.hpp"

#include <gtest/gtest.h>

#include <string>

namespace ringfire::target {
namespace {

TEST(PathCounts, CountsRequestAndResponseBytesPerPath) {
  PathCounts counts;
  const uint32_t a = counts.find_or_add("/a");
  const uint32_t b = counts.find_or_add("/b/longer");
  EXPECT_EQ(counts.find_or_add("/a"), a);
  counts.count_request(a, 40);
  counts.count_request(a, 45);
  counts.count_response(a, 120);
  counts.count_response(a, 120);
  counts.count_request(b, 1000);  // read, not (yet) answered
  EXPECT_EQ(counts.figures_of(a), (PathFigures{2, 85, 240}));
  EXPECT_EQ(counts.figures_of(b), (PathFigures{0, 1000, 0}));
  EXPECT_EQ(counts.other(), PathFigures{});
}

TEST(PathCounts, NoPathCountsNowhereOtherPathCountsAsOther) {
  PathCounts counts;
  const uint32_t a = counts.find_or_add("/a");
  counts.count_request(kNoPath, 7);
  counts.count_response(kNoPath, 9);
  counts.count_request(kOtherPath, 30);
  counts.count_response(kOtherPath, 60);
  EXPECT_EQ(counts.figures_of(a), PathFigures{});
  EXPECT_EQ(counts.other(), (PathFigures{1, 30, 60}));
}

TEST(PathCounts, AFullTableSendsNewPathsToOther) {
  PathCounts counts;
  for (uint32_t i = 0; i < PathCounts::kMaxPaths; ++i) {
    ASSERT_EQ(counts.find_or_add("/p/" + std::to_string(i)), i);
  }
  const uint32_t late = counts.find_or_add("/late");
  EXPECT_EQ(late, kOtherPath);
  counts.count_request(late, 11);
  counts.count_response(late, 22);
  EXPECT_EQ(counts.other(), (PathFigures{1, 11, 22}));
  EXPECT_EQ(counts.find_or_add("/p/0"), 0u);  // known paths still find their entry
}

TEST(PathCounts, TotalsAddEveryFigureAndSkipUntouchedPaths) {
  PathCounts one, two;
  one.count_request(one.find_or_add("/x"), 10);
  one.count_response(one.find_or_add("/x"), 100);
  one.find_or_add("/never-completed");  // a head seen, its request never complete
  two.count_request(two.find_or_add("/x"), 12);
  two.count_request(two.find_or_add("/read-only"), 5);  // read while closing: not answered
  two.count_response(kOtherPath, 3);
  PathTotals totals;
  add_path_counts(one, totals);
  add_path_counts(two, totals);
  cap_path_totals(totals);  // under the cap: changes nothing
  ASSERT_EQ(totals.paths.size(), 2u);
  EXPECT_EQ(totals.paths.at("/x"), (PathFigures{1, 22, 100}));
  EXPECT_EQ(totals.paths.at("/read-only"), (PathFigures{0, 5, 0}));
  EXPECT_EQ(totals.other, (PathFigures{1, 0, 3}));
}

TEST(PathCounts, CapMovesTheLeastAnsweredPathsWithAllTheirBytesToOther) {
  PathTotals totals;
  for (uint32_t i = 0; i < PathCounts::kMaxPaths; ++i) {
    totals.paths["/keep/" + std::to_string(i)] = PathFigures{2, 20, 200};
  }
  totals.paths["/drop/a"] = PathFigures{1, 7, 70};
  totals.paths["/drop/b"] = PathFigures{0, 9, 0};
  totals.other = PathFigures{1, 1, 1};
  cap_path_totals(totals);
  EXPECT_EQ(totals.paths.size(), PathCounts::kMaxPaths);
  EXPECT_EQ(totals.paths.count("/drop/a"), 0u);
  EXPECT_EQ(totals.paths.count("/drop/b"), 0u);
  EXPECT_EQ(totals.other, (PathFigures{2, 17, 71}));
}

}  // namespace
}  // namespace ringfire::target
