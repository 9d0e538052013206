// ServerWorker: stopping. The counts printed at exit must be exact: a response counts once its
// every byte is with the kernel, a request once it is in our socket's receive queue. So before
// closing, the worker collects the completions still due, takes its receives back from the kernel,
// and reads what the kernel holds for every connection (and for connections not yet accepted),
// framing and counting it without answering.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ringfire/target/server_worker.hpp"

namespace ringfire::target {
namespace {

// How long the worker waits for its cancelled receives to report back. They report at once
// unless the kernel is badly overloaded; the bound only keeps a stop from hanging.
constexpr int kCancelRounds = 100;
constexpr long long kCancelRoundNs = 10'000'000;
// Per connection at most this many reads at stop: a peer still sending cannot keep us here.
constexpr int kMaxDrainReads = 64;

}  // namespace

template <class T>
void BasicServerWorker<T>::finish_at_stop() {
  stopping_ = true;  // from here on nothing is answered and nothing is re-armed
  // A response the peer already read may still have its completion queued (or, with
  // DEFER_TASKRUN, not yet posted): collect those so the count is exact.
  io_uring_submit_and_get_events(ring_.get());
  reap();
  cancel_reads();
  accept_backlog();
  for (uint32_t i = 0; i < slab_.size(); ++i) {
    Connection& c = slab_[i];
    if ((c.state == ConnState::kOpen || c.state == ConnState::kLingering) && !c.recv_inflight) {
      drain_input(c);
    }
  }
  close_all();
}

// Cancels the accept and every receive, and waits until they have reported: data that raced the
// cancel arrives in their completions and is counted there, and afterwards no receive of ours
// can take bytes from a socket while drain_input reads it.
template <class T>
void BasicServerWorker<T>::cancel_reads() {
  if (accept_armed_) {
    io_uring_sqe* sqe = ring_.sqe();
    io_uring_prep_cancel64(sqe, tag(Op::kAccept), 0);
    io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
  }
  for (uint32_t i = 0; i < slab_.size(); ++i) {
    Connection& c = slab_[i];
    if (c.state != ConnState::kFree && c.recv_inflight) {
      io_uring_sqe* sqe = ring_.sqe();
      io_uring_prep_cancel64(sqe, tag(Op::kRecv, c), 0);
      io_uring_sqe_set_data64(sqe, tag(Op::kCancel));
    }
  }
  for (int round = 0; round < kCancelRounds; ++round) {
    bool waiting = accept_armed_;
    for (uint32_t i = 0; i < slab_.size() && !waiting; ++i) {
      waiting = slab_[i].state != ConnState::kFree && slab_[i].recv_inflight;
    }
    if (!waiting) return;
    if (ring_.submit_and_wait(1, kCancelRoundNs) < 0) return;  // a broken ring reports nothing
    reap();
  }
}

// Connections the kernel completed but nobody accepted yet: their requests were received too.
template <class T>
void BasicServerWorker<T>::accept_backlog() {
  if (config_.listen_fd < 0 || accept_armed_) return;
  const int flags = fcntl(config_.listen_fd, F_GETFL);
  if (flags < 0 || fcntl(config_.listen_fd, F_SETFL, flags | O_NONBLOCK) != 0) return;
  for (;;) {
    const int fd = accept4(config_.listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN: the queue is empty
    ++totals_.connections;
    const uint32_t index = slab_.acquire(fd);
    if (index == UINT32_MAX) {
      close(fd);
      continue;
    }
    drain_input(slab_[index]);
  }
}

// Counts what is buffered (requests held back by a full response queue), then reads (without
// waiting) and counts what the kernel holds for the connection.
template <class T>
void BasicServerWorker<T>::drain_input(Connection& c) {
  process_input(c, 0);
  for (int reads = 0; reads < kMaxDrainReads && make_input_room(c); ++reads) {
    const std::span<char> into = recv_buffer(c);
    const ssize_t n = recv(c.fd, into.data(), into.size(), MSG_DONTWAIT);
    if (n <= 0) return;  // EAGAIN: all read; 0: the peer closed; else an error
    // TLS: a connection still in its handshake (or never started, from the backlog) has no
    // request to count, and the transport says so.
    if (!take_input(c, static_cast<size_t>(n))) return;
    process_input(c, 0);
  }
}

template <class T>
void BasicServerWorker<T>::close_all() {
  for (uint32_t i = 0; i < slab_.size(); ++i) {
    Connection& c = slab_[i];
    if (c.state != ConnState::kFree && c.fd >= 0) {
      close(c.fd);
      c.fd = -1;
    }
  }
  if (config_.listen_fd >= 0) close(config_.listen_fd);
  config_.listen_fd = -1;
}

#ifndef RINGFIRE_SERVER_WORKER_DEFINITIONS_ONLY  // server_worker_tls.cpp includes this file
// The transports this file is compiled for (net/transport.hpp); one line per member.
template void BasicServerWorker<PlainTcp>::finish_at_stop();
template void BasicServerWorker<PlainTcp>::cancel_reads();
template void BasicServerWorker<PlainTcp>::accept_backlog();
template void BasicServerWorker<PlainTcp>::drain_input(Connection& c);
template void BasicServerWorker<PlainTcp>::close_all();
#endif

}  // namespace ringfire::target
