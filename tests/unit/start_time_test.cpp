#include "ringfire/base/start_time.hpp"

#include <gtest/gtest.h>

namespace ringfire {
namespace {

double parsed(const std::string& text, double now = 1000) {
  double out = -1;
  std::string error;
  EXPECT_TRUE(parse_start_time(text, now, out, error)) << text << ": " << error;
  return out;
}

TEST(StartTime, UnixSeconds) {
  EXPECT_DOUBLE_EQ(parsed("1764950400"), 1764950400.0);
  EXPECT_DOUBLE_EQ(parsed("1764950400.25"), 1764950400.25);
}

TEST(StartTime, Rfc3339) {
  // 2025-12-05T16:00:00Z is 1764950400 (date -u -d @1764950400).
  EXPECT_DOUBLE_EQ(parsed("2025-12-05T16:00:00Z"), 1764950400.0);
  EXPECT_DOUBLE_EQ(parsed("2025-12-05t16:00:00z"), 1764950400.0);
  EXPECT_DOUBLE_EQ(parsed("2025-12-05 16:00:00Z"), 1764950400.0);
  EXPECT_DOUBLE_EQ(parsed("2025-12-05T17:30:00.5+01:30"), 1764950400.5);
  EXPECT_DOUBLE_EQ(parsed("2025-12-05T15:00:00-01:00"), 1764950400.0);
}

TEST(StartTime, DelayFromNow) {
  EXPECT_DOUBLE_EQ(parsed("+5s", 1000), 1005.0);
  EXPECT_DOUBLE_EQ(parsed("+250ms", 1000), 1000.25);
}

TEST(StartTime, RefusesWithOneLine) {
  for (const char* bad : {"", "soon", "+", "+5x", "2025-12-05", "2025-12-05T16:00:00",
                          "2025-13-05T16:00:00Z", "2025-12-05T16:00:00.Z", "12abc", "-5"}) {
    double out = 0;
    std::string error;
    EXPECT_FALSE(parse_start_time(bad, 1000, out, error)) << bad;
    EXPECT_NE(error.find("--start-at"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace ringfire
