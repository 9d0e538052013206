// The verdict on whose CPUs the workers ran: more workers than usable CPUs, and a local server on
// the workers' CPUs or using all of its own.
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

// `n` workers, all pinned to CPU 1, each busy `busy` and waiting `wait` of every second.
std::vector<Delta> workers_on_one_cpu(int n, double busy, double wait) {
  auto series = quiet_series(4);
  for (Delta& d : series) {
    d.workers.resize(static_cast<size_t>(n), d.workers.front());
    for (WorkerDelta& w : d.workers) {
      w.busy = busy;
      w.wait = wait;
    }
    d.process.cpu = busy * n;
  }
  return series;
}

RunFacts facts_for(int workers, std::vector<int> cpus, int usable) {
  RunFacts f;
  f.workers = workers;
  f.requests_per_s = 1000;
  f.worker_cpus = std::move(cpus);
  f.usable_cpus = usable;
  return f;
}

TEST(VerdictCpus, OversubscribedWorkersAreNamedAndNeverToldToAddThreads) {
  // -t 4 on one CPU: each worker gets a quarter of it and waits the rest.
  const Verdict v = judge(workers_on_one_cpu(4, 0.22, 0.6), facts_for(4, {1, 1, 1, 1}, 1));
  EXPECT_TRUE(v.client_bound);
  EXPECT_TRUE(v.evidence.oversubscribed);
  EXPECT_TRUE(contains(v.summary, "4 of ringfire's own 4 workers share its CPU 1")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "use -t 1 (one per usable CPU), not more threads")) << v.summary;
  EXPECT_FALSE(contains(v.summary, "another process")) << v.summary;
  EXPECT_FALSE(contains(v.summary, "add --threads")) << v.summary;
  EXPECT_FALSE(has_flag(v, "workers on 1 usable CPU"));  // the summary said it already
  const nlohmann::json j = to_json(v);
  EXPECT_EQ(j["evidence"]["oversubscribed"], true);
  EXPECT_EQ(j["evidence"]["plan_cpus"], 1);
  EXPECT_EQ(j["evidence"]["worker_cpus"], 1);
}

TEST(VerdictCpus, OversubscribedButNotClientBoundIsFlagged) {
  const Verdict v = judge(workers_on_one_cpu(4, 0.1, 0.05), facts_for(4, {1, 1, 1, 1}, 1));
  EXPECT_FALSE(v.client_bound);
  EXPECT_TRUE(has_flag(v, "4 workers on 1 usable CPU: they compete with each other — use -t 1"));
  EXPECT_TRUE(contains(v.summary, "→ not client-bound (1 flag)")) << v.summary;
}

TEST(VerdictCpus, ProcessRuleCountsTheCpusTheWorkersArePinnedTo) {
  // The process may run on 2 CPUs but --cpus put both workers on one: 0.95 cores is all of it.
  auto series = quiet_series(4);
  for (Delta& d : series) d.process.cpu = 0.95;
  const Verdict v = judge(series, facts_for(2, {1, 1}, 1));
  EXPECT_TRUE(v.client_bound);
  EXPECT_DOUBLE_EQ(v.evidence.usable_cpus, 1);
  EXPECT_TRUE(contains(v.summary, "the process used ≥90% of its 1 CPUs")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "use -t 1")) << v.summary;
}

TEST(VerdictCpus, AdviceFollowsTheCpusLeft) {
  auto series = quiet_series(4);
  for (Delta& d : series) {
    d.workers[0].busy = 0.95;
    d.process.cpus = 3;  // a cgroup quota of 3 CPUs below an affinity mask of 4
  }
  const Verdict spare = judge(series, facts_for(2, {0, 1}, 4));
  EXPECT_TRUE(contains(spare.summary, "add --threads (up to 3)")) << spare.summary;
  const Verdict full = judge(series, facts_for(2, {0, 1}, 2));
  EXPECT_TRUE(contains(full.summary, "give ringfire more CPUs, or more machines")) << full.summary;
  EXPECT_FALSE(contains(full.summary, "--threads")) << full.summary;
}

// The bundled server with an idle main thread (may run anywhere, last on CPU 1) and one busy
// worker thread allowed `allowed`, last seen on `cpu`.
ServerUsage server_with(std::vector<int> allowed, int cpu, double cpu_seconds = 1.5) {
  ServerUsage u;
  u.local = u.found = u.measured = true;
  u.pids = {321};
  u.comm = "ringfire-target";
  u.seconds = 4;
  u.cpu = cpu_seconds / u.seconds;
  ServerThread main_thread{321, 321, {0, 1}, 1, 1, 0};
  ServerThread worker{321, 322, std::move(allowed), cpu, cpu, cpu_seconds};
  u.threads = {main_thread, worker};
  return u;
}

