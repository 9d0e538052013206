#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "ringfire/engine/timer_wheel.hpp"

namespace ringfire {
namespace {

constexpr uint64_t kMs = 1'000'000;

TEST(TimerWheel, FiresAtOrAfterDeadlineNeverBefore) {
  const uint64_t start = 5'000 * kMs;
  TimerWheel wheel(1000, 2'000 * kMs, start, 256);
  std::mt19937_64 rng(7);
  std::vector<uint64_t> deadline(1000);
  for (uint32_t id = 0; id < 1000; ++id) {
    deadline[id] = start + rng() % (5'000 * kMs);  // some beyond the horizon, too
    wheel.arm(id, deadline[id]);
  }
  std::vector<uint64_t> fired_at(1000, 0);
  for (uint64_t now = start; now <= start + 6'000 * kMs; now += 3 * kMs) {
    wheel.expire(now, [&](uint32_t id) {
      EXPECT_EQ(fired_at[id], 0u);
      fired_at[id] = now;
    });
  }
  for (uint32_t id = 0; id < 1000; ++id) {
    ASSERT_NE(fired_at[id], 0u) << id;
    EXPECT_GE(fired_at[id], deadline[id]);
    EXPECT_LT(fired_at[id], deadline[id] + 3 * kMs + wheel.tick_ns());
    EXPECT_FALSE(wheel.armed(id));
  }
}

TEST(TimerWheel, DisarmAndRearm) {
  TimerWheel wheel(3, 1'000 * kMs, 0, 64);
  wheel.arm(0, 10 * kMs);
  wheel.arm(1, 10 * kMs);
  wheel.arm(2, 10 * kMs);
  wheel.disarm(1);
  wheel.arm(2, 500 * kMs);  // re-arm moves it
  std::vector<uint32_t> fired;
  wheel.expire(20 * kMs, [&](uint32_t id) { fired.push_back(id); });
  EXPECT_EQ(fired, std::vector<uint32_t>{0});
  wheel.expire(600 * kMs, [&](uint32_t id) { fired.push_back(id); });
  EXPECT_EQ(fired, (std::vector<uint32_t>{0, 2}));
}

TEST(TimerWheel, FireMayRearmItself) {
  TimerWheel wheel(1, 100 * kMs, 0, 16);
  wheel.arm(0, 1 * kMs);
  int fired = 0;
  for (uint64_t now = 0; now <= 100 * kMs; now += kMs) {
    wheel.expire(now, [&](uint32_t id) {
      ++fired;
      wheel.arm(id, now + 10 * kMs);
    });
  }
  EXPECT_GE(fired, 9);
  EXPECT_LE(fired, 11);
}

TEST(TimerWheel, PastDeadlineFiresOnNextExpire) {
  TimerWheel wheel(1, 100 * kMs, 50 * kMs, 16);
  wheel.arm(0, 1 * kMs);
  bool fired = false;
  wheel.expire(50 * kMs, [&](uint32_t) { fired = true; });
  EXPECT_TRUE(fired);
}

}  // namespace
}  // namespace ringfire
