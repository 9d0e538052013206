// HTTP/2 in the one worker (--h2c): the same connections, ring, sends, receives and ledger as
// HTTP/1.1; what differs is framed here. A request is one stream; the ledger matches a response
// by its stream id (RequestLedger::front), because streams end in any order. Closed loop: each
// connection keeps --streams streams open (fewer if the server allows fewer).
#include <algorithm>

#include "ringfire/engine/worker.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

// Converts the mix once: every label's every variant becomes nghttp2's name/value pairs.
template <Transport T>
bool BasicWorker<T>::h2_setup() {
  if (mix_.has_patches()) {
    result_.error = "--h2c: {seq} templates are not sent over HTTP/2 yet";
    return false;
  }
  h2_ = std::make_unique<WorkerH2>();
  h2_->settings = {config_.streams, config_.window_bits};
  h2_->sessions = std::make_unique<H2Session[]>(plan_.connections);
  h2_->requests.resize(mix_.labels());
  for (uint16_t l = 0; l < mix_.labels(); ++l) {
    h2_->requests[l].resize(mix_.variants(l));
    for (uint32_t v = 0; v < mix_.variants(l); ++v) {
      if (!to_h2_request(mix_.bytes({l, v}), "http", h2_->requests[l][v])) {
        result_.error = "--h2c: label '" + mix_.label(l) + "' is not a request HTTP/2 can carry";
        return false;
      }
    }
  }
  result_.http2.enabled = true;
  result_.http2.streams_asked = config_.streams;
  result_.http2.streams_allowed = config_.streams;
  return true;
}

// Opens streams while the connection has room (closed loop), then hands what nghttp2 queued
// (requests, SETTINGS ACKs, WINDOW_UPDATEs) to the one send path. One send at a time per
// connection: while one is in the kernel, on_send() calls back here when it completes.
template <Transport T>
void BasicWorker<T>::h2_fill(uint32_t id) {
  Connection& c = conns_[id];
  if (c.state != State::kOpen || c.send_busy) return;
  H2Session& s = h2_->sessions[id];
  if (!open_loop_ && !stopping()) {
    const bool measured = measuring();
    while (s.can_submit() && ledger_.take_budget(1, measured) != 0) {
      const RequestMix::Pick pick = static_requests_ ? RequestMix::Pick{0, 0} : mix_.pick();
      const H2Request& r = h2_->requests[pick.label][pick.variant];
      const int32_t stream = s.submit(r);
      const QueuedRequest q{pick.label, static_cast<uint32_t>(r.http_bytes)};
      ledger_.queue(id, 1, 0, measured, measured && plan_.limited, now_, &q);
      if (stream <= 0) {  // nghttp2 refused it (stream ids spent): the connection must go
        fail_and_reopen(id, ErrorClass::kProtocol);
        return;
      }
      ledger_.tag_newest(id, static_cast<uint32_t>(stream));
    }
  }
  const std::span<const char> out = s.output();
  if (s.terminated()) [[unlikely]] {
    // nghttp2 found a connection error in what the server sent and ended the session: its
    // streams will never end by themselves, so they fail now, by class, not by timeout.
    result_.http2.protocol_errors++;
    fail_and_reopen(id, ErrorClass::kProtocol);
    return;
  }
  if (!out.empty()) send_wire(id, out);
}

// Server bytes, in place in the kernel's buffer. Returns the HTTP bytes (headers and bodies of
// the responses that ended here).
template <Transport T>
uint64_t BasicWorker<T>::h2_receive(uint32_t id, const char* data, size_t len) {
  H2Session& s = h2_->sessions[id];
  const uint32_t generation = conns_[id].generation;
  const bool ok = s.receive({data, len});
  H2Stats& stats = result_.http2;
  if (s.take_goaway()) stats.goaways[H2Stats::slot(s.goaway_code())]++;
  const uint32_t allowed = std::min(config_.streams, s.remote_max_streams());
  if (allowed < stats.streams_allowed) stats.streams_allowed = allowed;
  uint64_t http = 0;
  for (const H2Event& e : s.events()) {
    http += e.response_bytes;
    h2_event(id, e);
    if (conns_[id].generation != generation) return http;  // closed: the rest is moot
  }
  s.events().clear();
  if (!ok) {  // a protocol error: every stream still open fails with it
    stats.protocol_errors++;
    fail_and_reopen(id, ErrorClass::kProtocol);
    return http;
  }
  if (s.goaway_received() && ledger_.outstanding(id) == 0) {
    // The server said it takes no more streams (nginx after keepalive_requests sends NO_ERROR),
    // and every stream it took has ended: the connection is replaced, which is no error.
    ledger_.server_closed(now_);
    reopen(id);
    return http;
  }
  follow_deadline(id);
  h2_fill(id);
  return http;
}

// One stream ended: its request completes or fails, matched by stream id.
template <Transport T>
void BasicWorker<T>::h2_event(uint32_t id, const H2Event& e) {
  const auto stream = static_cast<uint32_t>(e.stream);
  switch (e.kind) {
    case H2Event::Kind::kResponse:
      if (!ledger_.front(id, stream)) {  // a response needs a stamped request (bytes sent)
        fail_and_reopen(id, ErrorClass::kUnsolicited);
        return;
      }
      ledger_.complete(id, e.status, e.body_bytes, e.response_bytes, now_);
      ++conns_[id].responses;
      return;
    case H2Event::Kind::kReset:
      result_.http2.resets[H2Stats::slot(e.code)]++;
      ledger_.fail_stream(id, stream, ErrorClass::kStreamReset, now_);
      return;
    case H2Event::Kind::kNotProcessed:
      // Refused before or after its bytes left (nghttp2 also ends queued streams this way).
      ledger_.fail_stream(id, stream, ErrorClass::kNotProcessed, now_);
      return;
  }
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
template bool BasicWorker<PlainTcp>::h2_setup();
template void BasicWorker<PlainTcp>::h2_fill(uint32_t id);
template uint64_t BasicWorker<PlainTcp>::h2_receive(uint32_t id, const char* data, size_t len);
template void BasicWorker<PlainTcp>::h2_event(uint32_t id, const H2Event& e);
#endif

}  // namespace ringfire
