// --self-check: how fast can ringfire drive a server on this machine? Runs the bundled target
// in-process on some CPUs and a closed-loop run on the others, then prints the client's ceiling
// with both sides' CPU beside it, so a user knows the tool's limit before trusting a number.
#pragma once

#include <atomic>

#include "ringfire/run/config.hpp"

namespace ringfire {

// `base` carries the user's -c/-d/-p/--json if given. Returns the process exit code.
int self_check(RunConfig base, bool connections_given, std::atomic<bool>& stop);

}  // namespace ringfire
