// A source is one machine's (one process's) run. A merged result keeps each source's own facts
// side by side — where and when it measured, how far its clock could be trusted, its verdict and
// machine samples — and adds everything else (merge.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/base/shard.hpp"

namespace ringfire {

// The kernel's view of the wall clock (adjtimex(2)): shards' windows line up only as well as
// their clocks do.
struct ClockState {
  bool known = false;         // adjtimex answered
  bool synchronised = false;  // not TIME_ERROR: an NTP/PTP daemon keeps the clock disciplined
  int64_t est_error_us = 0;   // the kernel's estimated error
  int64_t max_error_us = 0;   // its bound on the error
};
ClockState read_clock_state();
std::string host_name();  // gethostname(2); "" when it fails

struct Source {
  std::string host;
  double start_wall = 0;  // unix seconds: the measured window's start (the actual one)
  double end_wall = 0;    // and its end
  ClockState clock;
  // This source's verdict and machine samples (one per measured second) as JSON text, when the
  // result was read from a file (from_json) or merged: merge() keeps them and never adds them.
  // Empty for the run of this process, whose Result::verdict and Result::client hold them.
  std::string verdict_json;
  std::vector<std::string> client_json;
  double intended_start_wall = 0;  // --start-at (0: not given)
  Shard shard{};                   // --shard (0/1: the whole run)
};

}  // namespace ringfire
