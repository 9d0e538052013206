// ServerWorker: the --fault modes. Each one is a different set of pieces queued for a request (see
// enqueue_fault), a different thing done after the last piece (after_last_piece), or, for the
// listener flap, a timer of its own. The well-behaved path pays one branch per response for it.
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>

#include "listener.hpp"
#include "ringfire/target/server_worker.hpp"

namespace ringfire::target {

template <class T>
void BasicServerWorker<T>::enqueue_fault(Connection& c, ResponseKind kind, uint64_t due_ns,
                                         uint32_t path) {
  // What the well-behaved server would do after this response (the request may have asked to
  // close); a mode that adds a piece after the response hands that on to the piece.
  const AfterSend after = closes_connection(kind) ? AfterSend::kLinger : AfterSend::kContinue;
  switch (fault_) {
    case FaultMode::kJunkAfterResponse:
      c.queue_push({due_ns, kind, AfterSend::kContinue, path});
      c.queue_push({due_ns, ResponseKind::kJunk, after});
      return;
    case FaultMode::kEmptyLines:
      // choose_kind has counted this request already: 1 means it is the connection's first.
      if (c.responses_queued > 1) c.queue_push({due_ns, ResponseKind::kEmptyLine});
      c.queue_push({due_ns, kind, after, path});
      return;
    case FaultMode::kShutWriteAfterResponse:
      c.queue_push({due_ns, kind, AfterSend::kLingerLong, path});
      return;
    case FaultMode::kResetMidBody:
      c.queue_push({due_ns, ResponseKind::kHalfBody, AfterSend::kReset});
      return;
    case FaultMode::kCloseAfterHeaders:
      c.queue_push({due_ns, ResponseKind::kHeadersOnly, AfterSend::kLinger});
      return;
    case FaultMode::kCloseBeforeAnyByte:
      c.queue_push({due_ns, ResponseKind::kNothing, AfterSend::kLinger});
      return;
    case FaultMode::kEndlessHeaders:
      c.queue_push({due_ns, ResponseKind::kEndlessHeadersHead});
      c.queue_push({due_ns, ResponseKind::kEndlessHeaderLines, AfterSend::kRepeat});
      return;
    case FaultMode::kEndlessChunked:
      c.queue_push({due_ns, ResponseKind::kEndlessChunkedHead});
      c.queue_push({due_ns, ResponseKind::kEndlessChunks, AfterSend::kRepeat});
      return;
    default:  // response-before-request, listener-flap and close-announced answer normally
      c.queue_push({due_ns, kind, after, path});
      return;
  }
}

template <class T>
void BasicServerWorker<T>::on_accept_fault(Connection& c) {
  if (fault_ == FaultMode::kResponseBeforeRequest) {
    const uint64_t now = now_if_needed();
    enqueue(c, ResponseKind::kGet, now, kNoPath);  // before a single byte of a request arrived
    pump(c, now);
  } else if (fault_ == FaultMode::kListenerFlap && config_.listen_fd < 0) {
    return reset_connection(c);  // accepted just before the listener went down: reset with the rest
  }
  arm_recv(c);
}

template <class T>
void BasicServerWorker<T>::after_last_piece(Connection& c) {
  switch (c.batch_after) {
    case AfterSend::kLinger:
      return begin_linger(c, false);
    case AfterSend::kLingerLong:
      return begin_linger(c, true);
    case AfterSend::kReset:
      return reset_connection(c);
    case AfterSend::kRepeat: {
      // The completion of each send is the back-pressure: the next piece goes only once the
      // kernel took this one, so a client that stops reading stops us too.
      const ResponseKind more = fault_ == FaultMode::kEndlessHeaders
                                    ? ResponseKind::kEndlessHeaderLines
                                    : ResponseKind::kEndlessChunks;
      c.queue_push({0, more, AfterSend::kRepeat});
      return pump(c, 0);
    }
    case AfterSend::kContinue:
      return;
  }
}

template <class T>
void BasicServerWorker<T>::reset_connection(Connection& c) {
  // A zero linger time makes close() send RST (and drop whatever is unsent) instead of FIN.
  const linger hard{1, 0};
  setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
  finish_close(c);
}

// ---- --fault listener-flap -------------------------------------------------------------------

template <class T>
void BasicServerWorker<T>::arm_flap() {
  flap_at_.tv_sec = next_flap_ns_ / 1'000'000'000;
  flap_at_.tv_nsec = next_flap_ns_ % 1'000'000'000;
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_timeout(sqe, &flap_at_, 0, IORING_TIMEOUT_ABS);
  io_uring_sqe_set_data64(sqe, tag(Op::kFlap));
}

template <class T>
void BasicServerWorker<T>::on_flap() {
  if (stopping_) return;
  // Every worker counts its flaps from the same start, so all the listeners of the port go down
  // (and come up) together.
  if (config_.listen_fd >= 0) {
    take_listener_down();
  } else {
    bring_listener_up();
  }
  next_flap_ns_ += static_cast<uint64_t>(config_.options->flap_every.count());
  arm_flap();
}

template <class T>
void BasicServerWorker<T>::take_listener_down() {
  // The armed accept holds a reference to the socket, so closing the fd alone would leave it
  // listening: shutdown() stops it at once (the accept then ends with an error, and is not
  // re-armed while listen_fd is -1), and the cancel lets go of it.
  io_uring_sqe* sqe = ring_.sqe();
  io_uring_prep_cancel64(sqe, tag(Op::kAccept), 0);
  io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
  shutdown(config_.listen_fd, SHUT_RDWR);
  close(config_.listen_fd);
  config_.listen_fd = -1;
  for (uint32_t i = 0; i < slab_.size(); ++i) {
    Connection& c = slab_[i];
    if (c.state == ConnState::kOpen || c.state == ConnState::kLingering) reset_connection(c);
  }
}

template <class T>
void BasicServerWorker<T>::bring_listener_up() {
  std::string error;
  const int fd = open_listener(config_.host, config_.port, error);
  if (fd < 0) {
    // Someone else took the port while it was down: say so, and try again a period later.
    std::fprintf(stderr, "ringfire-target: cannot listen again: %s\n", error.c_str());
    return;
  }
  config_.listen_fd = fd;
  accept_armed_ = false;
  arm_accept();
}

#ifndef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY  // server_worker_tls.cpp includes this file
// The transports this file is compiled for (net/transport.hpp); one line per member.
template void BasicServerWorker<PlainTcp>::enqueue_fault(Connection& c, ResponseKind kind,
                                                         uint64_t due_ns, uint32_t path);
template void BasicServerWorker<PlainTcp>::on_accept_fault(Connection& c);
template void BasicServerWorker<PlainTcp>::after_last_piece(Connection& c);
template void BasicServerWorker<PlainTcp>::reset_connection(Connection& c);
template void BasicServerWorker<PlainTcp>::arm_flap();
template void BasicServerWorker<PlainTcp>::on_flap();
template void BasicServerWorker<PlainTcp>::take_listener_down();
template void BasicServerWorker<PlainTcp>::bring_listener_up();
#endif

}  // namespace ringfire::target
