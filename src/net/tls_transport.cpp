// TlsTransport's per-connection work: a slot's SSL at connect, the bytes through its BIO pair,
// what a handshake negotiated and why one failed. Set-up and OpenSSL's callbacks are in
// tls_context.cpp.
#include "ringfire/net/tls_transport.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstring>

namespace ringfire {

namespace {

// Each direction of the BIO pair holds one whole record and its header: a record the server
// sends goes in at once, and SSL_write's record comes out at once.
constexpr size_t kBioBytes = 17 * 1024;

void count(NameCounts& counts, const char* name) {
  if (name == nullptr) name = "none";
  const auto it = counts.find(std::string_view(name));
  if (it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(name, 1);  // a name's first handshake: the only insertion
  }
}

}  // namespace

TransportStep TlsTransport::start(Session& s) {
  if (s.slot != kNoSlot) reset(s);
  if (free_.empty()) return TransportStep::kFailed;
  const uint32_t index = free_.back();
  free_.pop_back();
  s.slot = index;
  Slot& slot = slots_[index];
  slot = Slot{};
  slot.ssl = SSL_new(ctx_);
  bio_st* inner = nullptr;
  if (slot.ssl == nullptr || BIO_new_bio_pair(&inner, kBioBytes, &slot.net, kBioBytes) != 1) {
    fail(slot, TlsFailure::kProtocol, "out of memory");
    return TransportStep::kFailed;
  }
  SSL_set_bio(slot.ssl, inner, inner);
  SSL_set_app_data(slot.ssl, &slot);
  if (role_ == Role::kServer) {
    SSL_set_accept_state(slot.ssl);
    return TransportStep::kHandshaking;  // the client speaks first
  }
  SSL_set_connect_state(slot.ssl);
  if (!ip_host_ && !server_name_.empty()) SSL_set_tlsext_host_name(slot.ssl, server_name_.c_str());
  if (verify_) {
    if (ip_host_) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(slot.ssl), server_name_.c_str());
    } else {
      SSL_set1_host(slot.ssl, server_name_.c_str());
    }
  }
  // --tls-resume: error diffusion. Each handshake earns `resume_` of an offer; an offer is made
  // when a whole one is owed and a session is cached, so over the run the share of handshakes
  // that offer is exactly the ratio (a handshake that had no session to offer leaves its credit
  // to the next).
  resume_credit_ += resume_;
  if (resume_credit_ >= 1 && cached_ != nullptr) {
    resume_credit_ -= 1;
    SSL_set_session(slot.ssl, cached_);
    slot.offered = true;
    ++stats_.offered;
  }
  std::span<const char> none;
  std::span<const char> plain;
  return pump(index, none, plain) == Pump::kFailed ? TransportStep::kFailed
                                                   : TransportStep::kHandshaking;
}

// Feeds `wire` into the BIO pair as it fits, drives the handshake, then reads records: kData with
// `plain` when a record's plaintext is ready (call again for more), else where the slot stands
// once every wire byte went in.
TlsTransport::Pump TlsTransport::pump(uint32_t index, std::span<const char>& wire,
                                      std::span<const char>& plain) {
  Slot& slot = slots_[index];
  for (;;) {
    if (!wire.empty()) {
      const int n = BIO_write(slot.net, wire.data(), static_cast<int>(wire.size()));
      if (n > 0) wire = wire.subspan(static_cast<size_t>(n));
    }
    int r;
    if (!slot.handshake_done) {
      r = SSL_do_handshake(slot.ssl);
      if (r == 1) {
        slot.handshake_done = true;
        if (!drain(slot)) return Pump::kFailed;
        continue;  // records may follow the handshake in the same bytes
      }
    } else {
      r = SSL_read(slot.ssl, plain_buffer(index), static_cast<int>(plain_cap_));
      if (r > 0) {
        if (!drain(slot)) return Pump::kFailed;  // a KeyUpdate answered, a ticket acknowledged
        plain = {plain_buffer(index), static_cast<size_t>(r)};
        return Pump::kData;
      }
    }
    const int e = SSL_get_error(slot.ssl, r);
    if (!drain(slot)) return Pump::kFailed;
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
      if (!wire.empty()) continue;  // the BIO was full: more wire bytes go in now
      return slot.handshake_done ? Pump::kReady : Pump::kHandshaking;
    }
    if (e == SSL_ERROR_ZERO_RETURN) {
      ERR_clear_error();
      return Pump::kReady;  // close_notify: the TCP close that follows ends the connection
    }
    if (!slot.handshake_done) classify_failure(slot);
    ERR_clear_error();
    return Pump::kFailed;
  }
}

// Moves what OpenSSL wrote into the BIO pair to the end of the slot's output buffer, compacting
// the bytes already handed to the kernel away once it has them all. False when it does not fit.
bool TlsTransport::drain(Slot& slot) {
  char* out = out_buffer(static_cast<uint32_t>(&slot - slots_.data()));
  for (;;) {
    const size_t pending = BIO_ctrl_pending(slot.net);
    if (pending == 0) return true;
    if (slot.out_len == out_cap_) {
      slot.broken = true;
      return false;
    }
    const int n = BIO_read(slot.net, out + slot.out_len, static_cast<int>(out_cap_ - slot.out_len));
    if (n <= 0) return true;
    slot.out_len += static_cast<size_t>(n);
  }
}

