// The hot loop. One shape, as in liburing's examples: submit and wait (bounded) → walk the
// completions with one dispatch switch → advance the CQ once → expire timers → send what is due.
// What a completion means for the requests is the ledger's business (ledger.hpp); this file only
// moves bytes and drives the connections' state machine. Set-up and the stop are in
// worker_setup.cpp, connection lifecycle in worker_connections.cpp, open-loop dispatch in
// worker_open_loop.cpp.
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "ringfire/base/clock.hpp"
#include "ringfire/engine/worker.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

namespace {
constexpr uint64_t kDispatchQuantumNs = 20'000;  // open loop: shortest sleep between dispatches
constexpr uint64_t kMaxWaitNs = 10'000'000;      // wake at least this often: stop flag, timers
}  // namespace

template <Transport T>
void BasicWorker<T>::loop() {
  while (true) {
    // Every send queued since the last wait goes to the kernel in this submit (stamped by
    // before_submit(), as every submission is).
    if (!wait(now_ns())) return;
    now_ = now_ns();
    if (!measure_started_ && measuring()) {
      measure_started_ = true;
      result_.connections_at_measure_start = ledger_.open_connections();
    }
    reap();
    if (ring_.broken()) {  // a submission forced by a full SQ failed: stop with its one line
      result_.error = ring_.error();
      return;
    }
    timers_.expire(now_, [this](uint32_t id) { on_timer(id); });
    if (done(now_)) return;
    if (open_loop_) dispatch_due();
  }
}

// Submits what is queued and waits for completions. False when the ring is broken.
template <Transport T>
bool BasicWorker<T>::wait(uint64_t now) {
  uint64_t wait = kMaxWaitNs;
  if (marks_.stop_ns != 0) wait = std::min(wait, marks_.stop_ns > now ? marks_.stop_ns - now : 0);
  if (open_loop_ && !ready_.empty()) {
    // Wake for the next due request, but no more often than kDispatchQuantumNs: at high rates
    // one wake-up then sends every request that came due in the quantum (each keeps its own
    // intended time, so the lag this adds is measured and reported, never hidden).
    const uint64_t due_in = pacer_.next() > now ? pacer_.next() - now : 0;
    wait = std::min(wait, std::max(due_in, kDispatchQuantumNs));
  }
  // Batched wait: with many requests in flight, wake for several completions at once (one
  // io_uring_enter per batch instead of per response), but never wait longer than
  // config_.wait_max for the batch to fill: that bound is all the latency a batch can add.
  // With few requests in flight it waits for one completion, as a blocking client would.
  // Half of what is in flight: the server keeps the other half to work on meanwhile; at 100
  // connections that is ~50 completions per io_uring_enter (0.02 syscalls per response).
  unsigned wait_nr = 1;
  if (config_.wait_batch > 1) {
    const uint64_t expected = (ledger_.in_flight() / depth_ + connecting_) / 2;
    wait_nr = static_cast<unsigned>(std::clamp<uint64_t>(expected, 1, config_.wait_batch));
    if (wait_nr > 1) wait = std::min(wait, static_cast<uint64_t>(config_.wait_max.count()));
  }
  submit_now_ = now;  // before_submit() stamps with it: no second clock read
  if (ring_.submit_and_wait(wait_nr, static_cast<long long>(std::max<uint64_t>(wait, 1000))) == 0) {
    return true;
  }
  result_.error = ring_.error();
  return false;
}

// Ring's hook, run before every submission (the loop's, one forced by a full SQ mid-reap, the
// last at the stop): what it hands to the kernel is stamped first, so no request's latency can
// start after its bytes left; and the completions handled so far go back to the kernel, so the
// submission finds room in the CQ for what it brings back.
template <Transport T>
void BasicWorker<T>::before_submit() {
  io_uring_cq_advance(ring_.get(), reaped_ - advanced_);
  advanced_ = reaped_;
  if (!ledger_.has_unstamped()) return;
  const uint64_t now = submit_now_ != 0 ? submit_now_ : now_ns();
  submit_now_ = 0;
  ledger_.stamp(now, [this](uint32_t id, uint64_t sent_ns) {
    if (!timers_.armed(id)) timers_.arm(id, sent_ns + timeout_ns_);
  });
}

