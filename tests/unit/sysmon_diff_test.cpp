// Sampler::diff() on synthetic samples, and the JSON field names of a Delta.
#include "ringfire/machine/sysmon.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

// Two synthetic samples one second apart.
void synthetic_pair(Sample& a, Sample& b) {
  a.ticks_per_second = b.ticks_per_second = 100;
  a.cpus = b.cpus = 2;
  a.mono_ns = 1'000'000'000;
  b.mono_ns = 2'000'000'000;
  a.wall = 1700000000.0;
  b.wall = 1700000001.0;
  a.cpu.ok = b.cpu.ok = true;
  a.cpu.all = {-1, 100, 0, 50, 1000, 0, 0, 0, 0};
  b.cpu.all = {-1, 200, 0, 70, 1040, 0, 0, 30, 10};  // 200 ticks in total
  a.cpu.cores = {{0, 50, 0, 25, 500, 0, 0, 0, 0}};
  b.cpu.cores = {{0, 100, 0, 35, 500, 0, 0, 60, 0}};  // softirq 60 of 120
  a.iface = b.iface = "eth0";
  a.line_rate_mbps = b.line_rate_mbps = 1000;
  a.nic.ok = b.nic.ok = true;
  a.nic.counters = {"eth0", 1000, 10, 0, 0, 5000, 20, 0, 0};
  b.nic.counters = {"eth0", 1000 + 62'500'000, 1010, 1, 2, 5000 + 125'000'000, 2020, 3, 4};
  a.tcp.snmp_ok = b.tcp.snmp_ok = true;
  a.tcp.netstat_ok = b.tcp.netstat_ok = true;
  a.tcp.retrans_segs = 5;
  b.tcp.retrans_segs = 8;
  a.tcp.out_segs = 100;
  b.tcp.out_segs = 1100;
  a.tcp.listen_overflows = 2;
  b.tcp.listen_overflows = 1;  // went backwards: counts as 0
  a.process.ok = b.process.ok = true;
  a.process.user_us = 1'000'000;
  b.process.user_us = 2'500'000;
  a.process.system_us = 100'000;
  b.process.system_us = 300'000;
  a.process.involuntary_ctxt = 5;
  b.process.involuntary_ctxt = 9;
  WorkerSample w;
  w.tid = 42;
  w.ok = w.sched_ok = true;
  a.workers = {w};
  w.stat.utime = 80;  // 0.8 s user, 0.1 s system in ticks; schedstat says 0.9 s exactly
  w.stat.stime = 10;
  w.sched.run_ns = 900'000'000;
  w.sched.wait_ns = 250'000'000;
  b.workers = {w};
}

TEST(Diff, RatesAndFractions) {
  Sample a, b;
  synthetic_pair(a, b);
  Delta d = Sampler::diff(a, b);
  EXPECT_DOUBLE_EQ(d.seconds, 1.0);
  EXPECT_DOUBLE_EQ(d.wall, 1700000001.0);
  ASSERT_EQ(d.workers.size(), 1u);
  EXPECT_TRUE(d.workers[0].ok);
  EXPECT_NEAR(d.workers[0].user, 0.8, 1e-9);
  EXPECT_NEAR(d.workers[0].system, 0.1, 1e-9);
  EXPECT_NEAR(d.workers[0].busy, 0.9, 1e-9);
  EXPECT_TRUE(d.workers[0].wait_ok);
  EXPECT_NEAR(d.workers[0].wait, 0.25, 1e-9);
  // Without schedstat, busy falls back to the ticks.
  a.workers[0].sched_ok = false;
  Delta ticks_only = Sampler::diff(a, b);
  EXPECT_FALSE(ticks_only.workers[0].wait_ok);
  EXPECT_NEAR(ticks_only.workers[0].busy, 0.9, 1e-9);
  EXPECT_NEAR(ticks_only.workers[0].user, 0.8, 1e-9);
  EXPECT_NEAR(d.process.cpu, 1.7, 1e-9);
  EXPECT_EQ(d.process.involuntary_ctxt, 4u);
  EXPECT_DOUBLE_EQ(d.process.cpus, 2);
  ASSERT_TRUE(d.cpu_ok);
  EXPECT_NEAR(d.cpu.user, 0.5, 1e-9);
  EXPECT_NEAR(d.cpu.system, 0.1, 1e-9);
  EXPECT_NEAR(d.cpu.idle, 0.2, 1e-9);
  EXPECT_NEAR(d.cpu.softirq, 0.15, 1e-9);
  EXPECT_NEAR(d.cpu.steal, 0.05, 1e-9);
  EXPECT_NEAR(d.cpu.irq + d.cpu.nice + d.cpu.iowait, 0, 1e-9);
  ASSERT_EQ(d.cores.size(), 1u);
  EXPECT_NEAR(d.cores[0].softirq, 60.0 / 120.0, 1e-9);
  ASSERT_TRUE(d.nic.ok);
  EXPECT_DOUBLE_EQ(d.nic.rx_bytes_per_s, 62'500'000);
  EXPECT_DOUBLE_EQ(d.nic.tx_bytes_per_s, 125'000'000);
  EXPECT_DOUBLE_EQ(d.nic.rx_packets_per_s, 1000);
  EXPECT_EQ(d.nic.rx_errs, 1u);
  EXPECT_EQ(d.nic.tx_drop, 4u);
  EXPECT_NEAR(d.nic.utilization, 1.0, 1e-9);  // 1 Gbit/s tx on a 1000 Mb/s link
  ASSERT_TRUE(d.tcp.ok);
  EXPECT_EQ(d.tcp.retrans_segs, 3u);
  EXPECT_EQ(d.tcp.out_segs, 1000u);
  EXPECT_EQ(d.tcp.listen_overflows, 0u);
}