std::span<const char> TlsTransport::seal(Session& s, std::span<const char> http) {
  if (s.slot == kNoSlot) return {};
  Slot& slot = slots_[s.slot];
  const size_t before = slot.out_len;
  while (!http.empty()) {
    const int n = SSL_write(slot.ssl, http.data(), static_cast<int>(http.size()));
    if (n > 0) http = http.subspan(static_cast<size_t>(n));
    const size_t had = slot.out_len;
    if (!drain(slot)) return {};
    if (n <= 0) {
      const int e = SSL_get_error(slot.ssl, n);
      if (e != SSL_ERROR_WANT_WRITE || slot.out_len == had) {
        ERR_clear_error();
        slot.broken = true;
        return {};
      }
    }
  }
  return {out_buffer(s.slot) + before, slot.out_len - before};
}

std::span<const char> TlsTransport::handshake_output(Session& s) {
  if (s.slot == kNoSlot) return {};
  Slot& slot = slots_[s.slot];
  const std::span<const char> out{out_buffer(s.slot) + slot.out_handed,
                                  slot.out_len - slot.out_handed};
  slot.out_handed = slot.out_len;
  return out;
}

void TlsTransport::sent(Session& s) {
  if (s.slot == kNoSlot) return;
  Slot& slot = slots_[s.slot];
  // The kernel has every byte handed so far: what was written since moves to the front.
  const size_t rest = slot.out_len - slot.out_handed;
  if (rest != 0) std::memmove(out_buffer(s.slot), out_buffer(s.slot) + slot.out_handed, rest);
  slot.out_len = rest;
  slot.out_handed = 0;
}

bool TlsTransport::broken(const Session& s) const {
  return s.slot != kNoSlot && slots_[s.slot].broken;
}

void TlsTransport::established(Session& s, uint64_t latency_ns) {
  if (s.slot == kNoSlot) return;
  SSL* ssl = slots_[s.slot].ssl;
  if (SSL_session_reused(ssl) != 0) {
    ++stats_.resumed;
    stats_.resumed_latency.record(latency_ns);
  } else {
    ++stats_.full;
    stats_.full_latency.record(latency_ns);
  }
  count(stats_.protocols, SSL_get_version(ssl));
  count(stats_.ciphers, SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
  const auto group = static_cast<int>(SSL_get_negotiated_group(ssl));
  count(stats_.groups, group != 0 ? SSL_group_to_name(ssl, group) : nullptr);
}

void TlsTransport::aborted(Session& s, TlsFailure why) {
  if (s.slot == kNoSlot) return;
  fail(slots_[s.slot], why,
       why == TlsFailure::kTimeout ? "no handshake within --timeout"
                                   : "the server closed the connection during the handshake");
}

// OpenSSL refused the handshake: the certificate, an alert the server sent, or anything else.
void TlsTransport::classify_failure(Slot& slot) {
  if (verify_ && role_ == Role::kClient) {
    const long v = SSL_get_verify_result(slot.ssl);
    if (v != X509_V_OK) {
      fail(slot, TlsFailure::kVerify,
           std::string("certificate verify failed: ") + X509_verify_cert_error_string(v));
      return;
    }
  }
  if (slot.alert != nullptr) {
    fail(slot, TlsFailure::kAlert, std::string("alert received: ") + slot.alert);
    return;
  }
  const unsigned long e = ERR_peek_last_error();
  const char* reason = e != 0 ? ERR_reason_error_string(e) : nullptr;
  fail(slot, TlsFailure::kProtocol,
       std::string("protocol error: ") + (reason != nullptr ? reason : "unexpected bytes"));
}

void TlsTransport::fail(Slot& slot, TlsFailure why, const std::string& detail) {
  (void)slot;
  ++stats_.failed[static_cast<size_t>(why)];
  count(stats_.failures, detail.c_str());
}

void TlsTransport::reset(Session& s) {
  if (s.slot == kNoSlot) return;
  const uint32_t index = s.slot;
  s.slot = kNoSlot;
  if (slots_[index].in_open) {
    slots_[index].release_pending = true;  // open() is still reading it: released as it returns
    return;
  }
  release(index);
}

void TlsTransport::end_open(uint32_t index) {
  Slot& slot = slots_[index];
  slot.in_open = false;
  if (slot.release_pending) release(index);
}

void TlsTransport::release(uint32_t index) {
  Slot& slot = slots_[index];
  if (slot.ssl != nullptr) {
    // A connection freed without a shutdown makes OpenSSL mark its session not resumable (the
    // very session the cache keeps). A quiet shutdown only sets the flag: nothing is sent, the
    // socket is the worker's to close.
    SSL_set_quiet_shutdown(slot.ssl, 1);
    if (slot.handshake_done) SSL_shutdown(slot.ssl);
    ERR_clear_error();
    SSL_free(slot.ssl);  // frees OpenSSL's end of the pair too
  }
  if (slot.net != nullptr) BIO_free(slot.net);
  slot = Slot{};
  free_.push_back(index);
}

}  // namespace ringfire
