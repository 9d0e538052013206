// Finding the local server: /proc/net/tcp{,6} and status parsing on fixture text, and ServerProbe
// on a fake /proc tree written by the test (no sockets: the real one is an integration test).
#include "ringfire/machine/sysmon_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

// Hex words are the kernel's %08X of each 32-bit word as it lies in memory: on this (little-
// endian) host 127.0.0.1 is 0100007F and ::1 is 00000000000000000000000001000000.
constexpr const char* kTcp =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n"
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
    "4242 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 "
    "20522 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 "
    "5555 1 0000000000000000 20 4 30 10 -1\n"
    "   3: 0500007F:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 "
    "0 1 0000000000000000 100 0 0 10 0\n";

constexpr const char* kTcp6 =
    "  sl  local_address                         remote_address                        st "
    "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 7777 1 0000000000000000 100 0 0 10 0\n"
    "   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 8888 1 0000000000000000 100 0 0 10 0\n"
    "   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A "
    "00000000:00000000 00:00000000 00000000  1000        0 9999 1 0000000000000000 100 0 0 10 0\n";

sockaddr_storage target(const char* ip, uint16_t port) {
  sockaddr_storage ss{};
  if (std::string(ip).find(':') == std::string::npos) {
    auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
    s4.sin_family = AF_INET;
    s4.sin_port = htons(port);
    inet_pton(AF_INET, ip, &s4.sin_addr);
  } else {
    auto& s6 = reinterpret_cast<sockaddr_in6&>(ss);
    s6.sin6_family = AF_INET6;
    s6.sin6_port = htons(port);
    inet_pton(AF_INET6, ip, &s6.sin6_addr);
  }
  return ss;
}

TEST(ListenSockets, Ipv4KeepsListenLinesOnly) {
  std::vector<ListenSocket> out;
  ASSERT_TRUE(parse_listen_sockets(kTcp, AF_INET, out));
  ASSERT_EQ(out.size(), 2u);  // the established line and the inode-0 listener are skipped
  EXPECT_EQ(out[0].port, 8080);
  EXPECT_EQ(out[0].inode, 4242u);
  const unsigned char loopback[4] = {127, 0, 0, 1};
  EXPECT_EQ(std::memcmp(out[0].addr, loopback, 4), 0);
  EXPECT_EQ(out[1].port, 22);
  EXPECT_EQ(out[1].inode, 20522u);
}

TEST(ListenSockets, Ipv6AddressesDecode) {
  std::vector<ListenSocket> out;
  ASSERT_TRUE(parse_listen_sockets(kTcp6, AF_INET6, out));
  ASSERT_EQ(out.size(), 3u);
  in6_addr one{};
  inet_pton(AF_INET6, "::1", &one);
  EXPECT_EQ(std::memcmp(out[0].addr, &one, 16), 0);
  in6_addr mapped{};
  inet_pton(AF_INET6, "::ffff:127.0.0.1", &mapped);
  EXPECT_EQ(std::memcmp(out[2].addr, &mapped, 16), 0);
  EXPECT_EQ(out[2].port, 81);
}

TEST(ListenSockets, MalformedLinesAreReportedAndSkipped) {
  std::vector<ListenSocket> out;
  const std::string text = std::string(kTcp) + "   4: 0100007F 00000000:0000 0A\n" +
                           "   5: XX00007F:1F90 00000000:0000 0A 0:0 0:0 0 0 0 77 1\n";
  EXPECT_FALSE(parse_listen_sockets(text, AF_INET, out));
  EXPECT_EQ(out.size(), 2u);
  EXPECT_TRUE(parse_listen_sockets("", AF_INET, out));
  EXPECT_TRUE(out.empty());
  // A tcp6 address in the tcp file is the wrong width.
  EXPECT_FALSE(parse_listen_sockets(kTcp6, AF_INET, out));
}

