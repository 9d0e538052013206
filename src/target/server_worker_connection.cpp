// ServerWorker: one connection's life. Bytes in -> requests framed -> responses queued (with due
// times for --delay and --stall-*) -> batched into one send -> counted when the kernel took every
// byte.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include "ringfire/base/clock.hpp"
#include "ringfire/target/request_framing.hpp"
#include "ringfire/target/server_worker.hpp"
#include "server_worker_internal.hpp"

namespace ringfire::target {
namespace {

// How long a closing connection keeps reading (and counting) while waiting for the peer's FIN.
constexpr uint64_t kLingerNs = 1'000'000'000;

}  // namespace

// ---- framing (the bytes come in through server_worker_input.cpp) -----------------------------

template <class T>
ResponseKind BasicServerWorker<T>::choose_kind(Connection& c, bool head, bool http10,
                                               bool wants_close, bool wants_keep_alive) {
  // HTTP/1.1 keeps connections open unless told otherwise; HTTP/1.0 (on either side) closes unless
  // the request asked for keep-alive, and then the response must confirm it explicitly.
  const bool speak_10 = config_.options->http10 || http10;
  bool keep_open = speak_10 ? wants_keep_alive && !wants_close : !wants_close;
  ++c.responses_queued;
  if (close_every_ > 0 && c.responses_queued % close_every_ == 0) keep_open = false;
  return pick_response_kind(head, keep_open, speak_10);
}

template <class T>
void BasicServerWorker<T>::enqueue(Connection& c, ResponseKind kind, uint64_t now, uint32_t path) {
  uint64_t due = 0;
  if (clock_needed_) {
    due = now + delay_ns_;
    // The one-time stall: whatever falls due inside it waits for its end.
    if (due >= stall_begin_ns_ && due < stall_end_ns_) due = stall_end_ns_;
  }
  if (fault_ != FaultMode::kNone && kind != ResponseKind::kBadRequest) {
    return enqueue_fault(c, kind, due, path);
  }
  c.queue_push(
      {due, kind, closes_connection(kind) ? AfterSend::kLinger : AfterSend::kContinue, path});
}

// Frames every complete request in the input. Each one counts as read; while the connection is
// answering, each one also gets its response queued.
template <class T>
void BasicServerWorker<T>::process_input(Connection& c, uint64_t now) {
  for (;;) {
    const bool answer = answering(c);
    if (answer && c.queue_full()) break;  // back-pressure: resume after the next send
    ResponseKind kind{};
    const Framed framed = frame_request(c, kind);
    if (framed == Framed::kIncomplete) break;
    if (framed == Framed::kBad) {
      if (answer) {
        ++totals_.bad_requests;
        enqueue(c, ResponseKind::kBadRequest, now, kNoPath);
      }
      c.discard_input = true;  // nothing after garbage can be framed
      break;
    }
    ++totals_.requests_read;
    if (paths_) paths_->count_request(c.pending_path, c.pending_request_bytes);
    if (answer) enqueue(c, kind, now, c.pending_path);
  }
  if (c.discard_input || c.in_start == c.in_end) {
    c.in_start = c.in_end = 0;  // nothing (of use) left: reuse the buffer from its start
    c.scan_from = 0;
  }
}

// Consumes one request from the input: kComplete (`kind` says how to answer it), kIncomplete
// (wait for more bytes) or kBad (malformed or oversized; nothing is consumed).
template <class T>
auto BasicServerWorker<T>::frame_request(Connection& c, ResponseKind& kind) -> Framed {
  if (c.discard_input) return Framed::kIncomplete;
  if (c.body_left == 0) {
    // Stray line breaks between requests (some clients add CRLF after a body) are ignored.
    while (c.in_start < c.in_end && (c.in[c.in_start] == '\r' || c.in[c.in_start] == '\n')) {
      ++c.in_start;
    }
    if (c.in_start == c.in_end) return Framed::kIncomplete;
    const std::string_view buffered(c.in.get() + c.in_start, c.in_end - c.in_start);
    const HeadEnd end = find_head_end(buffered, c.scan_from);
    if (end.end == 0) {
      if (buffered.size() >= kMaxRequestHead || !plausible_request_start(buffered)) {
        return Framed::kBad;
      }
      c.scan_from = static_cast<uint32_t>(end.resume);
      return Framed::kIncomplete;  // wait for the rest of the header block
    }
    const RequestHead head = parse_request_head(buffered.substr(0, end.end));
    if (end.end > kMaxRequestHead || !head.valid) return Framed::kBad;
    // The target is a view into the input: look it up before the bytes can move. The request's
    // bytes, as they came: this head (stray line breaks before it are no part of it) and its body.
    if (paths_) {
      c.pending_path = paths_->find_or_add(target_path(head.target));
      c.pending_request_bytes = end.end + head.content_length;
    }
    c.in_start += static_cast<uint32_t>(end.end);
    c.scan_from = 0;
    kind = choose_kind(c, head.is_head, head.http10, head.wants_close, head.wants_keep_alive);
    if (head.content_length == 0) return Framed::kComplete;
    c.body_left = head.content_length;
    c.pending_kind = kind;
  }
  const uint64_t skip = std::min<uint64_t>(c.body_left, c.in_end - c.in_start);
  c.in_start += static_cast<uint32_t>(skip);
  c.body_left -= skip;
  totals_.request_body_bytes += skip;
  if (c.body_left > 0) return Framed::kIncomplete;
  kind = c.pending_kind;  // the request is complete only with its body
  return Framed::kComplete;
}

// ---- sending ---------------------------------------------------------------------------------

template <class T>
bool BasicServerWorker<T>::append_response(Connection& c, ResponseKind kind) {
  const ResponseSet& set = *config_.responses;
  const auto begin = reinterpret_cast<uintptr_t>(set.data(kind));
  const size_t size = set.size(kind);
  if (size == 0) return true;  // --fault close-before-any-byte: nothing to send
  const uintptr_t limit = begin + size * set.copies(kind);
  if (c.iov_count > 0) {
    // The same response again right after itself: extend the range over the next stored copy.
    iovec& last = c.iov[c.iov_count - 1];
    const auto base = reinterpret_cast<uintptr_t>(last.iov_base);
    if (base >= begin && base < limit && base + last.iov_len + size <= limit) {
      last.iov_len += size;
      return true;
    }
  }
  if (c.iov_count == Connection::kMaxIov) return false;
  c.iov[c.iov_count++] = iovec{const_cast<char*>(set.data(kind)), size};
  return true;
}

template <class T>
void BasicServerWorker<T>::pump(Connection& c, uint64_t now) {
  if (c.state != ConnState::kOpen || c.send_inflight || stopping_) return;
  if constexpr (!T::kIdentity) {
    if (c.io.handshaking) return;  // answered once the handshake is done (take_input)
  }
  if (c.queue_size == 0) {
    if (c.peer_eof) finish_close(c);
    return;
  }
  c.iov_first = c.iov_count = 0;
  c.batch_responses = c.batch_partials = 0;
  c.batch_after = AfterSend::kContinue;
  uint32_t pieces = 0;
  while (c.queue_size > 0 && c.queue_front().due_ns <= now) {
    const PendingResponse next = c.queue_front();
    if (!append_response(c, next.kind)) break;
    c.queue_pop();
    ++pieces;
    if (next.kind < kFirstFaultPiece) {
      if (paths_) {
        c.batch_paths[c.batch_responses] = next.path;
        c.batch_kinds[c.batch_responses] = next.kind;
      }
      ++c.batch_responses;
    } else if (begins_partial_response(next.kind)) {
      ++c.batch_partials;
    }
    if (next.after != AfterSend::kContinue) {
      c.batch_after = next.after;
      break;
    }
  }
  if (pieces == 0) return arm_timer(c, c.queue_front().due_ns);
  if (c.iov_count == 0) return finish_batch(c);  // only pieces without bytes
  if constexpr (T::kIdentity) {
    submit_send(c);
  } else {
    send_sealed(c);
  }
}

template <class T>
void BasicServerWorker<T>::submit_send(Connection& c) {
  io_uring_sqe* sqe = ring_.sqe();
  const uint32_t n = c.iov_count - c.iov_first;
  // MSG_NOSIGNAL: a peer that went away is an EPIPE result, not a process-killing SIGPIPE.
  if constexpr (!T::kIdentity) {
    io_uring_prep_send(sqe, c.fd, c.io.out.iov_base, c.io.out.iov_len, MSG_NOSIGNAL);
  } else if (n == 1) {
    const iovec& v = c.iov[c.iov_first];
    io_uring_prep_send(sqe, c.fd, v.iov_base, v.iov_len, MSG_NOSIGNAL);
  } else {
    c.msg = msghdr{};
    c.msg.msg_iov = &c.iov[c.iov_first];
    c.msg.msg_iovlen = n;
    io_uring_prep_sendmsg(sqe, c.fd, &c.msg, MSG_NOSIGNAL);
  }
  io_uring_sqe_set_data64(sqe, tag(Op::kSend, c));
  c.send_inflight = true;
}

template <class T>
void BasicServerWorker<T>::on_send(Connection& c, int res) {
  c.send_inflight = false;
  if (c.state != ConnState::kOpen) return release_if_idle(c);
  if constexpr (!T::kIdentity) return on_sealed_send(c, res);
  if (res <= 0) {
    if (transient(res) && !stopping_) return submit_send(c);
    return finish_close(c);  // EPIPE, ECONNRESET: the peer left; nothing more is counted
  }
  // A short send (socket buffer full, big bodies): drop what went out and send the rest.
  auto left = static_cast<size_t>(res);
  while (left > 0 && c.iov_first < c.iov_count) {
    iovec& v = c.iov[c.iov_first];
    if (left >= v.iov_len) {
      left -= v.iov_len;
      ++c.iov_first;
    } else {
      v.iov_base = static_cast<char*>(v.iov_base) + left;
      v.iov_len -= left;
      left = 0;
    }
  }
  if (c.iov_first < c.iov_count) {
    if (!stopping_) submit_send(c);
    return;
  }
  finish_batch(c);
}

// Every byte of the batch is with the kernel: count it, then do what its last piece says.
template <class T>
void BasicServerWorker<T>::finish_batch(Connection& c) {
  if (paths_) {
    const ResponseSet& set = *config_.responses;
    for (uint32_t i = 0; i < c.batch_responses; ++i) {
      paths_->count_response(c.batch_paths[i], set.size(c.batch_kinds[i]));
    }
  }
  totals_.responses += c.batch_responses;
  totals_.responses_partial += c.batch_partials;
  c.batch_responses = c.batch_partials = 0;
  if (c.batch_after != AfterSend::kContinue) return after_last_piece(c);
  if (stopping_) return;
  const uint64_t now = now_if_needed();
  // The queue has room again: frame requests that were held back, then send what is due.
  process_input(c, now);
  pump(c, now);
  if (c.state == ConnState::kOpen && !c.peer_eof) arm_recv(c);
}

template <class T>
void BasicServerWorker<T>::arm_timer(Connection& c, uint64_t due_ns) {
  if (c.timer_inflight) return;
  c.timer_at.tv_sec = due_ns / 1'000'000'000;
  c.timer_at.tv_nsec = due_ns % 1'000'000'000;
  io_uring_sqe* sqe = ring_.sqe();
  // An absolute CLOCK_MONOTONIC deadline: no drift however late we get around to submitting.
  io_uring_prep_timeout(sqe, &c.timer_at, 0, IORING_TIMEOUT_ABS);
  io_uring_sqe_set_data64(sqe, tag(Op::kTimer, c));
  c.timer_inflight = true;
}

template <class T>
void BasicServerWorker<T>::on_timer(Connection& c) {
  c.timer_inflight = false;
  if (c.state != ConnState::kOpen) return release_if_idle(c);
  pump(c, now_ns());
}

// ---- closing ---------------------------------------------------------------------------------

template <class T>
void BasicServerWorker<T>::begin_linger(Connection& c, bool until_peer_closes) {
  if (c.peer_eof) return finish_close(c);
  // FIN after the last response, but keep reading (and counting): closing with unread bytes would
  // send RST, and a RST can destroy the response before the peer reads it.
  shutdown(c.fd, SHUT_WR);
  c.state = ConnState::kLingering;
  c.linger_deadline_ns = until_peer_closes ? UINT64_MAX : now_ns() + kLingerNs;
  ++lingering_;
  arm_recv(c);
}

template <class T>
void BasicServerWorker<T>::finish_close(Connection& c) {
  if (c.state == ConnState::kClosing) return;
  if (c.state == ConnState::kLingering) --lingering_;
  c.state = ConnState::kClosing;
  // In-flight operations hold the socket open; cancel them and close once the last one reports.
  if (c.recv_inflight) {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_cancel64(sqe, tag(Op::kRecv, c), 0);
    io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
  }
  if (c.send_inflight) {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_cancel64(sqe, tag(Op::kSend, c), 0);
    io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
  }
  if (c.timer_inflight) {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_timeout_remove(sqe, tag(Op::kTimer, c), 0);
    io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
  }
  release_if_idle(c);
}

template <class T>
void BasicServerWorker<T>::release_if_idle(Connection& c) {
  if (c.state != ConnState::kClosing || !c.idle()) return;
  close(c.fd);
  transport_.reset(c.session);
  slab_.release(c.index);
}

#ifndef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY  // server_worker_tls.cpp includes this file
// The transports this file is compiled for (net/transport.hpp); one line per member.
template ResponseKind BasicServerWorker<PlainTcp>::choose_kind(Connection& c, bool head,
                                                               bool http10, bool wants_close,
                                                               bool wants_keep_alive);
template void BasicServerWorker<PlainTcp>::enqueue(Connection& c, ResponseKind kind, uint64_t now,
                                                   uint32_t path);
template void BasicServerWorker<PlainTcp>::process_input(Connection& c, uint64_t now);
template auto BasicServerWorker<PlainTcp>::frame_request(Connection& c, ResponseKind& kind)
    -> Framed;
template bool BasicServerWorker<PlainTcp>::append_response(Connection& c, ResponseKind kind);
template void BasicServerWorker<PlainTcp>::pump(Connection& c, uint64_t now);
template void BasicServerWorker<PlainTcp>::submit_send(Connection& c);
template void BasicServerWorker<PlainTcp>::on_send(Connection& c, int res);
template void BasicServerWorker<PlainTcp>::finish_batch(Connection& c);
template void BasicServerWorker<PlainTcp>::arm_timer(Connection& c, uint64_t due_ns);
template void BasicServerWorker<PlainTcp>::on_timer(Connection& c);
template void BasicServerWorker<PlainTcp>::begin_linger(Connection& c, bool until_peer_closes);
template void BasicServerWorker<PlainTcp>::finish_close(Connection& c);
template void BasicServerWorker<PlainTcp>::release_if_idle(Connection& c);
#endif

}  // namespace ringfire::target