TEST(VerdictCpus, ServerPinnedToTheWorkersCpuIsFlagged) {
  RunFacts facts = facts_for(2, {1, 0}, 2);
  facts.server = server_with({1}, 1);
  const Verdict v = judge(quiet_series(4), facts);
  const ServerEvidence& s = v.evidence.server;
  EXPECT_TRUE(s.shares_cpu);
  EXPECT_TRUE(s.pinned_to_workers);
  EXPECT_EQ(s.shared_cpu, 1);
  EXPECT_EQ(s.shared_worker, 0);
  EXPECT_EQ(s.shared_tid, 322);
  EXPECT_EQ(s.threads_ran, 1u);
  EXPECT_EQ(s.cpus, 1);  // the idle main thread's mask does not count
  EXPECT_TRUE(has_flag(v,
                       "the server (pid 321 ringfire-target) may run only on CPUs of "
                       "ringfire's workers: its thread 322 runs on CPU 1 with worker 0"));
  EXPECT_TRUE(contains(v.summary, "server pid 321 ringfire-target 0.38 CPU")) << v.summary;
  EXPECT_TRUE(contains(v.summary, "→ not client-bound, but the server shares CPU 1 with worker 0"))
      << v.summary;
  const nlohmann::json j = to_json(v)["evidence"];
  EXPECT_EQ(j["server"]["pid"], 321);
  EXPECT_EQ(j["server"]["comm"], "ringfire-target");
  EXPECT_EQ(j["server"]["shares_cpu"], true);
  EXPECT_EQ(j["server"]["shared_cpu"], 1);
  EXPECT_DOUBLE_EQ(j["server_cpu"].get<double>(), 1.5 / 4);
}

TEST(VerdictCpus, ServerOnAnotherCpuIsNotFlagged) {
  RunFacts facts = facts_for(1, {1}, 1);
  facts.server = server_with({0}, 0);  // its idle main thread last ran on CPU 1: no matter
  const Verdict v = judge(quiet_series(4), facts);
  EXPECT_FALSE(v.evidence.server.shares_cpu);
  EXPECT_TRUE(v.flags.empty()) << v.flags.front();
  EXPECT_TRUE(contains(v.summary, "→ not client-bound")) << v.summary;
  EXPECT_FALSE(contains(v.summary, "shares")) << v.summary;
  EXPECT_EQ(to_json(v)["evidence"]["server"]["shares_cpu"], false);
  EXPECT_TRUE(to_json(v)["evidence"]["server"]["shared_cpu"].is_null());
}

TEST(VerdictCpus, UnpinnedServerSeenOnAWorkersCpuIsFlagged) {
  RunFacts facts = facts_for(1, {1}, 1);
  facts.server = server_with({0, 1}, 1);
  const Verdict v = judge(quiet_series(4), facts);
  EXPECT_TRUE(v.evidence.server.shares_cpu);
  EXPECT_FALSE(v.evidence.server.pinned_to_workers);
  EXPECT_TRUE(has_flag(v, "shares CPUs with ringfire's workers: its thread 322 was on CPU 1"));
  // Seen elsewhere at both ends: not flagged (it may have visited; the probe cannot tell).
  facts.server = server_with({0, 1}, 0);
  EXPECT_FALSE(judge(quiet_series(4), facts).evidence.server.shares_cpu);
}

TEST(VerdictCpus, StarvedWorkerNamesTheServerOnItsCpu) {
  auto series = quiet_series(4);
  for (Delta& d : series) d.workers[0].wait = 0.5;
  RunFacts facts = facts_for(2, {1, 0}, 2);
  facts.server = server_with({1}, 1);
  const Verdict v = judge(series, facts);
  EXPECT_TRUE(v.client_bound);
  EXPECT_TRUE(contains(v.summary, "the server (pid 321 ringfire-target) runs on its CPU 1"))
      << v.summary;
  EXPECT_TRUE(contains(v.summary, "run client and server on different CPUs")) << v.summary;
}

TEST(VerdictCpus, CpuBoundServerIsFlagged) {
  RunFacts facts = facts_for(1, {1}, 1);
  facts.server = server_with({0}, 0, 4 * kProcessBusy);
  const Verdict v = judge(quiet_series(4), facts);
  EXPECT_TRUE(has_flag(v,
                       "the server (pid 321 ringfire-target) used 0.90 of the 1 CPU it may "
                       "run on: it is CPU-bound"));
  EXPECT_EQ(to_json(v)["evidence"]["server"]["cpu_bound"], true);
  facts.server = server_with({0}, 0, 4 * kProcessBusy - 0.05);
  EXPECT_TRUE(judge(quiet_series(4), facts).flags.empty());
}

TEST(VerdictCpus, ServerFoundButNotMeasuredHasNoCpu) {
  RunFacts facts = facts_for(1, {1}, 1);
  facts.server = server_with({0}, 0);
  facts.server.measured = false;
  const Verdict v = judge(quiet_series(4), facts);
  EXPECT_TRUE(to_json(v)["evidence"]["server_cpu"].is_null());
  EXPECT_TRUE(contains(v.summary, "server pid 321 ringfire-target →")) << v.summary;
}

}  // namespace
}  // namespace ringfire
