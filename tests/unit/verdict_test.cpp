// The client-bound verdict on synthetic series: each rule, at and just below its threshold.
#include "ringfire/machine/verdict.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "verdict_series.hpp"

namespace ringfire {
namespace {

using verdict_testing::has_flag;
using verdict_testing::quiet_second;
using verdict_testing::quiet_series;

TEST(Verdict, NoSeriesNoVerdict) {
  Verdict v = judge({}, 2, 0);
  EXPECT_FALSE(v.client_bound);
  EXPECT_EQ(v.evidence.seconds, 0u);
  EXPECT_NE(v.summary.find("no verdict"), std::string::npos);
}

TEST(Verdict, QuietRunSummaryLine) {
  auto series = quiet_series(10);
  series[3].workers[1].busy = 0.55;
  Verdict v = judge(series, 2, 50000);
  EXPECT_FALSE(v.client_bound);
  EXPECT_TRUE(v.flags.empty());
  EXPECT_EQ(v.summary,
            "client: 2 workers, busiest 42% CPU (max 1 s: 55%), CPU wait up to 1%, lo 1.9 Gbit/s, "
            "0 retransmits host-wide → not client-bound");
  EXPECT_EQ(v.evidence.busiest_worker, 1);
  EXPECT_NEAR(v.evidence.cpu_us_per_request, 0.8 / 50000 * 1e6, 1e-9);
}

TEST(Verdict, WorkerBusyAtThresholdInHalfTheSecondsIsClientBound) {
  auto series = quiet_series(10);
  for (int s = 0; s < 5; ++s) series[s].workers[1].busy = kWorkerBusy;
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.client_bound);
  EXPECT_EQ(v.evidence.hot_worker, 1);
  EXPECT_EQ(v.evidence.hot_seconds, 5u);
  EXPECT_EQ(v.summary.rfind("CLIENT-BOUND: worker 1 at ≥90% CPU for 5 of 10 s; ", 0), 0u)
      << v.summary;
  EXPECT_NE(v.summary.find("add --threads/CPUs or machines"), std::string::npos);
}

TEST(Verdict, WorkerBusyInFewerThanHalfIsNot) {
  auto series = quiet_series(10);
  for (int s = 0; s < 4; ++s) series[s].workers[0].busy = 1.0;
  EXPECT_FALSE(judge(series, 2, 1000).client_bound);
}

TEST(Verdict, WorkerJustBelowThresholdIsNot) {
  auto series = quiet_series(10);
  for (auto& d : series) d.workers[0].busy = kWorkerBusy - 0.001;
  Verdict v = judge(series, 2, 1000);
  EXPECT_FALSE(v.client_bound);
  EXPECT_EQ(v.evidence.hot_worker, -1);
}

TEST(Verdict, OddNumberOfSecondsRoundsUp) {
  auto series = quiet_series(5);
  for (int s = 0; s < 2; ++s) series[s].workers[0].busy = 1.0;
  EXPECT_FALSE(judge(series, 2, 1000).client_bound);  // 2 of 5 < half
  series[2].workers[0].busy = 1.0;
  EXPECT_TRUE(judge(series, 2, 1000).client_bound);  // 3 of 5
}

TEST(Verdict, OneSecondRunCanBeClientBound) {
  auto series = quiet_series(1);
  series[0].workers[0].busy = 0.95;
  EXPECT_TRUE(judge(series, 2, 1000).client_bound);
}

TEST(Verdict, StarvedWorkerIsClientBound) {
  // A worker sharing its CPU with a busy loop: only ~50% busy, but waiting ~50% of the time.
  auto series = quiet_series(10);
  for (int s = 0; s < 6; ++s) {
    series[s].workers[0].busy = 0.5;
    series[s].workers[0].wait = kWorkerWait;
  }
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.client_bound);
  EXPECT_EQ(v.evidence.starved_worker, 0);
  EXPECT_EQ(v.evidence.starved_seconds, 6u);
  EXPECT_EQ(
      v.summary.rfind("CLIENT-BOUND: worker 0 waited for a CPU ≥30% of the time for 6 of 10 s", 0),
      0u)
      << v.summary;
}

TEST(Verdict, WaitJustBelowThresholdIsNot) {
  auto series = quiet_series(10);
  for (auto& d : series) d.workers[0].wait = kWorkerWait - 0.001;
  Verdict v = judge(series, 2, 1000);
  EXPECT_FALSE(v.client_bound);
  EXPECT_NE(v.summary.find("CPU wait up to 30%"), std::string::npos) << v.summary;
}

