// Why an open-loop schedule was not kept, on synthetic runs: the reason follows the evidence.
#include "ringfire/machine/schedule_verdict.hpp"

#include <string>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// 10 s at 2000 req/s requested over 5 connections, everything sent on time.
ScheduleFacts on_time() {
  ScheduleFacts f;
  f.requested_rate = 2000;
  f.measured_seconds = 10;
  f.due = f.sent = f.completed = 20000;
  f.lag_p99_ns = 50'000;
  f.connections = 5;
  f.pipeline = 1;
  f.service_mean_ns = 1'000'000;  // 1 ms: 2000 req/s keep 2 of 5 slots busy
  f.workers = 1;
  f.plan_cpus = 1;
  return f;
}

// The server answers in 5 ms: 5 connections carry 1000 req/s of the 2000 asked.
ScheduleFacts slow_server() {
  ScheduleFacts f = on_time();
  f.sent = f.completed = 10000;
  f.service_mean_ns = 5'000'000;
  f.busy_rounds = 4000;
  f.max_backlog = 800;
  return f;
}

TEST(Schedule, KeptHasNoReason) {
  const ScheduleVerdict v = judge_schedule(on_time());
  EXPECT_TRUE(v.kept);
  EXPECT_EQ(v.reason, "");
  EXPECT_NEAR(v.slots_busy, 0.4, 1e-12);
  EXPECT_NEAR(v.ceiling, 5000, 1e-9);
}

TEST(Schedule, KeptEvenWhenLatencyIsHigh) {
  // gunicorn's sync workers at -c 100: every request sent on time, the server queues them and
  // answers in 57 ms. The schedule was kept; nothing here advises more connections.
  ScheduleFacts f = on_time();
  f.connections = 100;
  f.service_mean_ns = 57'500'000;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_TRUE(v.kept);
  EXPECT_EQ(v.reason, "");
}

TEST(Schedule, ThresholdsOfKept) {
  ScheduleFacts f = on_time();
  f.sent = 19800;  // exactly 99%
  EXPECT_TRUE(judge_schedule(f).kept);
  f.sent = 19799;
  EXPECT_FALSE(judge_schedule(f).kept);
  f = on_time();
  f.lag_p99_ns = kScheduleLagLimitNs;
  EXPECT_TRUE(judge_schedule(f).kept);
  f.lag_p99_ns = kScheduleLagLimitNs + 1;
  EXPECT_FALSE(judge_schedule(f).kept);
}

TEST(Schedule, UnsentRequestsWithEveryConnectionBusyGiveTheCeilingAndNoPromise) {
  const ScheduleVerdict v = judge_schedule(slow_server());
  EXPECT_FALSE(v.kept);
  EXPECT_NEAR(v.slots_busy, 1.0, 1e-12);  // 1000 req/s x 5 ms = 5 in flight of 5
  EXPECT_NEAR(v.ceiling, 1000, 1e-9);
  EXPECT_EQ(v.reason,
            "all 5 connections were busy when requests came due: 10000 of the 20000 due were "
            "never sent (up to 800 waiting at once); at the measured service time (mean 5.00ms) "
            "5 request slots carry at most 1000 req/s of the 2000 requested; more connections "
            "raise that ceiling only if the server's service time stays the same with more (a "
            "server with a fixed pool of workers queues them and gets slower: compare Service "
            "at a higher -c)");
  EXPECT_FALSE(contains(v.reason, "needs more connections"));
}

TEST(Schedule, PipelineCountsSlots) {
  ScheduleFacts f = slow_server();
  f.pipeline = 4;  // 20 slots
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_NEAR(v.ceiling, 4000, 1e-9);
  EXPECT_TRUE(contains(v.reason, "20 request slots carry at most 4000 req/s")) << v.reason;
}

TEST(Schedule, EmptySlotsWhileRequestsWaitedAreTheClientsTurnaround) {
  // 1 connection, 11 ms per response, but only 74 responses a second: 19% of each cycle had no
  // request in flight although hundreds waited.
  ScheduleFacts f = on_time();
  f.requested_rate = 1000;
  f.measured_seconds = 2;
  f.connections = 1;
  f.due = 2001;
  f.sent = 148;
  f.completed = 148;
  f.service_mean_ns = 11'000'000;
  f.busy_rounds = 900;
  f.max_backlog = 1848;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_NEAR(v.slots_busy, 74 * 0.011, 1e-12);
  EXPECT_TRUE(contains(v.reason,
                       "1 request slot carries at most 91 req/s of the 1000 requested, "
                       "and the slots were in use only 81% of the time (Little's law: 74 "
                       "req/s x 11.00ms) — the client took the rest to turn responses "
                       "around or to reconnect"))
      << v.reason;
}

TEST(Schedule, CpuBoundServerIsTheBottleneck) {
  ScheduleFacts f = slow_server();
  f.server_cpu_bound = true;
  f.server = "pid 42 gunicorn";
  f.server_cpu = 0.97;
  f.server_cpus = 1;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_TRUE(contains(v.reason,
                       "; the server (pid 42 gunicorn) used 0.97 of its 1 CPU: it is "
                       "the bottleneck, more connections will not help"))
      << v.reason;
  EXPECT_FALSE(contains(v.reason, "raise that ceiling")) << v.reason;
}

