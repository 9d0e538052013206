// Sampler parsers on fixture text, diff() on synthetic samples, and a smoke test on the real /proc.
#include "ringfire/sysmon.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>
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

in_addr v4(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return a;
}

in6_addr v6(const char* text) {
  in6_addr a{};
  inet_pton(AF_INET6, text, &a);
  return a;
}

TEST(Route, Ipv4LongestPrefixThenMetric) {
  // Hex is the in-memory (network order) address read as a little-endian u32: 192.0.2.0 is
  // 000200C0. 10.1.0.0/16 via eth1, 10.0.0.0/8 via eth2 (two, metric 5 wins), default via eth0.
  constexpr const char* text =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
      "eth1\t0000010A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
      "eth3\t0000000A\t00000000\t0001\t0\t0\t9\t000000FF\t0\t0\t0\n"
      "eth2\t0000000A\t00000000\t0001\t0\t0\t5\t000000FF\t0\t0\t0\n"
      "blk\t0000020A\t00000000\t0201\t0\t0\t0\t0000FFFF\t0\t0\t0\n";  // reject route
  in_addr a = v4("10.1.2.3");
  EXPECT_EQ(route_interface_v4(text, &a), "eth1");
  a = v4("10.9.2.3");
  EXPECT_EQ(route_interface_v4(text, &a), "eth2");
  a = v4("10.2.0.1");
  EXPECT_EQ(route_interface_v4(text, &a), "eth2");
  a = v4("192.0.2.77");
  EXPECT_EQ(route_interface_v4(text, &a), "eth0");
  a = v4("8.8.8.8");
  EXPECT_EQ(route_interface_v4(text, &a), "eth0");
  EXPECT_EQ(route_interface_v4("Iface\tDestination\n", &a), "");
}

TEST(Route, Ipv6SkipsRejectAndPicksLongest) {
  constexpr const char* text =
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
      "20010db8000000000000000000000000 20 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n"
      "20010db8000100000000000000000000 30 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2\n"
      "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n"
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
  in6_addr a = v6("2001:db8:1::5");
  EXPECT_EQ(route_interface_v6(text, &a), "eth2");
  a = v6("2001:db8:2::5");
  EXPECT_EQ(route_interface_v6(text, &a), "eth1");
  a = v6("fd00::9");
  EXPECT_EQ(route_interface_v6(text, &a), "eth0");
  a = v6("2a00::1");  // only the unreachable default matches, and it is skipped
  EXPECT_EQ(route_interface_v6(text, &a), "");
  a = v6("::1");
  EXPECT_EQ(route_interface_v6(text, &a), "lo");
}

TEST(Route, LoopbackTargetsAreLo) {
  sockaddr_storage ss{};
  auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
  s4.sin_family = AF_INET;
  s4.sin_addr = v4("127.0.0.5");
  EXPECT_EQ(interface_for(ss), "lo");
  sockaddr_storage ss6{};
  auto& s6 = reinterpret_cast<sockaddr_in6&>(ss6);
  s6.sin6_family = AF_INET6;
  s6.sin6_addr = v6("::1");
  EXPECT_EQ(interface_for(ss6), "lo");
  s6.sin6_addr = v6("::ffff:127.0.0.1");
  EXPECT_EQ(interface_for(ss6), "lo");
  sockaddr_storage none{};
  EXPECT_EQ(interface_for(none), "");
}

TEST(Speed, KnownAndUnknown) {
  EXPECT_EQ(parse_speed_mbps("10000\n"), 10000);
  EXPECT_EQ(parse_speed_mbps("-1\n"), -1);
  EXPECT_EQ(parse_speed_mbps(""), -1);
  EXPECT_EQ(parse_speed_mbps("fast"), -1);
  EXPECT_EQ(read_line_rate_mbps("lo"), -1);  // virtual: EINVAL
  EXPECT_EQ(read_line_rate_mbps("../../etc"), -1);
  EXPECT_EQ(read_line_rate_mbps("no-such-if0"), -1);
}

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
}

// ---- the real files ----

sockaddr_storage loopback() {
  sockaddr_storage ss{};
  auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
  s4.sin_family = AF_INET;
  s4.sin_addr = v4("127.0.0.1");
  return ss;
}

void spin_for(std::chrono::milliseconds how_long) {
  auto end = std::chrono::steady_clock::now() + how_long;
  volatile uint64_t sink = 0;
  while (std::chrono::steady_clock::now() < end) sink = sink + 1;
}

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