TEST(Verdict, UnknownWaitIsNotEvidence) {
  auto series = quiet_series(10);
  for (auto& d : series)
    for (auto& w : d.workers) {
      w.wait_ok = false;
      w.wait = 0.9;  // garbage that must be ignored
    }
  Verdict v = judge(series, 2, 1000);
  EXPECT_FALSE(v.client_bound);
  EXPECT_FALSE(v.evidence.wait_known);
  EXPECT_TRUE(to_json(v)["evidence"]["wait_mean"].is_null());
}

TEST(Verdict, ProcessUsingItsCpusIsClientBound) {
  // No per-worker data at all (TIDs unknown): the process rule still works.
  auto series = quiet_series(4);
  for (auto& d : series) {
    d.workers.clear();
    d.process.cpu = kProcessBusy * 2;
  }
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.client_bound);
  EXPECT_EQ(v.evidence.process_hot_seconds, 4u);
  EXPECT_NE(v.summary.find("the process used ≥90% of its 2 CPUs for 4 of 4 s"), std::string::npos)
      << v.summary;
  for (auto& d : series) d.process.cpu = kProcessBusy * 2 - 0.01;
  Verdict not_bound = judge(series, 2, 1000);
  EXPECT_FALSE(not_bound.client_bound);
  EXPECT_NE(not_bound.summary.find("process 1.79 of 2 CPUs"), std::string::npos)
      << not_bound.summary;
}

TEST(Verdict, SeveralReasonsAreAllListed) {
  auto series = quiet_series(2);
  for (auto& d : series) {
    d.workers[0].busy = 1.0;
    d.workers[1].wait = 0.5;
    d.process.cpu = 2.0;
  }
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.client_bound);
  EXPECT_EQ(v.reasons.size(), 3u);
}

TEST(Verdict, ShortIntervalsAreNotJudged) {
  auto series = quiet_series(2);
  Delta tail = quiet_second();
  tail.seconds = kMinIntervalSeconds - 0.01;
  tail.workers[0].busy = 1.0;
  series.push_back(tail);
  series.push_back(tail);
  series.push_back(tail);
  Verdict v = judge(series, 2, 1000);
  EXPECT_EQ(v.evidence.seconds, 2u);
  EXPECT_FALSE(v.client_bound);
}

TEST(Verdict, NicNearLineRateIsFlagged) {
  auto series = quiet_series(3);
  for (auto& d : series) {
    d.nic.iface = "eth0";
    d.nic.line_rate_mbps = 1000;
    d.nic.utilization = kNicUtilization - 0.01;
  }
  EXPECT_TRUE(judge(series, 2, 1000).flags.empty());
  series[1].nic.utilization = kNicUtilization;
  Verdict v = judge(series, 2, 1000);
  EXPECT_FALSE(v.client_bound);
  EXPECT_TRUE(has_flag(v, "eth0 at ≥90% of its 1000 Mb/s line rate for 1 of 3 s"));
  EXPECT_NE(v.summary.find("(1 flag)"), std::string::npos) << v.summary;
}

TEST(Verdict, UnknownLineRateIsNeverFlagged) {
  auto series = quiet_series(3);
  for (auto& d : series) d.nic.utilization = -1;
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.flags.empty());
  EXPECT_TRUE(to_json(v)["evidence"]["nic_utilization_max"].is_null());
}

TEST(Verdict, SoftirqOnOneCoreIsFlagged) {
  auto series = quiet_series(3);
  series[2].cores[1].softirq = kCoreSoftirq - 0.001;
  EXPECT_TRUE(judge(series, 2, 1000).flags.empty());
  series[2].cores[1].softirq = kCoreSoftirq;
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(has_flag(v, "core 1 softirq up to 50%")) << v.flags.size();
  EXPECT_EQ(v.evidence.softirq_core, 1);
}

TEST(Verdict, StealIsFlagged) {
  auto series = quiet_series(3);
  series[0].cpu.steal = kSteal - 0.001;
  EXPECT_TRUE(judge(series, 2, 1000).flags.empty());
  series[0].cores[0].steal = kSteal;  // one core is enough
  EXPECT_TRUE(has_flag(judge(series, 2, 1000), "CPU steal up to 10%"));
}

