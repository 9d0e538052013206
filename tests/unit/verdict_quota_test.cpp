// The verdict when a cgroup CPU quota throttled the client, and when client and server were both
// at their limit: fabricated series, the text and the JSON checked.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ringfire/machine/verdict.hpp"
#include "verdict_series.hpp"

namespace ringfire {
namespace {

using verdict_testing::has_flag;
using verdict_testing::quiet_series;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

RunFacts one_worker_on_cpu1() {
  RunFacts f;
  f.workers = 1;
  f.requests_per_s = 1000;
  f.worker_cpus = {1};
  f.usable_cpus = 1;
  return f;
}

// One worker held to 20% of a CPU by a quota: it waits for the rest of each second, and the
// cgroup's cpu.stat counts 10 throttled periods (800 ms) a second.
std::vector<Delta> throttled_series(uint64_t throttled_per_second) {
  auto series = quiet_series(4);
  for (Delta& d : series) {
    d.workers.resize(1);
    d.workers[0].busy = 0.2;
    d.workers[0].wait = 0.8;
    d.process.cpu = 0.2;
    d.process.cpus = 0.2;
    d.quota.ok = true;
    d.quota.periods = 10;
    d.quota.throttled = throttled_per_second;
    d.quota.throttled_us = throttled_per_second * 80'000;
  }
  return series;
}

TEST(VerdictQuota, ThrottledClientNamesTheQuotaNotAnotherProcess) {
  const Verdict v = judge(throttled_series(10), one_worker_on_cpu1());
  EXPECT_TRUE(v.client_bound);
  EXPECT_FALSE(v.both_saturated);
  EXPECT_TRUE(contains(v.summary, "CPU quota throttled the client (40 periods, 3200 ms)"))
      << v.summary;
  EXPECT_FALSE(contains(v.summary, "another process")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "raise the client's CPU quota")) << v.summary;
  // The process rule says the quota too.
  ASSERT_EQ(v.reasons.size(), 2u);
  EXPECT_TRUE(contains(v.reasons[1], "of its 0.2 CPUs")) << v.reasons[1];
  EXPECT_TRUE(contains(v.reasons[1], "CPU quota throttled the client")) << v.reasons[1];
  EXPECT_FALSE(has_flag(v, "CPU quota"));  // the summary said it
  const nlohmann::json j = to_json(v);
  EXPECT_EQ(j["evidence"]["quota_throttled"], 40);
  EXPECT_EQ(j["evidence"]["quota_periods"], 40);
  EXPECT_EQ(j["evidence"]["quota_throttled_us"], 3'200'000);
  EXPECT_EQ(j["evidence"]["quota_throttled_seconds"], 4);
  EXPECT_EQ(j["both_saturated"], false);
}

TEST(VerdictQuota, WithoutThrottlingAWaitingWorkerBlamesAnotherProcess) {
  // The same waits, a quota known but never reached: the kernel says it was not the quota.
  const Verdict v = judge(throttled_series(0), one_worker_on_cpu1());
  EXPECT_TRUE(v.client_bound);
  EXPECT_TRUE(contains(v.summary, "another process competes for its CPU")) << v.summary;
  EXPECT_FALSE(contains(v.summary, "quota")) << v.summary;
  EXPECT_EQ(to_json(v)["evidence"]["quota_throttled"], 0);
}

TEST(VerdictQuota, UnknownQuotaIsNullInTheEvidence) {
  const Verdict v = judge(quiet_series(4), one_worker_on_cpu1());
  const nlohmann::json j = to_json(v)["evidence"];
  EXPECT_TRUE(j["quota_throttled"].is_null());
  EXPECT_TRUE(j["quota_throttled_us"].is_null());
  EXPECT_TRUE(j["quota_periods"].is_null());
  EXPECT_EQ(j["quota_throttled_seconds"], 0);
}

TEST(VerdictQuota, BusyWorkerUnderAQuotaStillNamesIt) {
  // A quota of 0.95 CPU: the worker is busy >= 90% and is throttled now and then.
  auto series = throttled_series(2);
  for (Delta& d : series) {
    d.workers[0].busy = 0.94;
    d.workers[0].wait = 0.05;
    d.process.cpu = 0.94;
    d.process.cpus = 0.95;
  }
  const Verdict v = judge(series, one_worker_on_cpu1());
  EXPECT_TRUE(v.client_bound);
  EXPECT_TRUE(contains(v.summary, "CLIENT-BOUND: worker 0 at ≥90% CPU")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "CPU quota throttled the client (8 periods, 640 ms)"))
      << v.summary;
}