TEST(RealSampler, MeasuresABusyThread) {
  std::atomic<pid_t> tid{0};
  std::atomic<bool> go{false}, spun{false}, done{false};
  double cpu_seconds = 0;  // the thread's own account (CLOCK_THREAD_CPUTIME_ID): the reference
  std::thread busy([&] {
    tid = ::gettid();
    while (!go) std::this_thread::yield();
    double start = thread_cpu_seconds();
    // Spin for CPU time, not wall time: on a shared machine the two differ.
    while (thread_cpu_seconds() - start < 0.5) spin_for(std::chrono::milliseconds(1));
    cpu_seconds = thread_cpu_seconds() - start;
    spun = true;
    // Stay alive until the second sample: a thread that exited has no /proc/self/task entry.
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  while (tid == 0) std::this_thread::yield();
  Sampler sampler(loopback(), {tid.load(), 999'999'999});  // the second TID does not exist
  EXPECT_EQ(sampler.interface(), "lo");
  Sample a = sampler.take();
  go = true;
  while (!spun) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Sample b = sampler.take();
  done = true;
  busy.join();
  ASSERT_TRUE(a.workers[0].ok);
  EXPECT_FALSE(a.workers[1].ok);
  Delta d = Sampler::diff(a, b);
  ASSERT_EQ(d.workers.size(), 2u);
  // /proc reports whole 10 ms ticks; allow two of them plus the spin-up and sleep around.
  double busy_seconds = d.workers[0].busy * d.seconds;
  EXPECT_NEAR(busy_seconds, cpu_seconds, 0.03);
  EXPECT_FALSE(d.workers[1].ok);
  EXPECT_TRUE(d.process.ok);
  EXPECT_GE(d.process.cpu * d.seconds, busy_seconds - 0.02);
  EXPECT_TRUE(d.cpu_ok);
  EXPECT_FALSE(d.cores.empty());
  EXPECT_TRUE(d.nic.ok);
  EXPECT_EQ(d.nic.iface, "lo");
  EXPECT_TRUE(d.tcp.ok);
  EXPECT_GE(d.process.cpus, 1);
}

// Two threads pinned to one CPU, both spinning: each waits for the CPU about half the time. This
// is how a client sharing its CPU with a busy loop shows up.
TEST(RealSampler, SeesRunQueueWaitOfAThreadSharingItsCpu) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  int cpu = 0;
  while (cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &allowed)) ++cpu;
  std::atomic<pid_t> tids[2] = {0, 0};
  std::atomic<bool> go{false}, done{false};
  std::atomic<int> spun{0};
  auto body = [&](int i) {
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
    tids[i] = ::gettid();
    while (!go) std::this_thread::yield();
    spin_for(std::chrono::milliseconds(400));
    ++spun;
    while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  };
  std::thread t0(body, 0), t1(body, 1);
  while (tids[0] == 0 || tids[1] == 0) std::this_thread::yield();
  Sampler sampler(loopback(), {tids[0].load(), tids[1].load()});
  Sample a = sampler.take();
  go = true;
  while (spun < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Sample b = sampler.take();
  done = true;
  t0.join();
  t1.join();
  if (!a.workers[0].sched_ok) GTEST_SKIP() << "no /proc/.../schedstat on this kernel";
  Delta d = Sampler::diff(a, b);
  double waited = (d.workers[0].wait + d.workers[1].wait) * d.seconds;
  // Together they had 0.4 s of runnable-but-waiting time to share, give or take the scheduler.
  EXPECT_GT(waited, 0.2);
  EXPECT_TRUE(d.workers[0].wait_ok);
}

TEST(RealSampler, CostPerSample) {
  std::vector<pid_t> tids(4, ::gettid());  // four workers' worth of per-thread reads
  Sampler sampler(loopback(), tids);
  Sample s;
  sampler.take(s);
  constexpr int kRounds = 200;
  auto start = std::chrono::steady_clock::now();
  double cpu_start = thread_cpu_seconds();
  for (int i = 0; i < kRounds; ++i) sampler.take(s);
  double cpu_us = (thread_cpu_seconds() - cpu_start) * 1e6 / kRounds;
  auto took = std::chrono::steady_clock::now() - start;
  double us = std::chrono::duration<double, std::micro>(took).count() / kRounds;
  std::printf(
      "sysmon: %.1f us CPU, %.1f us wall per sample with 4 workers (%.3f%% of a core at "
      "1 sample/s)\n",
      cpu_us, us, cpu_us / 1e4);
  // Budget: 1% of a core at 1 sample/s is 10 ms; the design target is < 1 ms of CPU. Wall time
  // is looser: a loaded CI machine preempts us.
  EXPECT_LT(cpu_us, 1000);
  EXPECT_LT(us, 5000);
}

}  // namespace
}  // namespace ringfire
