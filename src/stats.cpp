#include "ringfire/stats.hpp"

#include <algorithm>

namespace ringfire {

const char* to_string(ErrorClass e) {
  switch (e) {
    case ErrorClass::kConnect:
      return "connect";
    case ErrorClass::kRead:
      return "read";
    case ErrorClass::kWrite:
      return "write";
    case ErrorClass::kTimeout:
      return "timeout";
    case ErrorClass::kParse:
      return "parse";
    case ErrorClass::kClosed:
      return "closed";
    case ErrorClass::kUnsolicited:
      return "unsolicited";
    case ErrorClass::kAfterClose:
      return "after_close";
  }
  return "?";
}

void Counters::add(const Counters& o) {
  sent += o.sent;
  completed += o.completed;
  for (size_t i = 0; i < status.size(); ++i) status[i] += o.status[i];
  for (size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
  for (size_t i = 0; i < parse_errors.size(); ++i) parse_errors[i] += o.parse_errors[i];
  unsolicited += o.unsolicited;
  in_flight += o.in_flight;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  connects += o.connects;
  peer_closes += o.peer_closes;
}

void SecondStats::add(const SecondStats& o) {
  sent += o.sent;
  completed += o.completed;
  errors += o.errors;
  connect_errors += o.connect_errors;
  bytes_received += o.bytes_received;
  open_connections += o.open_connections;
  late += o.late;
  lag_max = std::max(lag_max, o.lag_max);
  latency.insert(latency.end(), o.latency.begin(), o.latency.end());
}

}  // namespace ringfire
