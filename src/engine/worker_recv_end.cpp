// A receive that brought no bytes, off the hot path: the buffer pool ran dry (back-pressure),
// a kernel without multishot receive, a close before or after the handshake, an HTTP/2 GOAWAY's
// unprocessed streams, or a reset.
#include <cerrno>

#include "ringfire/engine/worker.hpp"
#include "worker_internal.hpp"

namespace ringfire {

using namespace worker_detail;

template <Transport T>
void BasicWorker<T>::on_recv_end(uint32_t id, int res, uint32_t flags) {
  Connection& c = conns_[id];
  const bool more = (flags & IORING_CQE_F_MORE) != 0;
  if ((flags & IORING_CQE_F_BUFFER) != 0) buffers_.recycle(flags >> IORING_CQE_BUFFER_SHIFT);
  if (res == -ENOBUFS) {
    // The buffer pool ran dry: back-pressure, not an error. Multishot recv ends without F_MORE.
    if (!more) {
      c.recv_armed = false;
      arm_recv(id);
    }
    return;
  }
  if (res == -EINVAL && multishot_ && c.responses == 0 && ledger_.outstanding(id) != 0) {
    multishot_ = false;  // kernel without multishot recv: fall back to one recv per completion
    c.recv_armed = false;
    arm_recv(id);
    return;
  }
  c.recv_armed = false;
  if constexpr (!T::kIdentity) {
    // Closed or reset before the handshake finished: a failed attempt, retried after a back-off.
    if (c.state == State::kHandshaking) {
      handshake_aborted(id, TlsFailure::kClosed);
      return;
    }
  }
  if (res == 0) {
    // Peer closed. A body delimited by close completes now; requests still waiting are lost.
    if (!h2_ && c.parser.finish() == ResponseParser::Status::kComplete && !on_response(id)) return;
    // HTTP/2 after a GOAWAY: the streams the server said it never took fail as not processed.
    if (h2_ && h2_->sessions[id].goaway_received()) {
      ledger_.fail_streams_above(id, static_cast<uint32_t>(h2_->sessions[id].goaway_last_stream()),
                                 ErrorClass::kNotProcessed, now_);
    }
    end_by_server(id, ErrorClass::kClosed);
    return;
  }
  end_by_server(id, ErrorClass::kRead);  // reset
}

#ifndef RINGFIRE_WORKER_DEFINITIONS_ONLY  // worker_tls.cpp includes this file for its own
template void BasicWorker<PlainTcp>::on_recv_end(uint32_t id, int res, uint32_t flags);
#endif

}  // namespace ringfire