TEST(VerdictQuota, ThrottlingOfARunNotClientBoundIsFlagged) {
  auto series = quiet_series(4);
  series[1].quota = {true, 10, 1, 5000};
  const Verdict v = judge(series, one_worker_on_cpu1());
  EXPECT_FALSE(v.client_bound);
  EXPECT_TRUE(has_flag(v, "CPU quota throttled the client (1 periods, 5 ms) in 1 of 4 s"));
}

// The bundled server on CPU 0, apart from the worker on CPU 1, using `cpu` of its one CPU.
ServerUsage server_using(double cpu) {
  ServerUsage u;
  u.local = u.found = u.measured = true;
  u.pids = {321};
  u.comm = "nginx";
  u.seconds = 4;
  u.cpu = cpu;
  u.threads = {ServerThread{321, 321, {0}, 0, 0, cpu * u.seconds}};
  return u;
}

// The README's demo on two cores: the worker >= 90% busy, the server at 0.98 of its CPU.
std::vector<Delta> busy_worker_series() {
  auto series = quiet_series(4);
  for (Delta& d : series) {
    d.workers.resize(1);
    d.workers[0].busy = 0.93;
    d.process.cpu = 0.93;
  }
  return series;
}

TEST(VerdictBothSaturated, SaysTheFigureIsThePairsAndHowToTellThemApart) {
  RunFacts facts = one_worker_on_cpu1();
  facts.server = server_using(0.98);
  const Verdict v = judge(busy_worker_series(), facts);
  EXPECT_TRUE(v.client_bound);
  EXPECT_TRUE(v.both_saturated);
  EXPECT_TRUE(contains(v.summary, "CLIENT AND SERVER BOTH AT THEIR LIMIT: worker 0 at ≥90% CPU"))
      << v.summary;
  EXPECT_TRUE(contains(v.summary, "the server (pid 321 nginx) used 0.98 of the 1 CPU"))
      << v.summary;
  EXPECT_TRUE(contains(v.summary, "the figure is the pair's")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "--shard I/N on each, then ringfire merge")) << v.summary;
  // Not the contradiction it replaces: a capacity claim beside a CPU-bound note.
  EXPECT_FALSE(contains(v.summary, "CLIENT-BOUND")) << v.summary;
  EXPECT_FALSE(contains(v.summary, "higher than measured")) << v.summary;
  EXPECT_FALSE(has_flag(v, "it is CPU-bound"));
  const nlohmann::json j = to_json(v);
  EXPECT_EQ(j["both_saturated"], true);
  EXPECT_EQ(j["client_bound"], true);
  EXPECT_EQ(j["evidence"]["server"]["cpu_bound"], true);
}

TEST(VerdictBothSaturated, ProcessRuleCountsAsTheClientsOwnCpu) {
  // Two workers at 40% each on CPUs 1 and 2, and the process's other threads fill the rest.
  auto series = quiet_series(4);
  for (Delta& d : series) d.process.cpu = 1.9;
  RunFacts facts = one_worker_on_cpu1();
  facts.workers = 2;
  facts.worker_cpus = {1, 2};
  facts.usable_cpus = 2;
  facts.server = server_using(0.99);
  const Verdict v = judge(series, facts);
  EXPECT_TRUE(v.both_saturated);
  EXPECT_TRUE(contains(v.summary, "BOTH AT THEIR LIMIT: the process used ≥90% of its 2 CPUs"))
      << v.summary;
}

TEST(VerdictBothSaturated, NotWhenTheServerHasCpuLeft) {
  RunFacts facts = one_worker_on_cpu1();
  facts.server = server_using(0.5);
  const Verdict v = judge(busy_worker_series(), facts);
  EXPECT_TRUE(v.client_bound);
  EXPECT_FALSE(v.both_saturated);
  EXPECT_TRUE(contains(v.summary, "CLIENT-BOUND")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "higher than measured")) << v.summary;
}

TEST(VerdictBothSaturated, NotWhenOnlyTheServerIsBusy) {
  RunFacts facts = one_worker_on_cpu1();
  facts.server = server_using(0.98);
  const Verdict v = judge(quiet_series(4), facts);
  EXPECT_FALSE(v.client_bound);
  EXPECT_FALSE(v.both_saturated);
  EXPECT_TRUE(has_flag(v, "it is CPU-bound — the server is the bottleneck"));
}

TEST(VerdictBothSaturated, NotWhenAQuotaHeldTheClientBack) {
  // The quota is the client's limit to raise first; the summary names it.
  auto series = busy_worker_series();
  for (Delta& d : series) d.quota = {true, 10, 3, 30000};
  RunFacts facts = one_worker_on_cpu1();
  facts.server = server_using(0.98);
  const Verdict v = judge(series, facts);
  EXPECT_TRUE(v.client_bound);
  EXPECT_FALSE(v.both_saturated);
  EXPECT_TRUE(contains(v.summary, "CPU quota throttled the client")) << v.summary;
}

}  // namespace
}  // namespace ringfire