TEST(Diff, MissingPiecesStayAbsent) {
  Sample a, b;
  synthetic_pair(a, b);
  b.workers[0].ok = false;
  b.workers[0].sched_ok = false;
  a.nic.ok = false;
  b.tcp.snmp_ok = false;
  b.cpu.ok = false;
  b.line_rate_mbps = -1;
  Delta d = Sampler::diff(a, b);
  EXPECT_FALSE(d.workers[0].ok);
  EXPECT_FALSE(d.workers[0].wait_ok);
  EXPECT_FALSE(d.nic.ok);
  EXPECT_FALSE(d.tcp.ok);
  EXPECT_FALSE(d.cpu_ok);
  nlohmann::json j = to_json(d);
  EXPECT_TRUE(j["workers"][0].is_null());
  EXPECT_TRUE(j["nic"].is_null());
  EXPECT_TRUE(j["tcp"].is_null());
  EXPECT_TRUE(j["cpu"].is_null());
  EXPECT_FALSE(j["proc"].is_null());
}

TEST(Diff, ReplacedWorkerIsNotDiffed) {
  Sample a, b;
  synthetic_pair(a, b);
  b.workers[0].tid = 43;
  Delta d = Sampler::diff(a, b);
  EXPECT_FALSE(d.workers[0].ok);
}

TEST(Json, StableFieldNames) {
  Sample a, b;
  synthetic_pair(a, b);
  nlohmann::json j = to_json(Sampler::diff(a, b));
  for (const char* key : {"dt", "wall", "workers", "proc", "cpu", "cores", "nic", "tcp"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"tid", "usr", "sys", "busy", "wait"}) {
    EXPECT_TRUE(j["workers"][0].contains(key)) << key;
  }
  for (const char* key : {"cpu", "usr", "sys", "vcsw", "ivcsw", "cpus"}) {
    EXPECT_TRUE(j["proc"].contains(key)) << key;
  }
  for (const char* key : {"usr", "nice", "sys", "irq", "soft", "iowait", "steal", "idle"}) {
    EXPECT_TRUE(j["cpu"].contains(key)) << key;
    EXPECT_TRUE(j["cores"][0].contains(key)) << key;
  }
  for (const char* key : {"if", "rx_Bps", "tx_Bps", "rx_pps", "tx_pps", "rx_drop", "tx_drop",
                          "rx_err", "tx_err", "speed_mbps", "util"}) {
    EXPECT_TRUE(j["nic"].contains(key)) << key;
  }
  for (const char* key :
       {"retrans", "out_segs", "in_segs", "active_opens", "attempt_fails", "estab_resets",
        "out_rsts", "in_errs", "listen_overflows", "listen_drops", "timeouts"}) {
    EXPECT_TRUE(j["tcp"].contains(key)) << key;
  }
  EXPECT_EQ(j["workers"][0]["tid"], 42);
  EXPECT_DOUBLE_EQ(j["workers"][0]["busy"].get<double>(), 0.9);
  EXPECT_EQ(j["nic"]["if"], "eth0");
  EXPECT_EQ(j["nic"]["speed_mbps"], 1000);
  EXPECT_EQ(j["tcp"]["retrans"], 3);
  EXPECT_EQ(j["tcp"]["scope"], "host");
}

}  // namespace
}  // namespace ringfire