template <Transport T>
void BasicWorker<T>::reap() {
  io_uring* ring = ring_.get();
  io_uring_cqe* cqe;
  unsigned head;
  io_uring_for_each_cqe(ring, head, cqe) {
    ++reaped_;  // counted before its handler runs: a submission in it may advance past it
    const uint64_t t = cqe->user_data;
    const uint32_t id = uring_tag::index(t);
    if (id >= conns_.size() || uring_tag::generation(t) != conns_[id].generation) {
      // A completion for a connection closed since: its buffer still goes back to the pool.
      if ((cqe->flags & IORING_CQE_F_BUFFER) != 0) {
        buffers_.recycle(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
      }
      continue;
    }
    switch (uring_tag::op<Op>(t)) {
      case Op::kConnect:
        on_connect(id, cqe->res);
        break;
      case Op::kSend:
        on_send(id, cqe->res);
        break;
      case Op::kRecv:
        on_recv(id, cqe->res, cqe->flags);
        break;
      case Op::kCancel:
        break;  // cancels post a CQE only on failure; nothing to do either way
    }
  }
  io_uring_cq_advance(ring, reaped_ - advanced_);
  buffers_.publish();
  if (reaped_ != 0) {
    ++result_.wakeups;
    result_.cqes += reaped_;
  }
  reaped_ = advanced_ = 0;  // nothing of this reap is left for before_submit() to hand back
}

// ---- requests out ----

// Closed loop: a connection with nothing outstanding sends its next batch.
template <Transport T>
void BasicWorker<T>::maybe_send(uint32_t id) {
  if (h2_) [[unlikely]] {  // HTTP/2: keep --streams streams open, each a request of its own
    h2_fill(id);
    return;
  }
  if (conns_[id].state != State::kOpen || ledger_.outstanding(id) != 0 || stopping()) return;
  const bool measured = measuring();
  const uint32_t n = ledger_.take_budget(depth_, measured);
  if (n == 0) return;  // -n budget spent
  queue_requests(id, 0, n, 0, measured);
  send_requests(id, n);
}

// Enters `n` requests on `id` in the ledger, as entries [first, first + n) of the batch being
// built: each one's label and variant is picked here (a static request needs no pick).
template <Transport T>
void BasicWorker<T>::queue_requests(uint32_t id, uint32_t first, uint32_t n, uint64_t intended,
                                    bool measured) {
  const bool budgeted = measured && plan_.limited;
  if (static_requests_) {
    ledger_.queue(id, n, intended, measured, budgeted, now_);
    return;
  }
  const bool idle = ledger_.outstanding(id) == 0;
  for (uint32_t k = first; k < first + n; ++k) {
    picks_[k] = mix_.pick();
    queued_[k] = {picks_[k].label, static_cast<uint32_t>(mix_.bytes(picks_[k]).size())};
  }
  ledger_.queue(id, n, intended, measured, budgeted, now_, &queued_[first]);
  // The next response answers the oldest request: is it a HEAD's (no body)?
  if (mixed_head_ && idle) conns_[id].parser.set_head_request(mix_.head(picks_[first].label));
}

// The bytes of the batch's first `n` picks: from the pool when they can go as they are, else
// written (with their {seq} values) into the connection's slot.
template <Transport T>
std::span<const char> BasicWorker<T>::write_batch(uint32_t id, uint32_t n) {
  if (static_requests_) return mix_.static_batch(n);
  if (n == 1 && !mix_.needs_patch(picks_[0])) return mix_.bytes(picks_[0]);
  char* slot = &send_slots_[size_t{id} * slot_size_];
  size_t used = 0;
  for (uint32_t k = 0; k < n; ++k) {
    mix_.write(picks_[k], slot + used);
    used += mix_.bytes(picks_[k]).size();
  }
  return {slot, used};
}

// Queues the send of the ledger's newest `n` requests on `id` (the batch's picks).
template <Transport T>
void BasicWorker<T>::send_requests(uint32_t id, uint32_t n) {
  Connection& c = conns_[id];
  if constexpr (T::kIdentity) {
    // The transport turns the HTTP bytes into wire bytes (plain TCP: the same memory).
    send_wire(id, transport_.seal(c.session, write_batch(id, n)));
  } else {
    // The records join what the session has not sent yet (a handshake's last flight); one send
    // carries them, or the next when a send is still in the kernel. A session out of room sends
    // nothing, and the requests end by their timeout.
    transport_.seal(c.session, write_batch(id, n));
    send_handshake(id);
  }
}

// The one send of wire bytes on `id`: requests, or what a transport's handshake wants sent.
template <Transport T>
void BasicWorker<T>::send_wire(uint32_t id, std::span<const char> bytes) {
  Connection& c = conns_[id];
  ledger_.sent_wire(bytes.size(), now_);
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_send(sqe, fixed_files_ ? static_cast<int>(id) : c.fd, bytes.data(), bytes.size(),
                     MSG_NOSIGNAL | MSG_WAITALL);
  sqe->user_data = tag(Op::kSend, id, c.generation);
  if (fixed_files_) sqe->flags |= IOSQE_FIXED_FILE;
  if (skip_send_cqes_) {
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;  // failures still complete
  } else {
    c.send_busy = true;  // the next send on this socket waits for this one's completion
    c.send_bytes = static_cast<uint32_t>(bytes.size());
  }
}

template <Transport T>
void BasicWorker<T>::on_send(uint32_t id, int res) {
  // Only failures arrive here when successful sends skip their CQE. MSG_WAITALL makes io_uring
  // retry short sends (5.18+), so a count short of what was queued means the socket failed.
  Connection& c = conns_[id];
  const bool was_busy = c.send_busy;
  c.send_busy = false;
  if (res < 0 || (was_busy && static_cast<uint32_t>(res) < c.send_bytes)) {
    fail_and_reopen(id, ErrorClass::kWrite);
    return;
  }
  if constexpr (!T::kIdentity) {
    if (was_busy) on_sent(id);
  }
  if (was_busy && open_loop_) mark_ready(id);
  if (h2_) [[unlikely]]
    h2_fill(id);  // what nghttp2 queued while this send was in the kernel
}

// ---- responses in ----

template <Transport T>
void BasicWorker<T>::on_recv(uint32_t id, int res, uint32_t flags) {
  Connection& c = conns_[id];
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if (res > 0) {
    const unsigned bid = flags >> IORING_CQE_BUFFER_SHIFT;
    const uint32_t generation = c.generation;
    // The transport hands the HTTP bytes in the wire bytes to the parser (plain TCP: all of them,
    // in place in the kernel's buffer).
    uint64_t http = 0;
    TransportStep step = TransportStep::kReady;
    if constexpr (T::kIdentity) {
      // Written out for the identity, so that parse() stays inlined in this hot path (the general
      // form below, through a callback, cost 23 instructions per receive).
      if (h2_) [[unlikely]] {  // HTTP/2 frames: out of line, off the HTTP/1.1 path
        http = h2_receive(id, buffers_.data(bid), static_cast<size_t>(res));
      } else {
        http = parse(id, buffers_.data(bid), static_cast<size_t>(res));
      }
    } else {
      step = transport_.open(c.session, {buffers_.data(bid), static_cast<size_t>(res)},
                             [&](std::span<const char> b) {
                               if (c.generation == generation)
                                 http += parse(id, b.data(), b.size());
                             });
    }
    ledger_.received(static_cast<uint64_t>(res), http, now_);
    buffers_.recycle(bid);
    if (c.generation != generation) return;  // closed while parsing; the new socket has its own
    if constexpr (T::kIdentity) {
      if (step != TransportStep::kReady && !on_transport_step(id, step)) return;
    } else {
      // The handshake may have finished in these bytes (kReady while not yet open).
      if ((step != TransportStep::kReady || c.state != State::kOpen) &&
          !on_transport_step(id, step)) {
        return;
      }
      send_handshake(id);  // what reading produced (an answer to a KeyUpdate)
    }
    if (!more) {
      c.recv_armed = false;
      arm_recv(id);
    }
    return;
  }
  on_recv_end(id, res, flags);  // no bytes: the pool ran dry, the peer closed, or an error
}

// Parses HTTP bytes in place; they may hold part of a response or many of them. Returns how many
// the parser consumed (the HTTP bytes received).
template <Transport T>
uint64_t BasicWorker<T>::parse(uint32_t id, const char* data, size_t len) {
  Connection& c = conns_[id];
  uint64_t consumed = 0;
  while (len != 0) {
    const ResponseParser::Result r = c.parser.feed({data, len});
    c.response_bytes += r.consumed;
    consumed += r.consumed;
    data += r.consumed;
    len -= r.consumed;
    if (r.status == ResponseParser::Status::kComplete) {
      if (!on_response(id)) return consumed;
    } else {
      if (r.status == ResponseParser::Status::kError) on_parse_error(id);
      return consumed;
    }
  }
  return consumed;
}

// The parser completed a response on `id`. Returns false when the connection was closed.
template <Transport T>
bool BasicWorker<T>::on_response(uint32_t id) {
  Connection& c = conns_[id];
  const ResponseInfo& info = c.parser.info();
  // A response its label's expect refuses is a failed request, but the stream is intact: the
  // connection goes on as after any other response.
  if (ledger_.complete(id, info.status, info.body_bytes, std::exchange(c.response_bytes, 0),
                       now_) == RequestLedger::Match::kUnsolicited) {
    // No request of ours had reached the kernel: this answers nothing, and what is queued
    // behind it can no longer be matched to its response.
    fail_and_reopen(id, ErrorClass::kUnsolicited);
    return false;
  }
  ++c.responses;
  if (mixed_head_) c.parser.set_head_request(mix_.head(ledger_.oldest_label(id)));
  if (!info.keep_alive) {
    on_announced_close(id);
    return false;
  }
  if (config_.keepalive_requests != 0 && c.responses >= config_.keepalive_requests) {
    return keepalive_spent(id);
  }
  follow_deadline(id);
  if (open_loop_) {
    mark_ready(id);
  } else if (ledger_.outstanding(id) == 0) {
    maybe_send(id);
  }
  return true;
}

// The timeout follows the oldest outstanding request that reached the kernel, lazily: a deadline
// armed for an earlier request is left in place (it can only be earlier than the right one), and
// on_timer() moves it when it fires with a younger request outstanding. That keeps the timer
// wheel out of the per-response path (a disarm and an arm per response, ~60 instructions).
template <Transport T>
void BasicWorker<T>::follow_deadline(uint32_t id) {
  if (timers_.armed(id)) return;
  const uint64_t sent = ledger_.oldest_sent_ns(id);
  if (sent != 0) timers_.arm(id, sent + timeout_ns_);  // nothing stamped: the stamp arms it
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
// The transports this file is compiled for (net/transport.hpp); one line per member.
template void BasicWorker<PlainTcp>::loop();
template bool BasicWorker<PlainTcp>::wait(uint64_t now);
template void BasicWorker<PlainTcp>::reap();
template void BasicWorker<PlainTcp>::before_submit();
template void BasicWorker<PlainTcp>::maybe_send(uint32_t id);
template void BasicWorker<PlainTcp>::queue_requests(uint32_t id, uint32_t first, uint32_t n,
                                                    uint64_t intended, bool measured);
template std::span<const char> BasicWorker<PlainTcp>::write_batch(uint32_t id, uint32_t n);
template void BasicWorker<PlainTcp>::send_requests(uint32_t id, uint32_t n);
template void BasicWorker<PlainTcp>::send_wire(uint32_t id, std::span<const char> bytes);
template void BasicWorker<PlainTcp>::on_send(uint32_t id, int res);
template void BasicWorker<PlainTcp>::on_recv(uint32_t id, int res, uint32_t flags);
template bool BasicWorker<PlainTcp>::on_response(uint32_t id);
template void BasicWorker<PlainTcp>::follow_deadline(uint32_t id);

#endif

}  // namespace ringfire
