// The client-bound verdict and the NIC figures, checked against situations the test creates:
// a client sharing its only CPU with a busy loop, a slow server that leaves the client idle, and
// the kernel's own loopback byte counters.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

struct LoCounters {
  uint64_t bytes = 0, packets = 0;
};

// Transmit side of lo from /proc/net/dev: on loopback every packet is sent once and received once.
LoCounters read_lo() {
  std::ifstream f("/proc/net/dev");
  std::string line;
  while (std::getline(f, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    if (name != "lo") continue;
    std::istringstream in(line.substr(colon + 1));
    uint64_t v[16] = {};
    for (uint64_t& x : v) in >> x;
    return {v[8], v[9]};
  }
  return {};
}

int usable_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  return CPU_COUNT(&set);
}

TEST(Verdict, ClientSharingItsCpuWithABusyLoopIsClientBound) {
  if (usable_cpu_count() < 2) GTEST_SKIP() << "needs two CPUs";
  TargetServer server({"--cpus", "0"});
  ASSERT_TRUE(server.ok());
  // A busy loop on CPU 1, bounded in time, competing with ringfire's only worker.
  // The loop bounds itself (bash's SECONDS) and is the process itself, not a child of a wrapper,
  // so killing it leaves nothing behind.
  auto hog = Subprocess::start({"/usr/bin/nice", "-n", "-15", "/usr/bin/taskset", "-c", "1",
                                "/bin/bash", "-c", "while [ $SECONDS -lt 20 ]; do :; done"});
  ASSERT_TRUE(hog);
  const RingfireRun run =
      run_ringfire({"-t", "1", "--cpus", "1", "-c", "16", "-d", "3s", server.url()});
  hog->stop(SIGKILL);
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& v = run.result.at("verdict");
  EXPECT_TRUE(v.at("client_bound").get<bool>()) << v.dump(2);
  EXPECT_NE(run.exit.out.find("CLIENT-BOUND"), std::string::npos) << run.exit.out;
}

TEST(Verdict, SlowServerLeavesTheClientIdle) {
  TargetServer server({"--delay", "5ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "10", "-d", "3s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& v = run.result.at("verdict");
  EXPECT_FALSE(v.at("client_bound").get<bool>()) << v.dump(2);
  EXPECT_NE(run.exit.out.find("not client-bound"), std::string::npos) << run.exit.out;
  ASSERT_GE(run.result.at("timeseries").size(), 3u);
  EXPECT_TRUE(run.result.at("timeseries")[0].at("client").is_object());
}

TEST(Verdict, LoopbackBytesCoverThePayloadAndNoMore) {
  TargetServer server({"--body-size", "2000"});
  ASSERT_TRUE(server.ok());
  const LoCounters before = read_lo();
  const RingfireRun run = run_ringfire({"-c", "8", "-d", "2s", server.url()});
  server.stop_and_count();  // the server has sent its last bytes when it exits
  const LoCounters after = read_lo();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& t = run.result.at("totals");
  const uint64_t payload =
      t.at("bytes_sent").get<uint64_t>() + t.at("bytes_received").get<uint64_t>();
  const uint64_t bytes = after.bytes - before.bytes;
  const uint64_t packets = after.packets - before.packets;
  EXPECT_GE(bytes, payload);
  EXPECT_LE(bytes, payload + packets * 100) << "packets " << packets;
  // ringfire's own per-second NIC figures agree with the kernel's total (the samples cover the
  // measured window, so they see at most what the test saw).
  double sampled = 0;
  for (const json& s : run.result.at("timeseries")) {
    const json& c = s.at("client");
    if (c.is_null() || c.at("nic").is_null()) continue;
    sampled += c.at("nic").at("tx_Bps").get<double>() * c.at("dt").get<double>();
  }
  EXPECT_LE(sampled, static_cast<double>(bytes) * 1.01);
  EXPECT_GE(sampled, static_cast<double>(payload) * 0.8);
}

}  // namespace
}  // namespace ringfire::testing
