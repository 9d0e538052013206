// The worker's connection lifecycle: opening, closing and reopening connections, what their end
// means for the requests they carried (the one place that decides it), and timers. The hot loop
// is in worker.cpp.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "ringfire/engine/worker.hpp"
#include "ringfire/net/source_addresses.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

template <Transport T>
void BasicWorker<T>::start_connect(uint32_t id) {
  Connection& c = conns_[id];
  if (stopping()) return;
  if (connect_pacer_.enabled() && !c.paced) {
    const uint64_t slot = connect_pacer_.take(now_);
    if (slot > now_) {
      c.state = State::kBackoff;  // on_timer() comes back here at the slot
      c.paced = true;
      timers_.arm(id, slot);
      return;
    }
  }
  c.paced = false;
  const Endpoint& e = config_.endpoint;
  const uint64_t t = tag(Op::kConnect, id, c.generation);
  if (direct_sockets_) {
    // socket → TCP_NODELAY → the connect below, one linked chain into slot `id`. The first two
    // post a CQE only if they fail; the rest of the chain then completes with -ECANCELED, for a
    // generation that close_connection() has already left behind.
    ring_.prep_direct_socket(e.addr.ss_family, id, IOSQE_CQE_SKIP_SUCCESS, t);
  } else {
    const int fd = ::socket(e.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      connect_failed(id, errno);
      return;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (!config_.sources.empty()) {
      // Round-robin by connection: each source carries an even share, the same on reconnect.
      const size_t n = config_.sources.size();
      if (const int err = bind_source(fd, config_.sources[(plan_.first_connection + id) % n])) {
        ::close(fd);
        connect_failed(id, err);
        return;
      }
    }
    c.fd = fd;
    if (fixed_files_ && io_uring_register_files_update(ring_.get(), id, &c.fd, 1) != 1) {
      fixed_files_ = false;  // table update refused: plain descriptors from now on
    }
  }
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_connect(sqe, fixed_files_ ? static_cast<int>(id) : c.fd,
                        reinterpret_cast<const sockaddr*>(&e.addr), e.len);
  if (fixed_files_) sqe->flags |= IOSQE_FIXED_FILE;
  sqe->user_data = t;
  c.state = State::kConnecting;
  connect_queued_ns_[id] = now_;
  ++connecting_;
  timers_.arm(id, now_ + timeout_ns_);
}

template <Transport T>
void BasicWorker<T>::on_connect(uint32_t id, int res) {
  Connection& c = conns_[id];
  if (c.state != State::kConnecting) return;
  --connecting_;
  c.state = State::kIdle;  // the connect is over either way: nothing left to cancel
  timers_.disarm(id);
  if (res < 0) {
    close_connection(id);
    connect_failed(id, -res);  // the direct socket's own failure (EMFILE) arrives here too
    return;
  }
  c.backoff_shift = 0;
  c.responses = 0;
  // TCP is up; the transport may have a handshake to make first (plain TCP: ready at once).
  on_transport_step(id, transport_.start(c.session));
}

// Where the transport says the connection stands. Returns false when it was given up.
template <Transport T>
bool BasicWorker<T>::on_transport_step(uint32_t id, TransportStep step) {
  Connection& c = conns_[id];
  switch (step) {
    case TransportStep::kReady:
      if (c.state != State::kOpen) became_ready(id);
      return true;
    case TransportStep::kHandshaking:
      if (c.state != State::kHandshaking) {
        c.state = State::kHandshaking;
        timers_.arm(id, now_ + timeout_ns_);  // the handshake's own deadline (on_timer)
        arm_recv(id);
      }
      send_handshake(id);
      return true;
    case TransportStep::kFailed:
      break;
  }
  if (c.state == State::kOpen) {
    fail_and_reopen(id, ErrorClass::kRead);  // records that do not decrypt: what was out fails
  } else {
    handshake_failed(id);
  }
  return false;
}

// The connection carries HTTP from now on.
template <Transport T>
void BasicWorker<T>::became_ready(uint32_t id) {
  Connection& c = conns_[id];
  if (c.state == State::kHandshaking) timers_.disarm(id);
  if constexpr (!T::kIdentity) {
    // TCP connect queued → handshake done: the transport's own histograms (full / resumed).
    transport_.established(c.session, now_ - connect_queued_ns_[id]);
  }
  c.state = State::kOpen;
  ledger_.connected(now_);
  note_connected(id);
  // HTTP/2: a fresh session; its preface and SETTINGS go out with the first requests.
  if (h2_ && !h2_->sessions[id].open(h2_->settings, h2_->memory)) {
    fail_and_reopen(id, ErrorClass::kProtocol);
    return;
  }
  arm_recv(id);
  if (open_loop_) {
    mark_ready(id);
  } else {
    maybe_send(id);
  }
}

// Queues the bytes the transport's handshake wants sent, if any. A transport with output of its
// own keeps one send in the kernel per connection: the rest waits for its completion (on_sent).
template <Transport T>
void BasicWorker<T>::send_handshake(uint32_t id) {
  Connection& c = conns_[id];
  if constexpr (!T::kIdentity) {
    if (c.send_busy) return;
  }
  const std::span<const char> bytes = transport_.handshake_output(c.session);
  if (!bytes.empty()) send_wire(id, bytes);
}

// The handshake failed or ran out of time: no request was on the connection, so it counts as a
// failed connection attempt of its own cause, and the connection is tried again after a back-off.
template <Transport T>
void BasicWorker<T>::handshake_failed(uint32_t id) {
  close_connection(id);
  connect_failed(id, kHandshakeFailed);
}

// The handshake ended without the transport's word (the server closed, --timeout ran out): the
// transport counts why, then it is a failed handshake like any other.
template <Transport T>
void BasicWorker<T>::handshake_aborted(uint32_t id, TlsFailure why) {
  if constexpr (!T::kIdentity) transport_.aborted(conns_[id].session, why);
  handshake_failed(id);
}

// Connect latency, the peak open, and when every connection had opened once.
template <Transport T>
void BasicWorker<T>::note_connected(uint32_t id) {
  ConnectionStats& s = result_.connections;
  s.connect_latency.record(now_ - connect_queued_ns_[id]);
  const uint64_t open = ledger_.open_connections();
  s.peak_open = std::max(s.peak_open, open);
  if (s.first_open_ns == 0) s.first_open_ns = now_;
  if (s.all_open_ns == 0 && open == plan_.connections) s.all_open_ns = now_;
}

template <Transport T>
void BasicWorker<T>::arm_recv(uint32_t id) {
  Connection& c = conns_[id];
  if (c.recv_armed || (c.state != State::kOpen && c.state != State::kHandshaking)) return;
  io_uring_sqe* sqe = ring_.sqe();
  const int target = fixed_files_ ? static_cast<int>(id) : c.fd;
  if (multishot_) {
    io_uring_prep_recv_multishot(sqe, target, nullptr, 0, 0);
  } else {
    io_uring_prep_recv(sqe, target, nullptr, 0, 0);
  }
  sqe->flags |= IOSQE_BUFFER_SELECT | (fixed_files_ ? IOSQE_FIXED_FILE : 0);
  sqe->buf_group = BufferRing::kGroup;
  sqe->user_data = tag(Op::kRecv, id, c.generation);
  c.recv_armed = true;
}

// Closes the socket; the requests it carried must have been ended by the caller (the ledger
// counts them), so that none is dropped uncounted.
template <Transport T>
void BasicWorker<T>::close_connection(uint32_t id) {
  Connection& c = conns_[id];
  timers_.disarm(id);
  if (c.state == State::kOpen) ledger_.disconnected();
  if (c.state == State::kConnecting) --connecting_;
  if (c.fd >= 0) {
    // shutdown() ends a pending multishot recv (it completes with 0, for the old generation).
    // The fixed-file slot keeps the socket alive until the next connect replaces it.
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
    c.fd = -1;
  } else if (direct_sockets_ && c.state != State::kIdle && c.state != State::kBackoff) {
    // No descriptor to shut down: cancel what the ring still has on the slot (the multishot
    // recv, a send stuck on a full socket, a connect). Their completions carry the old
    // generation. The socket closes when the next connect replaces it in the slot (or the ring
    // goes away).
    io_uring_sqe* cancel = ring_.sqe();
    io_uring_prep_cancel_fd(cancel, static_cast<int>(id),
                            IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD_FIXED);
    cancel->flags |= IOSQE_CQE_SKIP_SUCCESS;
    cancel->user_data = tag(Op::kCancel, id, c.generation);
  }
  c.state = State::kIdle;
  c.paced = false;
  c.recv_armed = false;
  c.send_busy = false;
  c.generation = uring_tag::next_generation(c.generation);
  c.parser.reset();
  c.response_bytes = 0;
  if (h2_) h2_->sessions[id].close();
  transport_.reset(c.session);
}

template <Transport T>
void BasicWorker<T>::reopen(uint32_t id) {
  close_connection(id);
  start_connect(id);
}

// ringfire gives up on the connection (write failure, timeout, bad or unsolicited bytes): what
// it carried fails with `why`.
template <Transport T>
void BasicWorker<T>::fail_and_reopen(uint32_t id, ErrorClass why) {
  ledger_.fail(id, why, now_);
  reopen(id);
}

// The server ended the connection (FIN or RST) without announcing it. Requests still outstanding
// fail with `why`; with none, it is a close between responses, not an error.
template <Transport T>
void BasicWorker<T>::end_by_server(uint32_t id, ErrorClass why) {
  if (ledger_.outstanding(id) != 0) {
    ledger_.fail(id, why, now_);
  } else {
    ledger_.server_closed(now_);
  }
  reopen(id);
}

// The response just completed said Connection: close (or was HTTP/1.0 without keep-alive). The
// server does what it announced: a close, not an error. Requests pipelined behind it were never
// going to be answered; they get a class of their own, and this worker stops pipelining.
template <Transport T>
void BasicWorker<T>::on_announced_close(uint32_t id) {
  ledger_.server_closed(now_);
  ledger_.fail(id, ErrorClass::kAfterClose, now_);
  if (depth_ > 1) {
    result_.pipelining_stopped = true;
    depth_ = 1;
  }
  reopen(id);
}

// --keepalive-requests: the connection has given its N responses. Once nothing is outstanding
// it is closed by ringfire and opened anew (a reconnect, not an error); until then it sends no
// more in the closed loop. Returns false when the connection was closed.
template <Transport T>
bool BasicWorker<T>::keepalive_spent(uint32_t id) {
  if (ledger_.outstanding(id) != 0) {
    follow_deadline(id);
    return true;
  }
  ++result_.connections.keepalive_reconnects;
  reopen(id);
  return false;
}

template <Transport T>
void BasicWorker<T>::connect_failed(uint32_t id, int err) {
  ledger_.connect_failed(err, now_);
  schedule_reconnect(id);
}

template <Transport T>
void BasicWorker<T>::schedule_reconnect(uint32_t id) {
  Connection& c = conns_[id];
  c.state = State::kBackoff;
  const uint64_t delay = kBackoffBaseNs << c.backoff_shift;
  if (c.backoff_shift < kBackoffMaxShift) ++c.backoff_shift;
  timers_.arm(id, now_ + delay);
}

template <Transport T>
void BasicWorker<T>::on_timer(uint32_t id) {
  Connection& c = conns_[id];
  switch (c.state) {
    case State::kBackoff:
      c.state = State::kIdle;
      start_connect(id);
      break;
    case State::kConnecting:
      close_connection(id);  // connect timed out
      connect_failed(id, ETIMEDOUT);
      break;
    case State::kHandshaking:
      handshake_aborted(id, TlsFailure::kTimeout);  // no handshake within --timeout
      break;
    case State::kOpen: {
      // Deadlines are kept lazily (follow_deadline): this one may belong to a request answered
      // since. The oldest stamped request's own deadline decides.
      const uint64_t sent = ledger_.oldest_sent_ns(id);
      if (sent == 0) break;  // nothing stamped is outstanding: the next stamp arms the timer
      if (sent + timeout_ns_ > now_) {
        timers_.arm(id, sent + timeout_ns_);
        break;
      }
      fail_and_reopen(id, ErrorClass::kTimeout);
      break;
    }
    case State::kIdle:
      break;
  }
}

// A transport's send completed: the session may reuse its output, and what it produced in the
// meantime goes now.
template <Transport T>
void BasicWorker<T>::on_sent(uint32_t id) {
  if constexpr (!T::kIdentity) {
    transport_.sent(conns_[id].session);
    send_handshake(id);
  }
}

// Bytes that are not a valid response: a parse error charged to the requests outstanding, or, with
// none, bytes nobody asked for.
template <Transport T>
void BasicWorker<T>::on_parse_error(uint32_t id) {
  if (ledger_.outstanding(id) != 0) {
    ledger_.parse_failed(static_cast<size_t>(conns_[id].parser.error()), now_);
    fail_and_reopen(id, ErrorClass::kParse);
  } else {
    ledger_.unsolicited(now_);
    reopen(id);
  }
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
// The transports this file is compiled for (net/transport.hpp); one line per member.
template void BasicWorker<PlainTcp>::start_connect(uint32_t id);
template void BasicWorker<PlainTcp>::on_connect(uint32_t id, int res);
template bool BasicWorker<PlainTcp>::on_transport_step(uint32_t id, TransportStep step);
template void BasicWorker<PlainTcp>::became_ready(uint32_t id);
template void BasicWorker<PlainTcp>::send_handshake(uint32_t id);
template void BasicWorker<PlainTcp>::handshake_failed(uint32_t id);
template void BasicWorker<PlainTcp>::handshake_aborted(uint32_t id, TlsFailure why);
template void BasicWorker<PlainTcp>::note_connected(uint32_t id);
template void BasicWorker<PlainTcp>::arm_recv(uint32_t id);
template void BasicWorker<PlainTcp>::close_connection(uint32_t id);
template void BasicWorker<PlainTcp>::reopen(uint32_t id);
template void BasicWorker<PlainTcp>::fail_and_reopen(uint32_t id, ErrorClass why);
template void BasicWorker<PlainTcp>::end_by_server(uint32_t id, ErrorClass why);
template void BasicWorker<PlainTcp>::on_announced_close(uint32_t id);
template bool BasicWorker<PlainTcp>::keepalive_spent(uint32_t id);
template void BasicWorker<PlainTcp>::connect_failed(uint32_t id, int err);
template void BasicWorker<PlainTcp>::schedule_reconnect(uint32_t id);
template void BasicWorker<PlainTcp>::on_timer(uint32_t id);
template void BasicWorker<PlainTcp>::on_sent(uint32_t id);
template void BasicWorker<PlainTcp>::on_parse_error(uint32_t id);

#endif

}  // namespace ringfire
