// The sampler's pure parsers of /proc text, on fixture strings.
#include "ringfire/machine/sysmon.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

constexpr const char* kProcStat =
    "cpu  5959 10 3296 75789 1012 3 242 313 0 0\n"
    "cpu0 2414 4 1109 39593 29 1 46 119 0 0\n"
    "cpu1 3544 6 2187 36196 982 2 195 193 0 0\n"
    "intr 239456 0 0 0\n"
    "ctxt 512345\n";

TEST(ProcStat, ParsesTotalAndCores) {
  CpuStat s;
  ASSERT_TRUE(parse_proc_stat(kProcStat, s));
  EXPECT_EQ(s.all.cpu, -1);
  EXPECT_EQ(s.all.user, 5959u);
  EXPECT_EQ(s.all.nice, 10u);
  EXPECT_EQ(s.all.system, 3296u);
  EXPECT_EQ(s.all.idle, 75789u);
  EXPECT_EQ(s.all.iowait, 1012u);
  EXPECT_EQ(s.all.irq, 3u);
  EXPECT_EQ(s.all.softirq, 242u);
  EXPECT_EQ(s.all.steal, 313u);
  ASSERT_EQ(s.cores.size(), 2u);
  EXPECT_EQ(s.cores[1].cpu, 1);
  EXPECT_EQ(s.cores[1].softirq, 195u);
}

TEST(ProcStat, OldKernelWithoutStealAndOfflineCore) {
  CpuStat s;
  ASSERT_TRUE(parse_proc_stat("cpu 1 2 3 4\ncpu3 1 2 3 4\n", s));
  EXPECT_EQ(s.all.steal, 0u);
  ASSERT_EQ(s.cores.size(), 1u);
  EXPECT_EQ(s.cores[0].cpu, 3);
}

TEST(ProcStat, RejectsGarbage) {
  CpuStat s;
  EXPECT_FALSE(parse_proc_stat("", s));
  EXPECT_FALSE(parse_proc_stat("cpu x y z\n", s));
  EXPECT_FALSE(parse_proc_stat("cpu0 1 2 3 4\n", s));  // no total line
}

constexpr const char* kNetDev =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
    "drop fifo colls carrier compressed\n"
    "    lo:    3267      29    0    0    0     0          0         0     3267      29    0    "
    "0    0     0       0          0\n"
    "  eth0:12345678901 884    1    2    0     0          0         0    44891     561    3    "
    "4    0     0       0          0\n";

TEST(NetDev, ParsesInterfacesIncludingGluedCounters) {
  std::vector<NetDevCounters> devs;
  ASSERT_TRUE(parse_net_dev(kNetDev, devs));
  ASSERT_EQ(devs.size(), 2u);
  EXPECT_EQ(devs[0].name, "lo");
  EXPECT_EQ(devs[0].rx_bytes, 3267u);
  EXPECT_EQ(devs[1].name, "eth0");
  EXPECT_EQ(devs[1].rx_bytes, 12345678901u);
  EXPECT_EQ(devs[1].rx_packets, 884u);
  EXPECT_EQ(devs[1].rx_errs, 1u);
  EXPECT_EQ(devs[1].rx_drop, 2u);
  EXPECT_EQ(devs[1].tx_bytes, 44891u);
  EXPECT_EQ(devs[1].tx_packets, 561u);
  EXPECT_EQ(devs[1].tx_errs, 3u);
  EXPECT_EQ(devs[1].tx_drop, 4u);
}

TEST(NetDev, ShortLineIsMalformed) {
  std::vector<NetDevCounters> devs;
  EXPECT_FALSE(parse_net_dev("eth0: 1 2 3\n", devs));
  EXPECT_TRUE(devs.empty());
}