TEST(Schedule, CpuBoundClientIsNamedWithBusyConnections) {
  ScheduleFacts f = slow_server();
  f.client_bound = true;
  EXPECT_TRUE(contains(judge_schedule(f).reason, "the client was CPU-bound too (see Client)"));
}

TEST(Schedule, BusyAtMomentsButEverythingSentIsNotAConnectionShortage) {
  ScheduleFacts f = on_time();
  f.lag_p99_ns = 30'000'000;  // late, but all 20000 went out
  f.busy_rounds = 12;
  f.max_backlog = 40;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_FALSE(v.kept);
  EXPECT_EQ(v.reason,
            "every connection was busy at moments (up to 40 requests waiting), which made sends "
            "late (send lag p99 30.00ms), though 40% of the 5 request slots were in use on "
            "average: slow responses or bursts of arrivals at those moments (see the per-second "
            "series), not too few connections on average");
}

TEST(Schedule, NoResponsesLeavesTheCeilingUnknown) {
  ScheduleFacts f = slow_server();
  f.completed = 0;
  f.service_mean_ns = 0;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_EQ(v.slots_busy, -1);
  EXPECT_EQ(v.ceiling, 0);
  EXPECT_TRUE(contains(v.reason,
                       "(up to 800 waiting at once); no response came back to time the "
                       "server by"))
      << v.reason;
}

// Connections free: the client itself was late. Which cause, from the client verdict.
ScheduleFacts late_client() {
  ScheduleFacts f = on_time();
  f.lag_p99_ns = 25'000'000;
  return f;
}

TEST(Schedule, LateClientOversubscribed) {
  ScheduleFacts f = late_client();
  f.oversubscribed = true;
  f.workers = 4;
  const ScheduleVerdict v = judge_schedule(f);
  EXPECT_FALSE(v.kept);
  EXPECT_EQ(v.reason,
            "the client sent late with connections free (send lag p99 25.00ms): its 4 workers "
            "share 1 CPU and wait for each other (see Client)");
}

TEST(Schedule, LateClientSharingItsCpuWithTheServer) {
  ScheduleFacts f = late_client();
  f.server_shares_cpu = true;
  f.server = "pid 7 ringfire-target";
  EXPECT_TRUE(contains(judge_schedule(f).reason,
                       "the server (pid 7 ringfire-target) runs on a worker's CPU"));
}

TEST(Schedule, LateClientThrottledByItsQuotaSaysSo) {
  ScheduleFacts f = late_client();
  f.client_bound = false;  // a quota may stop a client that is not busy on average
  f.quota = "CPU quota throttled the client (3 periods, 40 ms)";
  const std::string reason = judge_schedule(f).reason;
  EXPECT_EQ(reason,
            "the client sent late with connections free (send lag p99 25.00ms): CPU quota "
            "throttled the client (3 periods, 40 ms) (see Client)");
  Verdict v;
  v.evidence.quota_throttled = 3;
  v.evidence.quota_throttled_us = 40'000;
  ScheduleFacts from;
  schedule_facts_from(v, from);
  EXPECT_EQ(from.quota, f.quota);
  v.evidence.quota_throttled = 0;
  schedule_facts_from(v, from);
  EXPECT_EQ(from.quota, "");
}

TEST(Schedule, LateClientCpuBoundOrNot) {
  ScheduleFacts f = late_client();
  f.client_bound = true;
  EXPECT_TRUE(contains(judge_schedule(f).reason, "its CPU was saturated (see Client)"));
  f.client_bound = false;
  const std::string reason = judge_schedule(f).reason;
  EXPECT_TRUE(contains(reason, "its CPU was not saturated, so its wake-ups came late")) << reason;
  EXPECT_FALSE(contains(reason, "connections were busy")) << reason;
}

TEST(Schedule, FactsFromTheClientVerdict) {
  Verdict v;
  v.client_bound = true;
  v.evidence.oversubscribed = true;
  v.evidence.workers = 4;
  v.evidence.plan_cpus = 1;
  v.evidence.server.found = true;
  v.evidence.server.pid = 42;
  v.evidence.server.comm = "nginx";
  v.evidence.server.cpu = 1.9;
  v.evidence.server.cpus = 2;
  v.evidence.server.shares_cpu = true;
  ScheduleFacts f;
  schedule_facts_from(v, f);
  EXPECT_TRUE(f.client_bound);
  EXPECT_TRUE(f.oversubscribed);
  EXPECT_EQ(f.workers, 4);
  EXPECT_EQ(f.plan_cpus, 1);
  EXPECT_TRUE(f.server_shares_cpu);
  EXPECT_TRUE(f.server_cpu_bound);  // 1.9 of 2 >= 90%
  EXPECT_EQ(f.server, "pid 42 nginx");
  EXPECT_DOUBLE_EQ(f.server_cpu, 1.9);
  EXPECT_EQ(f.server_cpus, 2);
}

}  // namespace
}  // namespace ringfire
