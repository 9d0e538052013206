// The sampler on the real /proc: a busy thread, run-queue wait, and the cost of one sample.
#include "ringfire/machine/sysmon.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

sockaddr_storage loopback() {
  sockaddr_storage ss{};
  auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
  s4.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &s4.sin_addr);
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
