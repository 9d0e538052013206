#include "ringfire/metrics/stats.hpp"

#include <algorithm>
#include <cerrno>

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
    case ErrorClass::kUnexpectedStatus:
      return "unexpected_status";
    case ErrorClass::kUnexpectedBodySize:
      return "unexpected_body_size";
  }
  return "?";
}

ConnectFailure connect_failure_of(int err) {
  switch (err) {
    case ECONNREFUSED:
      return ConnectFailure::kRefused;
    case ETIMEDOUT:
      return ConnectFailure::kTimedOut;
    case EADDRNOTAVAIL:
      return ConnectFailure::kNoLocalPort;
    case EMFILE:
    case ENFILE:
      return ConnectFailure::kTooManyFiles;
    case ENETUNREACH:
    case EHOSTUNREACH:
      return ConnectFailure::kUnreachable;
    case ECONNRESET:
      return ConnectFailure::kReset;
    default:
      return ConnectFailure::kOther;
  }
}

const char* to_string(ConnectFailure f) {
  switch (f) {
    case ConnectFailure::kRefused:
      return "ECONNREFUSED";
    case ConnectFailure::kTimedOut:
      return "ETIMEDOUT";
    case ConnectFailure::kNoLocalPort:
      return "EADDRNOTAVAIL";
    case ConnectFailure::kTooManyFiles:
      return "EMFILE";
    case ConnectFailure::kUnreachable:
      return "EHOSTUNREACH";
    case ConnectFailure::kReset:
      return "ECONNRESET";
    case ConnectFailure::kOther:
      return "other";
  }
  return "?";
}

const char* meaning(ConnectFailure f) {
  switch (f) {
    case ConnectFailure::kRefused:
      return "nothing listens there";
    case ConnectFailure::kTimedOut:
      return "no answer within the connect timeout";
    case ConnectFailure::kNoLocalPort:
      return "no free local port";
    case ConnectFailure::kTooManyFiles:
      return "out of open files";
    case ConnectFailure::kUnreachable:
      return "no route to the host";
    case ConnectFailure::kReset:
      return "reset by the peer";
    case ConnectFailure::kOther:
      return "another error";
  }
  return "?";
}

ConnectFailure Counters::dominant_connect_failure() const {
  size_t best = static_cast<size_t>(ConnectFailure::kOther);
  for (size_t i = 0; i < kConnectFailures; ++i) {
    if (connect_failures[i] > connect_failures[best]) best = i;
  }
  return static_cast<ConnectFailure>(best);
}

void Counters::add(const Counters& o) {
  sent += o.sent;
  completed += o.completed;
  for (size_t i = 0; i < status.size(); ++i) status[i] += o.status[i];
  for (size_t i = 0; i < errors.size(); ++i) errors[i] += o.errors[i];
  for (size_t i = 0; i < parse_errors.size(); ++i) parse_errors[i] += o.parse_errors[i];
  for (size_t i = 0; i < kConnectFailures; ++i) connect_failures[i] += o.connect_failures[i];
  unsolicited += o.unsolicited;
  in_flight += o.in_flight;
  bytes_sent += o.bytes_sent;
  bytes_received += o.bytes_received;
  http_bytes_sent += o.http_bytes_sent;
  http_bytes_received += o.http_bytes_received;
  connects += o.connects;
  peer_closes += o.peer_closes;
}

void SecondStats::add(const SecondStats& o) {
  sent += o.sent;
  completed += o.completed;
  errors += o.errors;
  connect_errors += o.connect_errors;
  connects += o.connects;
  bytes_received += o.bytes_received;
  open_connections += o.open_connections;
  late += o.late;
  lag_max = std::max(lag_max, o.lag_max);
  latency.insert(latency.end(), o.latency.begin(), o.latency.end());
}

}  // namespace ringfire
