// Cost of the per-worker timer wheel with 10k armed timers (a worker with 10k connections): the
// hot path re-arms one timer per response, and calls expire() after every wake-up, when usually
// nothing or almost nothing is due.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "ringfire/engine/timer_wheel.hpp"

namespace {

constexpr uint32_t kTimers = 10'000;
constexpr uint64_t kTimeoutNs = 2'000'000'000;  // ringfire's default per-request timeout
constexpr uint64_t kHorizonNs = 2 * kTimeoutNs;
constexpr uint64_t kStartNs = 1'000'000'000'000;  // an arbitrary CLOCK_MONOTONIC reading

// Deadlines spread over one timeout, as they are once a run has settled.
std::vector<uint64_t> spread_deadlines(uint64_t now_ns) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<uint64_t> offset(0, kTimeoutNs);
  std::vector<uint64_t> d(kTimers);
  for (uint64_t& x : d) x = now_ns + offset(rng);
  return d;
}

ringfire::TimerWheel armed_wheel(uint64_t now_ns) {
  ringfire::TimerWheel wheel(kTimers, kHorizonNs, now_ns);
  const std::vector<uint64_t> d = spread_deadlines(now_ns);
  for (uint32_t id = 0; id < kTimers; ++id) wheel.arm(id, d[id]);
  return wheel;
}

// A response arrived: the connection's timer moves to the next request's deadline.
void BM_Rearm(benchmark::State& state) {
  uint64_t now = kStartNs;
  ringfire::TimerWheel wheel = armed_wheel(now);
  uint32_t id = 0;
  for (auto _ : state) {
    now += 100;  // 10M responses/s of simulated time
    wheel.arm(id, now + kTimeoutNs);
    id = id + 1 == kTimers ? 0 : id + 1;
  }
  benchmark::DoNotOptimize(wheel.deadline(0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rearm);

// A connection closes (disarm) and a new one starts connecting (arm): the pair, per timer.
void BM_ArmDisarm(benchmark::State& state) {
  const uint64_t now = kStartNs;
  ringfire::TimerWheel wheel = armed_wheel(now);
  const std::vector<uint64_t> d = spread_deadlines(now);
  uint32_t id = 0;
  for (auto _ : state) {
    wheel.disarm(id);
    wheel.arm(id, d[id]);
    id = id + 1 == kTimers ? 0 : id + 1;
  }
  benchmark::DoNotOptimize(wheel.armed(0));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ArmDisarm);

// expire() after a wake-up every `step` ns with 10k timers armed: most calls fire nothing; the
// ones that do re-arm the fired timer one timeout later, as the worker does with a reconnect.
void BM_ExpireTick(benchmark::State& state) {
  const uint64_t step = static_cast<uint64_t>(state.range(0));
  uint64_t now = kStartNs;
  ringfire::TimerWheel wheel = armed_wheel(now);
  uint64_t fired = 0;
  for (auto _ : state) {
    now += step;
    wheel.expire(now, [&](uint32_t id) {
      ++fired;
      wheel.arm(id, now + kTimeoutNs);
    });
  }
  state.counters["fired_per_call"] =
      static_cast<double>(fired) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_ExpireTick)->Arg(10'000)->Arg(1'000'000);  // 10 us, 1 ms between wake-ups

// Everything due at once (a server that went silent): cost per fired timer, re-arm included.
void BM_ExpireAll(benchmark::State& state) {
  uint64_t now = kStartNs;
  ringfire::TimerWheel wheel = armed_wheel(now);
  for (auto _ : state) {
    now += kTimeoutNs + 1;
    uint32_t fired = 0;
    wheel.expire(now, [&](uint32_t id) {
      ++fired;
      wheel.arm(id, now + kTimeoutNs / 2 + id * (kTimeoutNs / 2 / kTimers));
    });
    if (fired != kTimers) {
      state.SkipWithError("expire() did not fire every timer");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * kTimers);
}
BENCHMARK(BM_ExpireAll);

}  // namespace
