// The plan's CPU count and the oversubscription warning printed before a run.
#include "ringfire/run/plan.hpp"

#include <gtest/gtest.h>

namespace ringfire {
namespace {

RunConfig config_with(uint32_t threads, std::vector<int> cpus, uint32_t connections = 16) {
  RunConfig c;
  c.threads = threads;
  c.cpus = std::move(cpus);
  c.connections = connections;
  return c;
}

TEST(Plan, MoreWorkersThanCpusIsOversubscribed) {
  const Plan plan = make_plan(config_with(4, {1}));
  ASSERT_EQ(plan.workers.size(), 4u);
  EXPECT_EQ(plan.usable_cpus, 1u);
  EXPECT_TRUE(plan.oversubscribed());
  for (const WorkerPlan& w : plan.workers) EXPECT_EQ(w.cpu, 1);
  EXPECT_EQ(oversubscription_warning(plan),
            "4 workers on 1 usable CPU: they will compete with each other; use -t 1");
}

TEST(Plan, OneWorkerPerCpuIsNot) {
  const Plan plan = make_plan(config_with(2, {0, 1}));
  EXPECT_EQ(plan.usable_cpus, 2u);
  EXPECT_FALSE(plan.oversubscribed());
  EXPECT_EQ(oversubscription_warning(plan), "");
  // Fewer workers than CPUs is not either.
  EXPECT_FALSE(make_plan(config_with(1, {0, 1})).oversubscribed());
}

TEST(Plan, RepeatedCpusCountOnce) {
  const Plan plan = make_plan(config_with(3, {2, 2, 5}));
  EXPECT_EQ(plan.usable_cpus, 2u);
  EXPECT_EQ(oversubscription_warning(plan),
            "3 workers on 2 usable CPUs: they will compete with each other; use -t 2");
}

TEST(Plan, ThreadsCappedByConnectionsAreCountedAfterTheCap) {
  // -t 12 with -c 3: three workers, on one CPU.
  const Plan plan = make_plan(config_with(12, {0}, 3));
  EXPECT_EQ(plan.workers.size(), 3u);
  EXPECT_EQ(oversubscription_warning(plan),
            "3 workers on 1 usable CPU: they will compete with each other; use -t 1");
}

TEST(Plan, DefaultThreadsAreNeverOversubscribed) {
  const Plan plan = make_plan(config_with(0, {}, 1000));  // one per CPU of the affinity mask
  EXPECT_EQ(plan.workers.size(), plan.usable_cpus);
  EXPECT_FALSE(plan.oversubscribed());
}

}  // namespace
}  // namespace ringfire