TEST(ListenSockets, WhichListenerServesATarget) {
  std::vector<ListenSocket> v4, v6;
  ASSERT_TRUE(parse_listen_sockets(kTcp, AF_INET, v4));
  ASSERT_TRUE(parse_listen_sockets(kTcp6, AF_INET6, v6));
  EXPECT_TRUE(listener_serves(v4[0], target("127.0.0.1", 8080)));
  EXPECT_FALSE(listener_serves(v4[0], target("127.0.0.2", 8080)));  // bound to 127.0.0.1 only
  EXPECT_FALSE(listener_serves(v4[0], target("127.0.0.1", 8081)));
  EXPECT_TRUE(listener_serves(v4[0], target("::ffff:127.0.0.1", 8080)));
  EXPECT_FALSE(listener_serves(v4[0], target("::1", 8080)));
  EXPECT_TRUE(listener_serves(v4[1], target("10.1.2.3", 22)));  // 0.0.0.0
  EXPECT_TRUE(listener_serves(v6[0], target("::1", 8080)));
  EXPECT_FALSE(listener_serves(v6[0], target("127.0.0.1", 8080)));
  EXPECT_TRUE(listener_serves(v6[1], target("::1", 80)));        // [::] takes IPv6 ...
  EXPECT_TRUE(listener_serves(v6[1], target("127.0.0.1", 80)));  // ... and IPv4 (dual stack)
  EXPECT_TRUE(listener_serves(v6[2], target("127.0.0.1", 81)));  // bound to ::ffff:127.0.0.1
  EXPECT_FALSE(listener_serves(v6[2], target("127.0.0.2", 81)));
  EXPECT_FALSE(listener_serves(v4[0], sockaddr_storage{}));
}

TEST(SocketLink, InodeOfASocketOnly) {
  uint64_t inode = 0;
  EXPECT_TRUE(parse_socket_link("socket:[12345]", inode));
  EXPECT_EQ(inode, 12345u);
  EXPECT_FALSE(parse_socket_link("pipe:[12345]", inode));
  EXPECT_FALSE(parse_socket_link("socket:[]", inode));
  EXPECT_FALSE(parse_socket_link("socket:[12x]", inode));
  EXPECT_FALSE(parse_socket_link("socket:[12", inode));
  EXPECT_FALSE(parse_socket_link("/dev/null", inode));
}

TEST(CpusAllowed, ListFromStatus) {
  std::vector<int> cpus;
  EXPECT_TRUE(parse_cpus_allowed("Name:\tx\nCpus_allowed:\t3\nCpus_allowed_list:\t0-1,4\n", cpus));
  EXPECT_EQ(cpus, (std::vector<int>{0, 1, 4}));
  EXPECT_TRUE(parse_cpus_allowed("Cpus_allowed_list:\t7\n", cpus));
  EXPECT_EQ(cpus, (std::vector<int>{7}));
  EXPECT_FALSE(parse_cpus_allowed("Cpus_allowed:\t3\n", cpus));
  EXPECT_FALSE(parse_cpus_allowed("Cpus_allowed_list:\t\n", cpus));
  EXPECT_FALSE(parse_cpus_allowed("Cpus_allowed_list:\t1-x\n", cpus));
}

// ---- ServerProbe on a fake /proc ----

namespace fs = std::filesystem;

// /proc/PID/stat with utime, stime and processor (fields 14, 15, 39) set, every other field 0.
std::string stat_line(int pid, const std::string& comm, uint64_t utime, uint64_t stime, int cpu) {
  std::string line = std::to_string(pid) + " (" + comm + ") S";
  for (int field = 4; field <= 52; ++field) {
    uint64_t v = field == 14 ? utime : field == 15 ? stime : field == 39 ? cpu : 0;
    line += " " + std::to_string(v);
  }
  return line + "\n";
}

class FakeProc : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringfire-fakeproc-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
    fs::create_directories(root_ + "/net");
    write("net/tcp", kTcp);
    write("net/tcp6", kTcp6);
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& text) {
    std::ofstream(root_ + "/" + rel) << text;
  }
  // A process with its threads (tid, ticks, cpu, allowed list) and fd links.
  void process(int pid, const std::string& comm, std::vector<std::string> links) {
    const std::string dir = root_ + "/" + std::to_string(pid);
    fs::create_directories(dir + "/fd");
    fs::create_directories(dir + "/task");
    write(std::to_string(pid) + "/comm", comm + "\n");
    int fd = 3;
    for (const std::string& l : links) fs::create_symlink(l, dir + "/fd/" + std::to_string(fd++));
  }
  void thread(int pid, int tid, uint64_t ticks, int cpu, const std::string& allowed) {
    const std::string rel = std::to_string(pid) + "/task/" + std::to_string(tid);
    fs::create_directories(root_ + "/" + rel);
    write(rel + "/stat", stat_line(tid, "t", ticks, 0, cpu));
    write(rel + "/status", "Name:\tt\nCpus_allowed_list:\t" + allowed + "\n");
  }
  void process_ticks(int pid, uint64_t utime, uint64_t stime) {
    write(std::to_string(pid) + "/stat", stat_line(pid, "p", utime, stime, 0));
  }

  std::string root_;
};

