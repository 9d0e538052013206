// The server worker compiled for TLS (ringfire-target --tls-cert): the same loop, framing and
// fault modes as plain TCP, with the transport of the load generator (net/tls_transport.hpp) in
// server mode. The member definitions are the worker files' own, included here without their
// plain-TCP instantiations (as engine/worker_tls.cpp does for the client), and the send path
// that seals is defined only here: plain TCP never instantiates it.
//
// A TLS batch goes out in parts: at most kTlsSealBytes (one record) of its HTTP bytes are sealed at
// a time into the slot's output buffer (whose size is fixed at set-up), sent, and the next part is
// sealed once the kernel took the last byte. The batch is counted, as with plain TCP, when its last
// part is sent.
#define RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY
#include "server_worker_connection.cpp"
#include "server_worker_faults.cpp"
#include "server_worker_input.cpp"
#include "server_worker_loop.cpp"
#include "server_worker_stop.cpp"
#undef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY

#include "ringfire/net/tls_transport.hpp"

namespace ringfire::target {

template <class T>
void BasicServerWorker<T>::send_sealed(Connection& c) {
  size_t budget = kTlsSealBytes;  // what the slot was sized for (setup)
  while (c.iov_first < c.iov_count && budget > 0) {
    iovec& v = c.iov[c.iov_first];
    const size_t n = std::min(budget, v.iov_len);
    if (transport_.seal(c.session, {static_cast<const char*>(v.iov_base), n}).empty() && n > 0) {
      return finish_close(c);  // no room in the slot: cannot happen within kTlsSealBytes
    }
    budget -= n;
    v.iov_base = static_cast<char*>(v.iov_base) + n;
    v.iov_len -= n;
    if (v.iov_len == 0) ++c.iov_first;
  }
  const std::span<const char> wire = transport_.handshake_output(c.session);
  c.io.out = iovec{const_cast<char*>(wire.data()), wire.size()};
  c.io.flight = false;
  submit_send(c);
}

template <class T>
void BasicServerWorker<T>::send_flight(Connection& c) {
  const std::span<const char> wire = transport_.handshake_output(c.session);
  if (wire.empty()) return;
  c.io.out = iovec{const_cast<char*>(wire.data()), wire.size()};
  c.io.flight = true;
  submit_send(c);
}

template <class T>
void BasicServerWorker<T>::on_sealed_send(Connection& c, int res) {
  if (res <= 0) {
    if (transient(res) && !stopping_) return submit_send(c);
    return finish_close(c);  // EPIPE, ECONNRESET: the peer left; nothing more is counted
  }
  auto sent = static_cast<size_t>(res);
  c.io.out.iov_base = static_cast<char*>(c.io.out.iov_base) + sent;
  c.io.out.iov_len -= sent;
  if (c.io.out.iov_len > 0) {
    if (!stopping_) submit_send(c);
    return;
  }
  transport_.sent(c.session);  // its output buffer starts over
  if (stopping_) return;
  if (c.io.flight) {
    c.io.flight = false;
    send_flight(c);  // what the handshake produced meanwhile (session tickets)
    if (!c.send_inflight) pump(c, now_if_needed());
    return;
  }
  if (c.iov_first < c.iov_count) return send_sealed(c);
  finish_batch(c);
}

template class BasicServerWorker<TlsTransport>;

std::unique_ptr<ServerWorker> make_tls_server_worker(const ServerWorkerConfig& config) {
  return std::make_unique<BasicServerWorker<TlsTransport>>(config);
}

}  // namespace ringfire::target