TEST(Snmp, ParsesTcpPairAndIgnoresOtherProtocols) {
  constexpr const char* text =
      "Ip: Forwarding DefaultTTL InReceives\nIp: 1 64 999\n"
      "Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets "
      "CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors\n"
      "Tcp: 1 200 120000 -1 13 2 5 6 0 884 555 7 8 9 0\n"
      "Udp: InDatagrams\nUdp: 4\n";
  TcpCounters t;
  ASSERT_TRUE(parse_snmp(text, t));
  EXPECT_TRUE(t.snmp_ok);
  EXPECT_EQ(t.active_opens, 13u);
  EXPECT_EQ(t.attempt_fails, 5u);
  EXPECT_EQ(t.estab_resets, 6u);
  EXPECT_EQ(t.in_segs, 884u);
  EXPECT_EQ(t.out_segs, 555u);
  EXPECT_EQ(t.retrans_segs, 7u);
  EXPECT_EQ(t.in_errs, 8u);
  EXPECT_EQ(t.out_rsts, 9u);
  EXPECT_FALSE(t.netstat_ok);
}

TEST(Snmp, MissingFieldFails) {
  TcpCounters t;
  EXPECT_FALSE(parse_snmp("Tcp: ActiveOpens\nTcp: 3\n", t));
  EXPECT_EQ(t.active_opens, 3u);  // what was there is still read
}

TEST(Netstat, ParsesTcpExt) {
  constexpr const char* text =
      "TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPTimeouts\n"
      "TcpExt: 0 11 12 13\n"
      "IpExt: InNoRoutes\nIpExt: 0\n";
  TcpCounters t;
  ASSERT_TRUE(parse_netstat(text, t));
  EXPECT_EQ(t.listen_overflows, 11u);
  EXPECT_EQ(t.listen_drops, 12u);
  EXPECT_EQ(t.tcp_timeouts, 13u);
}

TEST(TaskStat, CommWithSpacesAndParentheses) {
  // comm "a) b (c" : fields resume after the LAST ')'.
  constexpr const char* text =
      "4701 (a) b (c) R 4687 4687 4192 0 -1 4194304 98 0 0 0 123 45 0 0 20 0 3 0 43407 3133440 "
      "339 18446744073709551615 1 2 3 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
  TaskStat s;
  ASSERT_TRUE(parse_task_stat(text, s));
  EXPECT_EQ(s.state, 'R');
  EXPECT_EQ(s.utime, 123u);
  EXPECT_EQ(s.stime, 45u);
  EXPECT_EQ(s.num_threads, 3);
  EXPECT_EQ(s.processor, 1);
}

TEST(TaskStat, TruncatedIsRejected) {
  TaskStat s;
  EXPECT_FALSE(parse_task_stat("1 (x) R 1 2 3", s));
  EXPECT_FALSE(parse_task_stat("no parenthesis", s));
  EXPECT_FALSE(parse_task_stat("", s));
}

TEST(SchedStat, ThreeNumbers) {
  SchedStat s;
  ASSERT_TRUE(parse_schedstat("915636 2000 7\n", s));
  EXPECT_EQ(s.run_ns, 915636u);
  EXPECT_EQ(s.wait_ns, 2000u);
  EXPECT_EQ(s.timeslices, 7u);
  EXPECT_FALSE(parse_schedstat("1 2\n", s));
}

TEST(Status, ContextSwitches) {
  uint64_t v = 0, nv = 0;
  ASSERT_TRUE(parse_status_ctxt(
      "Name:\tx\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t3\n", v, nv));
  EXPECT_EQ(v, 12u);
  EXPECT_EQ(nv, 3u);
  EXPECT_FALSE(parse_status_ctxt("Name:\tx\n", v, nv));
}

TEST(Cgroup, CpuMaxAndPath) {
  EXPECT_EQ(parse_cpu_max("max 100000\n"), 0);
  EXPECT_DOUBLE_EQ(parse_cpu_max("150000 100000\n"), 1.5);
  EXPECT_EQ(parse_cpu_max("junk"), 0);
  EXPECT_EQ(parse_cgroup_v2_path("0::/user.slice/x.scope\n"), "/user.slice/x.scope");
  EXPECT_EQ(parse_cgroup_v2_path("1:cpu:/a\n"), "");
}

}  // namespace
}  // namespace ringfire