TEST_F(FakeProc, FindsTheProcessHoldingTheListeningSocket) {
  process(100, "srv", {"/dev/null", "socket:[1]", "socket:[4242]"});
  process_ticks(100, 500, 100);
  thread(100, 100, 0, 0, "0-1");  // an idle main thread
  thread(100, 101, 400, 1, "1");
  process(200, "other", {"socket:[20522]", "pipe:[4242]"});
  fs::create_directories(root_ + "/300");          // no fd directory (another user's, or gone)
  process(::getpid(), "self", {"socket:[4242]"});  // ourselves: never the server
  fs::create_directories(root_ + "/not-a-pid/fd");

  ServerProbe probe(target("127.0.0.1", 8080), root_);
  ASSERT_TRUE(probe.found());
  probe.start();
  process_ticks(100, 560, 120);  // 80 ticks in the window
  thread(100, 101, 470, 1, "1");
  thread(100, 102, 5, 0, "0");  // born in the window
  const ServerUsage u = probe.finish();
  EXPECT_TRUE(u.local);
  EXPECT_TRUE(u.found);
  EXPECT_EQ(u.pids, (std::vector<pid_t>{100}));
  EXPECT_EQ(u.comm, "srv");
  ASSERT_TRUE(u.measured);
  const double hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
  EXPECT_NEAR(u.cpu * u.seconds, 80 / hz, 1e-9);
  ASSERT_EQ(u.threads.size(), 3u);
  EXPECT_EQ(u.threads[0].tid, 100);
  EXPECT_EQ(u.threads[0].cpu_seconds, 0);
  EXPECT_EQ(u.threads[0].allowed, (std::vector<int>{0, 1}));
  EXPECT_EQ(u.threads[1].tid, 101);
  EXPECT_NEAR(u.threads[1].cpu_seconds, 70 / hz, 1e-9);
  EXPECT_EQ(u.threads[1].cpu_start, 1);
  EXPECT_EQ(u.threads[1].cpu_end, 1);
  EXPECT_EQ(u.threads[1].allowed, (std::vector<int>{1}));
  EXPECT_NEAR(u.threads[2].cpu_seconds, 5 / hz, 1e-9);
  EXPECT_EQ(u.threads[2].cpu_start, -1);
}

TEST_F(FakeProc, EveryHolderOfASharedSocketIsKept) {
  // A pre-fork server: the master and its workers hold the same listening socket.
  for (int pid : {500, 501, 502}) {
    process(pid, pid == 500 ? "gunicorn" : "worker", {"socket:[7777]"});
    process_ticks(pid, 10, 0);
  }
  ServerProbe probe(target("::1", 8080), root_);
  probe.start();
  const ServerUsage u = probe.finish();
  EXPECT_EQ(u.pids, (std::vector<pid_t>{500, 501, 502}));
  EXPECT_EQ(u.comm, "gunicorn");
  EXPECT_TRUE(u.measured);
}

TEST_F(FakeProc, UnreadableOrMissingOwnersAreSilentlyNotFound) {
  fs::create_directories(root_ + "/300");  // no fd directory
  ServerProbe probe(target("127.0.0.1", 8080), root_);
  EXPECT_FALSE(probe.found());
  probe.start();
  const ServerUsage u = probe.finish();
  EXPECT_TRUE(u.local);
  EXPECT_FALSE(u.found);
  EXPECT_FALSE(u.measured);
}

TEST_F(FakeProc, NothingListensOnThePort) {
  process(100, "srv", {"socket:[4242]"});
  ServerProbe probe(target("127.0.0.1", 9999), root_);
  EXPECT_FALSE(probe.found());
}

TEST_F(FakeProc, ServerThatExitsIsNotMeasured) {
  process(100, "srv", {"socket:[4242]"});
  process_ticks(100, 10, 0);
  ServerProbe probe(target("127.0.0.1", 8080), root_);
  ASSERT_TRUE(probe.found());
  probe.start();
  fs::remove_all(root_ + "/100");
  const ServerUsage u = probe.finish();
  EXPECT_TRUE(u.found);
  EXPECT_FALSE(u.measured);
  EXPECT_TRUE(u.threads.empty());
}

TEST(ServerProbe, RemoteTargetIsNotSearched) {
  // 192.0.2.1 (TEST-NET-1) is no address of this host; nothing is sent to it.
  ServerProbe probe(target("192.0.2.1", 80));
  EXPECT_FALSE(probe.found());
  EXPECT_FALSE(probe.finish().local);
}

}  // namespace
}  // namespace ringfire
