// --connect-rate: a worker's connection attempts spaced evenly at its share of the rate. Servers
// accept from a listen queue of limited length (somaxconn, 4096 since Linux 5.4); a client that
// opens thousands of connections in one burst overflows it, and the dropped SYNs come back as
// connect timeouts seconds later. Idle time earns no credit: a burst never exceeds the rate.
#pragma once

#include <algorithm>
#include <cstdint>

namespace ringfire {

class ConnectPacer {
 public:
  // `per_second` 0: no pacing (take() always answers `now`).
  ConnectPacer(double per_second, uint64_t start_ns)
      : interval_ns_(per_second > 0 ? 1e9 / per_second : 0),
        next_ns_(static_cast<double>(start_ns)) {}

  bool enabled() const { return interval_ns_ > 0; }

  // When the next attempt may start, `now_ns` or later; that moment is taken.
  uint64_t take(uint64_t now_ns) {
    if (!enabled()) return now_ns;
    const double slot = std::max(next_ns_, static_cast<double>(now_ns));
    next_ns_ = slot + interval_ns_;
    return static_cast<uint64_t>(slot);
  }

 private:
  double interval_ns_;  // double: 3 connections/s must not round to 333,333,333 ns and drift
  double next_ns_;
};

}  // namespace ringfire
