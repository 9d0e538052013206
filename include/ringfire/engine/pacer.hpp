// Open-loop schedule: the intended send time of every request, fixed in advance.
//
// Arrivals are generated in "operational time" u (one unit per expected request): constant
// arrivals at u = 0, 1, 2, ...; Poisson arrivals with exponential gaps of mean 1. A linear ramp
// is a change of clock: the expected count Λ(t) = rate·t²/(2R) for t < R, then rate·(t − R/2), so
// t = Λ⁻¹(u). The same seed gives the same schedule, run after run.
#pragma once

#include <cmath>
#include <cstdint>

namespace ringfire {

// How open-loop arrivals are spaced: evenly, or as a Poisson process (--arrival).
enum class Arrival : uint8_t { kConstant, kPoisson };

class Pacer {
 public:
  // `rate` in requests/s (this worker's share), `origin_ns` the schedule's time zero, `ramp_ns`
  // the length of the linear rise from 0 to `rate` (0: none), `phase` in [0, 1) offsets constant
  // arrivals so that workers interleave instead of firing together.
  Pacer(double rate, Arrival arrival, uint64_t seed, uint64_t origin_ns, uint64_t ramp_ns,
        double phase = 0);

  // The intended time of the next request (does not advance).
  uint64_t next() const { return next_ns_; }
  // Moves to the request after next().
  void advance();

 private:
  uint64_t to_time(double u) const;
  double exponential();

  double rate_per_ns_;
  Arrival arrival_;
  uint64_t origin_ns_;
  double ramp_ns_;
  double u_;  // operational time of next()
  uint64_t next_ns_;
  uint64_t rng_;
};

}  // namespace ringfire
