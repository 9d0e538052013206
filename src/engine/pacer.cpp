#include "ringfire/engine/pacer.hpp"

#include <limits>

namespace ringfire {

Pacer::Pacer(double rate, Arrival arrival, uint64_t seed, uint64_t origin_ns, uint64_t ramp_ns,
             uint64_t first, uint64_t stride)
    : rate_per_ns_(rate * 1e-9),
      arrival_(arrival),
      origin_ns_(origin_ns),
      ramp_ns_(static_cast<double>(ramp_ns)),
      stride_(stride == 0 ? 1 : stride),
      g_(first),
      u_(0),
      rng_(seed * 0x9E3779B97F4A7C15ull + 1) {
  if (arrival_ == Arrival::kConstant) {
    u_ = static_cast<double>(first);
  } else {
    // Request 0 is at the first gap; every later one a gap after its predecessor.
    for (uint64_t k = 0; k <= first; ++k) u_ += exponential();
  }
  next_ns_ = to_time(u_);
}

void Pacer::advance() {
  g_ += stride_;
  if (arrival_ == Arrival::kConstant) {
    // u = g exactly (a double holds every integer below 2^53): no sum of ones drifts.
    u_ = static_cast<double>(g_);
  } else {
    // One by one, in order: the same sums the one-box pacer makes, so the same times.
    for (uint64_t k = 0; k < stride_; ++k) u_ += exponential();
  }
  next_ns_ = to_time(u_);
}

uint64_t Pacer::to_time(double u) const {
  if (rate_per_ns_ <= 0) return std::numeric_limits<uint64_t>::max();
  double t;
  const double ramp_count = rate_per_ns_ * ramp_ns_ / 2;  // requests expected during the ramp
  if (u < ramp_count) {
    t = std::sqrt(2 * ramp_ns_ * u / rate_per_ns_);
  } else {
    t = ramp_ns_ + (u - ramp_count) / rate_per_ns_;
  }
  return origin_ns_ + static_cast<uint64_t>(t);
}

double Pacer::exponential() {
  // xorshift64*: fast, seeded, good enough for arrival gaps; 53 random bits into (0, 1].
  rng_ ^= rng_ >> 12;
  rng_ ^= rng_ << 25;
  rng_ ^= rng_ >> 27;
  const uint64_t bits = (rng_ * 0x2545F4914F6CDD1Dull) >> 11;
  const double uniform = (static_cast<double>(bits) + 1.0) * (1.0 / 9007199254740992.0);
  return -std::log(uniform);
}

}  // namespace ringfire
