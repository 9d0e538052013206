// TLS over the ring: OpenSSL with memory BIOs. The ring still moves every byte; this transport
// only turns wire bytes into HTTP bytes and back, in memory:
//
//   receive buffer ──open()──► BIO pair ──SSL_read──► slot's plaintext buffer ──► parser
//   request bytes ──seal()──► SSL_write ──► BIO pair ──► slot's output buffer ──► one send
//
// Per worker: one SSL_CTX (its options, the system or --cacert trust store, the session cache of
// one newest session) and a pool of slots, one per connection, made at set-up. A slot holds the
// connection's SSL and BIO pair (made per connection: OpenSSL allocates per handshake anyway, and
// SSL_clear would carry the last session into a handshake meant to be full), a plaintext buffer
// for SSL_read and the output buffer the worker's send reads from. After set-up nothing here
// allocates per request: a record is decrypted into the slot's buffer and encrypted into its
// output buffer. docs/architecture.md says what a connection costs.
//
// The worker keeps one send in the kernel per connection (send_busy): handshake_output() hands
// over every byte the slot has produced and not yet handed, sent() tells the slot the kernel is
// done with them, so the output buffer starts over at its beginning.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ringfire/metrics/tls_stats.hpp"
#include "ringfire/net/tls_options.hpp"
#include "ringfire/net/transport.hpp"

// OpenSSL's types, declared here so that the worker's files need none of its headers.
struct ssl_st;
struct ssl_ctx_st;
struct bio_st;
struct ssl_session_st;

namespace ringfire {

class TlsTransport {
 public:
  static constexpr const char* kName = "tls";
  static constexpr bool kIdentity = false;
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  struct Session {
    uint32_t slot = kNoSlot;  // index into the worker's pool; kNoSlot between connections
  };
  // Client or server: which side of the handshake the slots take (ringfire-target serves).
  enum class Role : uint8_t { kClient, kServer };

  TlsTransport();
  ~TlsTransport();
  TlsTransport(const TlsTransport&) = delete;
  TlsTransport& operator=(const TlsTransport&) = delete;

  // Set-up, once per worker, before any connection: the context and `slots` slots, each able to
  // hold `max_plain_out` bytes of HTTP sealed at once (a batch of requests) besides a handshake
  // flight. `host`: the URL's host (SNI and the name verified unless options.sni). False with a
  // one-line `error` (a certificate file that does not load, a cipher list OpenSSL refuses).
  bool init(const TlsOptions& options, const std::string& host, uint32_t slots,
            size_t max_plain_out, std::string& error, Role role = Role::kClient);

  // TCP is up: a slot, a fresh SSL, maybe a cached session (--tls-resume), the first flight.
  TransportStep start(Session& s);
  // Incoming wire bytes: fed to OpenSSL; every plaintext byte is passed to `deliver` (which may
  // close the connection: then the slot is released when this returns and nothing more is read).
  template <class Deliver>
  TransportStep open(Session& s, std::span<const char> wire, Deliver&& deliver) {
    const uint32_t slot = s.slot;
    if (slot == kNoSlot) return TransportStep::kFailed;
    begin_open(slot);
    for (;;) {
      std::span<const char> plain;
      const Pump p = pump(slot, wire, plain);
      if (p != Pump::kData) {
        end_open(slot);
        return p == Pump::kReady         ? TransportStep::kReady
               : p == Pump::kHandshaking ? TransportStep::kHandshaking
                                         : TransportStep::kFailed;
      }
      deliver(plain);
      if (released_in_open(slot)) return end_open(slot), TransportStep::kReady;
    }
  }
  // Outgoing HTTP bytes, encrypted into the slot's output buffer. Returns the records written
  // (the worker sends what handshake_output() hands over); empty when they did not fit.
  std::span<const char> seal(Session& s, std::span<const char> http);
  // Every byte produced and not yet handed to the kernel (handshake flights, records, alerts).
  std::span<const char> handshake_output(Session& s);
  // The send of what handshake_output() handed over completed.
  void sent(Session& s);
  // Whether the slot failed in seal() (no room): the connection is given up.
  bool broken(const Session& s) const;
  // The handshake completed `latency_ns` after the TCP connect was queued: counted full or
  // resumed, with what was negotiated.
  void established(Session& s, uint64_t latency_ns);
  // The handshake ended without OpenSSL's word: the server closed, or --timeout ran out.
  void aborted(Session& s, TlsFailure why);
  // The connection closed: its slot goes back to the pool.
  void reset(Session& s);

  const TlsStats& stats() const { return stats_; }
  // The bytes one slot holds besides OpenSSL's own (for the memory note in the docs).
  size_t slot_bytes() const { return plain_cap_ + out_cap_; }

  // OpenSSL's callbacks reach the transport through these (tls_callbacks.cpp).
  void keep_session(ssl_session_st* session);  // the newest session from a handshake or ticket
  void alert_received(ssl_st* ssl, const char* description);

 private:
  enum class Pump : uint8_t { kData, kReady, kHandshaking, kFailed };
  struct Slot {
    ssl_st* ssl = nullptr;
    bio_st* net = nullptr;        // our end of the BIO pair (OpenSSL's end belongs to the SSL)
    size_t out_len = 0;           // bytes in the output buffer
    size_t out_handed = 0;        // of those, handed to the kernel
    const char* alert = nullptr;  // a fatal alert the peer sent (its description)
    bool handshake_done = false;
    bool offered = false;          // this handshake offered a cached session
    bool in_open = false;          // open() is running on this slot
    bool release_pending = false;  // reset() came while open() ran
    bool broken = false;
  };

  Pump pump(uint32_t slot, std::span<const char>& wire, std::span<const char>& plain);
  void begin_open(uint32_t slot) { slots_[slot].in_open = true; }
  void end_open(uint32_t slot);
  bool released_in_open(uint32_t slot) const { return slots_[slot].release_pending; }
  bool drain(Slot& slot);  // moves what the SSL wrote into the output buffer; false: no room
  void release(uint32_t slot);
  void fail(Slot& slot, TlsFailure why, const std::string& detail);
  void classify_failure(Slot& slot);
  char* out_buffer(uint32_t slot) { return &memory_[slot * (plain_cap_ + out_cap_) + plain_cap_]; }
  char* plain_buffer(uint32_t slot) { return &memory_[slot * (plain_cap_ + out_cap_)]; }

  ssl_ctx_st* ctx_ = nullptr;
  Role role_ = Role::kClient;
  std::string server_name_;  // SNI and the verified name ("" for an IP address: no SNI)
  bool verify_ = true;
  bool ip_host_ = false;
  double resume_ = 1;
  double resume_credit_ = 0;  // error diffusion: offers owed to --tls-resume's share
  ssl_session_st* cached_ = nullptr;
  int keylog_fd_ = -1;
  size_t plain_cap_ = 0;
  size_t out_cap_ = 0;
  // Every slot's plaintext and output buffers, reserved at init and left untouched (not zeroed):
  // the pages of a slot no connection ever used cost nothing (ringfire-target reserves many).
  std::unique_ptr<char[]> memory_;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  TlsStats stats_;

  friend struct TlsCallbacks;
};
static_assert(Transport<TlsTransport>);

}  // namespace ringfire
