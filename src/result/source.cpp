// Where and how well-timed a source measured: its host name and its clock's state.
#include <sys/timex.h>
#include <unistd.h>

#include <climits>

#include "ringfire/result/source.hpp"

namespace ringfire {

ClockState read_clock_state() {
  ClockState s;
  timex tx{};  // modes 0: read only
  const int state = adjtimex(&tx);
  if (state == -1) return s;
  s.known = true;
  // TIME_ERROR is what the kernel answers while STA_UNSYNC is set: nothing disciplines the clock.
  s.synchronised = state != TIME_ERROR;
  s.est_error_us = tx.esterror;
  s.max_error_us = tx.maxerror;
  return s;
}

std::string host_name() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return {};
  return name;
}

}  // namespace ringfire
