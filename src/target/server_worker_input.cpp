// ServerWorker: bytes in. A read lands where the transport wants it (plain TCP: the input's free
// tail, where the parser reads; TLS: the wire buffer, opened into the input), and the input makes
// room for what comes.
#include <algorithm>
#include <cstring>
#include <span>

#include "ringfire/target/request_framing.hpp"
#include "ringfire/target/server_worker.hpp"
#include "server_worker_internal.hpp"

namespace ringfire::target {

template <class T>
bool BasicServerWorker<T>::make_input_room(Connection& c) {
  if (c.discard_input) {
    c.in_start = c.in_end = 0;  // everything read now is dropped
    return true;
  }
  const uint32_t unconsumed = c.in_end - c.in_start;
  // Slide unconsumed bytes to the front when the tail gets short; they are at most one partial
  // request, so the copy is small.
  if (c.in_start > 0 && c.in_capacity - c.in_end < 1024) {
    std::memmove(c.in.get(), c.in.get() + c.in_start, unconsumed);
    c.in_start = 0;
    c.in_end = unconsumed;
  }
  if (c.in_end < c.in_capacity) return true;
  // Full of one unfinished header block: grow once to the header limit (rare: large headers).
  if (c.in_start == 0 && c.in_capacity < kMaxRequestHead && c.body_left == 0 &&
      (!answering(c) || !c.queue_full())) {
    auto bigger = std::make_unique<char[]>(kMaxRequestHead);
    std::memcpy(bigger.get(), c.in.get(), c.in_end);
    c.in = std::move(bigger);
    c.in_capacity = kMaxRequestHead;
    return true;
  }
  return false;  // parsing is paused (response queue full): resume after the next send
}

template <class T>
void BasicServerWorker<T>::arm_recv(Connection& c) {
  if (c.recv_inflight || stopping_ || !make_input_room(c)) return;
  const std::span<char> into = recv_buffer(c);
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_recv(sqe, c.fd, into.data(), into.size(), 0);
  io_uring_sqe_set_data64(sqe, tag(Op::kRecv, c));
  c.recv_inflight = true;
}

template <class T>
void BasicServerWorker<T>::on_recv(Connection& c, int res) {
  c.recv_inflight = false;
  if (c.state == ConnState::kClosing) return release_if_idle(c);
  if (res <= 0) {
    if (transient(res)) return arm_recv(c);
    // ECONNRESET and friends: silently. A lingering connection has done its part at the FIN.
    if (res < 0 || c.state == ConnState::kLingering) return finish_close(c);
    c.peer_eof = true;  // half-close: still answer what was asked
    return pump(c, now_if_needed());
  }
  if (!take_input(c, static_cast<size_t>(res))) return finish_close(c);
  const uint64_t now = now_if_needed();
  process_input(c, now);
  pump(c, now);
  if (c.state != ConnState::kClosing) arm_recv(c);
}

template <class T>
std::span<char> BasicServerWorker<T>::recv_buffer(Connection& c) {
  if constexpr (T::kIdentity) {
    return {c.in.get() + c.in_end, c.in_capacity - c.in_end};
  } else {
    return {c.io.wire.get(), TransportIo::kWireBytes};
  }
}

template <class T>
bool BasicServerWorker<T>::take_input(Connection& c, size_t n) {
  if constexpr (T::kIdentity) {
    // The wire bytes are the HTTP bytes, already where the parser reads them.
    c.in_end += static_cast<uint32_t>(n);
    return true;
  } else {
    const TransportStep step =
        transport_.open(c.session, {c.io.wire.get(), n},
                        [&](std::span<const char> http) { append_plain(c, http); });
    if (step == TransportStep::kFailed) return false;
    if (step == TransportStep::kReady) c.io.handshaking = false;
    // A handshake flight, a ticket, an answered KeyUpdate: on its way unless a send is.
    if (!stopping_ && !c.send_inflight) send_flight(c);
    return true;
  }
}

// A record's plaintext joins the input, which makes room for it: the consumed bytes go, and a
// record bigger than the room left grows the buffer (the recv that follows is gated on room).
template <class T>
void BasicServerWorker<T>::append_plain(Connection& c, std::span<const char> http) {
  if (c.discard_input) return;  // everything read now is dropped
  if (c.in_capacity - c.in_end < http.size()) {
    const uint32_t unconsumed = c.in_end - c.in_start;
    std::memmove(c.in.get(), c.in.get() + c.in_start, unconsumed);
    c.in_start = 0;
    c.in_end = unconsumed;
  }
  if (c.in_capacity - c.in_end < http.size()) {
    const auto size =
        std::max<uint32_t>(c.in_capacity * 2, c.in_end + static_cast<uint32_t>(http.size()));
    auto bigger = std::make_unique<char[]>(size);
    std::memcpy(bigger.get(), c.in.get(), c.in_end);
    c.in = std::move(bigger);
    c.in_capacity = size;
  }
  std::memcpy(c.in.get() + c.in_end, http.data(), http.size());
  c.in_end += static_cast<uint32_t>(http.size());
}

#ifndef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY  // server_worker_tls.cpp includes this file
// The transports this file is compiled for (net/transport.hpp); one line per member.
template bool BasicServerWorker<PlainTcp>::make_input_room(Connection& c);
template void BasicServerWorker<PlainTcp>::arm_recv(Connection& c);
template void BasicServerWorker<PlainTcp>::on_recv(Connection& c, int res);
template std::span<char> BasicServerWorker<PlainTcp>::recv_buffer(Connection& c);
template bool BasicServerWorker<PlainTcp>::take_input(Connection& c, size_t n);
template void BasicServerWorker<PlainTcp>::append_plain(Connection& c, std::span<const char> http);
#endif

}  // namespace ringfire::target
