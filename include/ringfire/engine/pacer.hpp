// Open-loop schedule: the intended send time of every request, fixed in advance.
//
// Arrivals are generated in "operational time" u (one unit per expected request): constant
// arrivals at u = 0, 1, 2, ...; Poisson arrivals with exponential gaps of mean 1. A linear ramp
// is a change of clock: the expected count Λ(t) = rate·t²/(2R) for t < R, then rate·(t − R/2), so
// t = Λ⁻¹(u). The same seed gives the same schedule, run after run.
//
// There is one schedule for the whole run, on one box or many: request g (from 0) of the global
// sequence is intended at to_time(u_g). A pacer follows the requests first, first + stride, ...
// of it: worker w of W in shard I of N has first = I + N·w and stride N·W, so the workers of all
// shards together take every g exactly once, and the union of their intended times is the
// one-box schedule exactly (tests/unit/pacer_test.cpp). Poisson gaps come from one generator
// seeded by --seed: each pacer draws the whole global sequence and keeps its own requests, adding
// every gap one by one so that its u_g is bit for bit the one-box sum (a cost of one draw per
// request of the whole run, per worker: ~20 ns each).
#pragma once

#include <cmath>
#include <cstdint>

namespace ringfire {

// How open-loop arrivals are spaced: evenly, or as a Poisson process (--arrival).
enum class Arrival : uint8_t { kConstant, kPoisson };

class Pacer {
 public:
  // `rate` in requests/s of the whole schedule, `origin_ns` its time zero, `ramp_ns` the length
  // of the linear rise from 0 to `rate` (0: none); this pacer's requests are global indices
  // first, first + stride, ... (stride >= 1).
  Pacer(double rate, Arrival arrival, uint64_t seed, uint64_t origin_ns, uint64_t ramp_ns,
        uint64_t first = 0, uint64_t stride = 1);

  // The intended time of the next request (does not advance).
  uint64_t next() const { return next_ns_; }
  // The global index of next() in the run's schedule.
  uint64_t index() const { return g_; }
  uint64_t stride() const { return stride_; }
  // Moves to the request after next().
  void advance();

 private:
  uint64_t to_time(double u) const;
  double exponential();

  double rate_per_ns_;
  Arrival arrival_;
  uint64_t origin_ns_;
  double ramp_ns_;
  uint64_t stride_;
  uint64_t g_;  // global index of next()
  double u_;    // operational time of next()
  uint64_t next_ns_;
  uint64_t rng_;
};

}  // namespace ringfire
