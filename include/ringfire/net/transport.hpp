// The transport: what stands between a connection's socket and the HTTP bytes above it, the same
// seam for the load generator's worker and the bundled server.
//
//   TCP connected ──start()──► handshaking ──(wire bytes both ways)──► ready
//   outgoing HTTP bytes ──seal()──► wire bytes         incoming wire bytes ──open()──► HTTP bytes
//
// A transport is a type with the members of PlainTcp (the Transport concept below checks them).
// The worker is compiled once per transport (BasicWorker<T>, engine/worker.hpp) and the run picks
// the instantiation once, so the choice costs nothing per byte: with PlainTcp every call below is
// an inline identity the compiler removes (docs/performance.md has the instructions per response).
//
// Who does what: the ring moves every byte, in both directions, as it does for plain TCP; a
// transport only transforms bytes in memory (TLS with memory BIOs, HTTP/2 framing), never calls
// the socket itself. Its per-connection state is its Session, which lives in the worker's
// Connection (so it must stay small: a pointer into a per-worker pool when it is not).
// A transport that needs a descriptor (kTLS hands keys to the kernel with setsockopt(TCP_ULP)):
// the worker's non-direct socket path gives one (socket() + the fixed-file table, as --source-ip
// does); see docs/architecture.md, "The transport seam".
#pragma once

#include <concepts>
#include <cstdint>
#include <span>

namespace ringfire {

// Where a connection stands after the transport looked at it.
enum class TransportStep : uint8_t {
  kReady,        // carries HTTP from here on
  kHandshaking,  // wire bytes must go back and forth first (handshake_output() has the next)
  kFailed,       // the handshake failed; the connection is given up (a connect error by class)
};

template <class T>
concept Transport = requires(T t, typename T::Session& s, std::span<const char> bytes) {
  { T::kName } -> std::convertible_to<const char*>;
  { T::kIdentity } -> std::convertible_to<bool>;
  { t.start(s) } -> std::same_as<TransportStep>;
  { t.seal(s, bytes) } -> std::same_as<std::span<const char>>;
  { t.handshake_output(s) } -> std::same_as<std::span<const char>>;
  t.reset(s);
};

// Plain TCP: the identity. Wire bytes are the HTTP bytes, handed over in place (the kernel's
// receive buffer goes to the parser as it is; the preformatted request goes to the kernel as it
// is).
class PlainTcp {
 public:
  static constexpr const char* kName = "tcp";
  static constexpr bool kIdentity =
      true;           // wire bytes == HTTP bytes: nothing copied, nothing added
  struct Session {};  // nothing per connection

  // The TCP connect completed: nothing to negotiate.
  TransportStep start(Session&) { return TransportStep::kReady; }
  // Incoming wire bytes, as the kernel wrote them: every one is an HTTP byte, delivered in place.
  template <class Deliver>
  TransportStep open(Session&, std::span<const char> wire, Deliver&& deliver) {
    deliver(wire);
    return TransportStep::kReady;
  }
  // Outgoing HTTP bytes: the wire bytes are the same memory.
  std::span<const char> seal(Session&, std::span<const char> http) { return http; }
  // Bytes the handshake wants sent: none.
  std::span<const char> handshake_output(Session&) { return {}; }
  // The connection closed: nothing to forget.
  void reset(Session&) {}
};
static_assert(Transport<PlainTcp>);

}  // namespace ringfire
