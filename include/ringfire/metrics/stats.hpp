// Counters of one worker (or of the whole run, after merging), and the per-second series.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "ringfire/metrics/histogram.hpp"

namespace ringfire {

// Room for every ParseError value (http/http_parser.hpp; the ledger, which sees both, checks it).
inline constexpr size_t kParseErrorSlots = 32;

// Why a request failed. Every class counts the requests that ended that way (see
// RequestLedger::fail); the connection is closed and reopened. A failed connection *attempt* is
// no request: it is counted apart, by cause (ConnectFailure, Counters::connect_failures).
enum class ErrorClass : uint8_t {
  kRead,         // receive failed (ECONNRESET, ...) with requests outstanding
  kWrite,        // send failed or was short
  kTimeout,      // no complete response within --timeout of the send
  kParse,        // the response was malformed (Counters::parse_errors says why)
  kClosed,       // the server closed the connection with requests outstanding, unannounced
  kUnsolicited,  // queued behind bytes that answered no request: the stream lost its order
  kAfterClose,   // pipelined behind a response that announced Connection: close; never answered
  // A complete response that its label's `expect` (expect.hpp) refuses: the request failed, the
  // protocol did not (the connection stays open, and the response counts as an answer for -n).
  kUnexpectedStatus,
  kUnexpectedBodySize,
  // HTTP/2 (http2/h2_session.hpp): one stream ends, the connection may go on.
  kNotProcessed,  // above a GOAWAY's last-stream-id: never processed, safe to send again
  kStreamReset,   // the server reset the stream (RST_STREAM; H2Stats counts the codes)
  kProtocol,      // the connection broke the protocol (bad frame, HPACK, flood): all its streams
  kCount,  // not a class: how many there are (the name table in stats.cpp is checked against it)
};
inline constexpr size_t kErrorClasses = static_cast<size_t>(ErrorClass::kCount);
const char* to_string(ErrorClass e);  // the JSON key: "timeout"
// The JSON key of the connect errors, beside the classes' keys in "errors".
inline constexpr const char* kConnectErrorsKey = "connect";

// Why a connection attempt failed, from its errno.
enum class ConnectFailure : uint8_t {
  kRefused,       // ECONNREFUSED
  kTimedOut,      // ETIMEDOUT, or ringfire's own connect timeout (--timeout)
  kNoLocalPort,   // EADDRNOTAVAIL: every local port to that destination is taken
  kTooManyFiles,  // EMFILE / ENFILE from socket() or the ring's direct socket
  kUnreachable,   // ENETUNREACH / EHOSTUNREACH
  kReset,         // ECONNRESET
  kHandshake,     // the transport's handshake failed or timed out (net/transport.hpp)
  kOther,
  kCount,  // not a cause: how many there are (the tables in stats.cpp are checked against it)
};
inline constexpr size_t kConnectFailures = static_cast<size_t>(ConnectFailure::kCount);
ConnectFailure connect_failure_of(int err);  // err: a positive errno
const char* to_string(ConnectFailure f);     // the errno's name: "EADDRNOTAVAIL"
const char* meaning(ConnectFailure f);       // one phrase: "no free local port"

struct Counters {
  uint64_t sent = 0;                             // requests handed to the kernel
  uint64_t completed = 0;                        // complete responses, any status
  std::array<uint64_t, 6> status{};              // by class: [1]=1xx.. [5]=5xx, [0]=other (600-999)
  std::array<uint64_t, kErrorClasses> errors{};  // failed requests by class
  // Parse errors by reason, indexed by ParseError (events: each also failed >= 1 request).
  std::array<uint64_t, kParseErrorSlots> parse_errors{};
  // Failed connection attempts (not requests) by cause, indexed by ConnectFailure.
  std::array<uint64_t, kConnectFailures> connect_failures{};
  uint64_t unsolicited = 0;     // responses (or junk) that arrived with no request to answer
  uint64_t in_flight = 0;       // sent, neither completed nor failed when the run stopped
  uint64_t bytes_sent = 0;      // wire bytes: what crossed the socket
  uint64_t bytes_received = 0;  // wire bytes
  // HTTP bytes: the requests as rendered, and what the response parser consumed. Equal to the
  // wire bytes on plain TCP; apart once a transport frames them (TLS, HTTP/2).
  uint64_t http_bytes_sent = 0;
  uint64_t http_bytes_received = 0;
  uint64_t connects = 0;     // successful connections (first and re-connections)
  uint64_t peer_closes = 0;  // connections the server closed after a response: announced
                             // (Connection: close) or between responses (not errors)

  // Requests that failed, of every class.
  uint64_t failed() const {
    uint64_t n = 0;
    for (const uint64_t e : errors) n += e;
    return n;
  }
  uint64_t error(ErrorClass e) const { return errors[static_cast<size_t>(e)]; }
  // Failed requests that are errors: all but the HTTP/2 streams a GOAWAY left unprocessed (the
  // server never saw them; they end, safe to send again, and -n sends them again). What the
  // `errors` threshold and the error rates count.
  uint64_t errors_total() const { return failed() - error(ErrorClass::kNotProcessed); }
  // Failed connection attempts, of every cause.
  uint64_t connect_errors() const {
    uint64_t n = 0;
    for (const uint64_t f : connect_failures) n += f;
    return n;
  }
  // Complete responses, whether or not their label's expect accepted them (what -n counts).
  uint64_t answered() const {
    return completed + error(ErrorClass::kUnexpectedStatus) +
           error(ErrorClass::kUnexpectedBodySize);
  }
  // The cause with the most connect errors (kOther when there were none).
  ConnectFailure dominant_connect_failure() const;
  // The accounting identity (docs/architecture.md, invariant 1).
  bool balanced() const { return sent == completed + failed() + in_flight; }
  void add(const Counters& o);
};

// One second of the measured run, as recorded by one worker (summed over workers when merged).
struct SecondStats {
  uint64_t sent = 0;
  uint64_t completed = 0;
  uint64_t errors = 0;  // failed requests (not connect attempts)
  uint64_t connect_errors = 0;
  uint64_t connects = 0;  // connections opened (first and re-connections)
  uint64_t bytes_received = 0;
  uint64_t open_connections = 0;  // at the end of the second (summed over workers)
  uint64_t late = 0;              // open loop: sent more than 1 ms after the intended time
  uint64_t lag_max = 0;           // open loop: largest send lag (ns); max over workers
  // Latency of the responses completed in this second, as the non-empty buckets of a Histogram
  // (index, count) sorted by index: sparse, so a long run stays small, and exact when merged.
  std::vector<std::pair<uint32_t, uint64_t>> latency;

  void add(const SecondStats& o);
};

}  // namespace ringfire