TEST(Verdict, ListenOverflowsAreFlaggedAsHostWide) {
  auto series = quiet_series(3);
  series[1].tcp.listen_overflows = 1;
  series[1].tcp.listen_drops = 1;
  EXPECT_TRUE(has_flag(judge(series, 2, 1000), "host-wide: 1 listen-queue overflows, 1 drops"));
  RunFacts facts;
  facts.workers = 2;
  facts.server.local = true;
  EXPECT_TRUE(has_flag(judge(series, facts), "on this host (the target's, it is local)"));
}

TEST(Verdict, RetransmitsAboveShareAreFlagged) {
  auto series = quiet_series(1);
  series[0].tcp.out_segs = 1000;
  series[0].tcp.retrans_segs = 1;  // exactly 0.1%: not above
  EXPECT_TRUE(judge(series, 2, 1000).flags.empty());
  series[0].tcp.retrans_segs = 2;
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(has_flag(v, "host-wide: 2 TCP retransmits = 0.20% of 1000 segments sent"));
  EXPECT_NE(v.summary.find("2 retransmits"), std::string::npos);
}

TEST(Verdict, HostWideResetsAndFailuresThatAreNotOursAreNotFlagged) {
  // Another process's resets and refused connections show in /proc/net/snmp too.
  auto series = quiet_series(2);
  series[0].tcp.attempt_fails = 3;
  series[1].tcp.estab_resets = 4;
  Verdict v = judge(series, 2, 1000);
  EXPECT_TRUE(v.flags.empty()) << v.flags.front();
  EXPECT_EQ(v.evidence.estab_resets, 4u);  // still in the evidence
  EXPECT_EQ(to_json(v)["evidence"]["host_estab_resets"], 4);
}

TEST(Verdict, HostWideResetsAreFlaggedWhenRingfireSawResets) {
  auto series = quiet_series(2);
  series[0].tcp.attempt_fails = 3;
  series[1].tcp.estab_resets = 4;
  series[1].nic.rx_drop = 5;
  RunFacts facts;
  facts.workers = 2;
  facts.read_errors = 2;
  facts.connect_errors = 1;
  Verdict v = judge(series, facts);
  EXPECT_TRUE(has_flag(v, "host-wide: 3 failed TCP connection attempts; 1 of ringfire's own"));
  EXPECT_TRUE(has_flag(v, "host-wide: 4 established TCP connections reset; ringfire saw 2"));
  EXPECT_TRUE(has_flag(v, "lo dropped 5 and errored 0 packets"));
  EXPECT_FALSE(v.client_bound);
  facts.connect_errors = 0;  // resets of ours, but no failed attempts of ours
  Verdict resets_only = judge(series, facts);
  EXPECT_FALSE(has_flag(resets_only, "failed TCP connection attempts"));
  EXPECT_TRUE(has_flag(resets_only, "connections reset"));
}

TEST(Verdict, VanishedWorkerIsFlagged) {
  auto series = quiet_series(2);
  series[1].workers[0].ok = false;
  EXPECT_TRUE(has_flag(judge(series, 2, 1000), "worker CPU unreadable in 1 worker-seconds"));
}

TEST(Verdict, JsonShape) {
  auto series = quiet_series(2);
  nlohmann::json j = to_json(judge(series, 2, 1000));
  EXPECT_EQ(j["client_bound"], false);
  EXPECT_TRUE(j["summary"].is_string());
  EXPECT_TRUE(j["reasons"].is_array());
  EXPECT_TRUE(j["flags"].is_array());
  EXPECT_EQ(j["evidence"]["seconds"], 2);
  EXPECT_EQ(j["evidence"]["workers"], 2);
  EXPECT_EQ(j["evidence"]["iface"], "lo");
  EXPECT_EQ(j["evidence"]["tcp_scope"], "host");
  for (const char* key :
       {"host_retransmits", "host_segments_sent", "host_listen_overflows", "host_listen_drops",
        "host_attempt_fails", "host_estab_resets", "host_tcp_timeouts"}) {
    EXPECT_TRUE(j["evidence"].contains(key)) << key;
  }
  EXPECT_FALSE(j["evidence"].contains("retransmits"));
  EXPECT_TRUE(j["evidence"]["server"].is_null());
  EXPECT_TRUE(j["evidence"]["server_cpu"].is_null());
  EXPECT_EQ(j["evidence"]["oversubscribed"], false);
  EXPECT_DOUBLE_EQ(j["thresholds"]["worker_busy"].get<double>(), kWorkerBusy);
  EXPECT_DOUBLE_EQ(j["thresholds"]["worker_wait"].get<double>(), kWorkerWait);
}

}  // namespace
}  // namespace ringfire
