#include "ringfire/metrics/stats.hpp"

#include <algorithm>
#include <cerrno>
#include <iterator>

namespace ringfire {

namespace {

// Indexed by the enums; a new enumerator without its name here fails to compile.
constexpr const char* kErrorClassNames[] = {
    "read",
    "write",
    "timeout",
    "parse",
    "closed",
    "unsolicited",
    "after_close",
    "unexpected_status",
    "unexpected_body_size",
    "not_processed",
    "stream_reset",
    "protocol",
};
static_assert(std::size(kErrorClassNames) == kErrorClasses);

constexpr const char* kConnectFailureNames[] = {
    "ECONNREFUSED", "ETIMEDOUT",  "EADDRNOTAVAIL", "EMFILE",
    "EHOSTUNREACH", "ECONNRESET", "handshake",     "other",
};
static_assert(std::size(kConnectFailureNames) == kConnectFailures);

constexpr const char* kConnectFailureMeanings[] = {
    "nothing listens there",
    "no answer within the connect timeout",
    "no free local port",
    "out of open files",
    "no route to the host",
    "reset by the peer",
    "the handshake failed or timed out",
    "another error",
};
static_assert(std::size(kConnectFailureMeanings) == kConnectFailures);

}  // namespace

const char* to_string(ErrorClass e) {
  const auto i = static_cast<size_t>(e);
  return i < kErrorClasses ? kErrorClassNames[i] : "?";
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
    case EPROTO:  // what the worker reports for a failed handshake (kHandshakeFailed)
      return ConnectFailure::kHandshake;
    default:
      return ConnectFailure::kOther;
  }
}

const char* to_string(ConnectFailure f) {
  const auto i = static_cast<size_t>(f);
  return i < kConnectFailures ? kConnectFailureNames[i] : "?";
}

const char* meaning(ConnectFailure f) {
  const auto i = static_cast<size_t>(f);
  return i < kConnectFailures ? kConnectFailureMeanings[i] : "?";
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
  // Both lists are sorted by bucket index (the ledger folds a Histogram in order): merge them,
  // adding the counts of a bucket both hold, so the row stays one entry per bucket.
  std::vector<std::pair<uint32_t, uint64_t>> both;
  both.reserve(latency.size() + o.latency.size());
  size_t i = 0, j = 0;
  while (i < latency.size() || j < o.latency.size()) {
    if (j == o.latency.size() || (i < latency.size() && latency[i].first < o.latency[j].first)) {
      both.push_back(latency[i++]);
    } else if (i == latency.size() || o.latency[j].first < latency[i].first) {
      both.push_back(o.latency[j++]);
    } else {
      both.emplace_back(latency[i].first, latency[i].second + o.latency[j].second);
      ++i;
      ++j;
    }
  }
  latency = std::move(both);
}

}  // namespace ringfire
