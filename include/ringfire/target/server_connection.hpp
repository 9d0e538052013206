// One accepted connection of the target server and the slab that holds them.
//
// A connection has at most one recv, one send and one timer in flight. Its slot is recycled only
// when none is, so a completion always finds the state it was issued for; the generation in the
// completion's tag is a second guard (cancel completions may still arrive after a recycle).
#pragma once

#include <linux/time_types.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "ringfire/engine/uring_tag.hpp"
#include "ringfire/net/transport.hpp"
#include "ringfire/target/path_counts.hpp"
#include "ringfire/target/response.hpp"

namespace ringfire::target {

enum class ConnState : uint8_t {
  kFree,
  kOpen,       // reading requests, sending responses
  kLingering,  // last response sent and write side shut: read and discard until the peer closes,
               // so unread pipelined bytes do not turn our FIN into a RST that eats the response
  kClosing,    // waiting for in-flight operations to end, then close(fd)
};

// A response (or a fault mode's piece of one) waiting to be sent: the kind, the CLOCK_MONOTONIC
// time (ns) it becomes due, and what the connection does once it is sent.
struct PendingResponse {
  uint64_t due_ns = 0;
  ResponseKind kind = ResponseKind::kGet;
  AfterSend after = AfterSend::kContinue;
  uint32_t path = kNoPath;  // --count-paths: the PathCounts entry it answers (fits the padding)
};

// What a transport that rewrites bytes (TLS) needs besides the HTTP state; plain TCP has none.
struct TransportIo {
  // TLS records are received here and opened into `in`: a record's plaintext may come out
  // larger than the bytes of this read (the rest of the record arrived before), so it cannot
  // be opened in place.
  static constexpr uint32_t kWireBytes = 16 * 1024;
  std::unique_ptr<char[]> wire;
  iovec out{};               // sealed bytes of the send in flight still to go
  bool handshaking = false;  // no HTTP byte is sent before the handshake ends
  bool flight = false;       // the send in flight carries the transport's own bytes, no batch
};
struct NoTransportIo {};

// One connection, compiled per transport (net/transport.hpp), as the server worker is.
template <class T>
struct BasicServerConnection {
  // Deep enough for wrk/ringfire pipelining; a fuller queue pauses parsing (back-pressure).
  static constexpr uint32_t kQueueCapacity = 128;
  // A request queues at most this many pieces (a response and a fault mode's extra piece).
  static constexpr uint32_t kMaxPiecesPerRequest = 2;
  static constexpr uint32_t kMaxIov = 32;
  static constexpr uint32_t kInitialInput = 8 * 1024;

  int fd = -1;
  uint32_t index = 0;  // own slot in the slab (goes into completion tags)
  [[no_unique_address]] typename T::Session session;  // the transport's (plain TCP: none)
  uint32_t generation = 0;                            // 24 bits; bumped on release
  ConnState state = ConnState::kFree;
  bool recv_inflight = false;
  bool send_inflight = false;
  bool timer_inflight = false;
  bool peer_eof = false;       // recv returned 0: answer what was asked, then close
  bool close_queued = false;   // the last piece is queued: further requests are read, not answered
  bool discard_input = false;  // unframeable bytes after the last piece: read and drop the rest

  // Input: bytes [in_start, in_end) of `in` are received and not yet consumed.
  std::unique_ptr<char[]> in;
  uint32_t in_capacity = 0;
  uint32_t in_start = 0;
  uint32_t in_end = 0;
  uint32_t scan_from = 0;         // find_head_end resume point, relative to in_start
  uint64_t body_left = 0;         // request body bytes still to skip
  ResponseKind pending_kind{};    // the answer to the request whose body is being skipped
  uint64_t responses_queued = 0;  // for --close-every
  // --count-paths: the PathCounts entry of the last request head framed, and that request's bytes
  // (head + body), counted once its body is in too.
  uint32_t pending_path = kNoPath;
  uint64_t pending_request_bytes = 0;

  // Responses waiting to be sent, in request order (a ring of kQueueCapacity).
  std::array<PendingResponse, kQueueCapacity> queue{};
  uint32_t queue_head = 0;
  uint32_t queue_size = 0;

  // The send in flight: iov[iov_first, iov_count) still to go; it answers batch_responses requests.
  std::array<iovec, kMaxIov> iov{};
  uint32_t iov_first = 0;
  uint32_t iov_count = 0;
  uint32_t batch_responses = 0;  // complete responses in it
  uint32_t batch_partials = 0;   // responses in it that it begins and nothing will complete
  // --count-paths: the PathCounts entry and kind (its size) of each complete response in it,
  // counted once it is sent.
  std::array<uint32_t, kQueueCapacity> batch_paths{};
  std::array<ResponseKind, kQueueCapacity> batch_kinds{};
  AfterSend batch_after = AfterSend::kContinue;
  msghdr msg{};

  __kernel_timespec timer_at{};  // must stay put until the timeout SQE is submitted
  uint64_t linger_deadline_ns = 0;

  bool queue_full() const { return queue_size + kMaxPiecesPerRequest > kQueueCapacity; }
  const PendingResponse& queue_front() const { return queue[queue_head]; }
  void queue_push(PendingResponse r) {
    queue[(queue_head + queue_size) % kQueueCapacity] = r;
    ++queue_size;
    if (r.after != AfterSend::kContinue) close_queued = true;  // nothing may follow it
  }
  void queue_pop() {
    queue_head = (queue_head + 1) % kQueueCapacity;
    --queue_size;
  }
  bool idle() const { return !recv_inflight && !send_inflight && !timer_inflight; }

  [[no_unique_address]] std::conditional_t<T::kIdentity, NoTransportIo, TransportIo> io;
};

// Connections live in fixed-size chunks that never move (the kernel reads msghdr/iovec/timespec
// from them), found by index. Freed slots are reused (and keep their input buffers), so memory
// grows only with the peak number of concurrent connections.
template <class Connection>
class BasicConnectionSlab {
 public:
  static constexpr uint32_t kChunk = 256;
  static constexpr uint32_t kMaxConnections = 1u << 20;

  // A free slot in state kOpen with a fresh generation, or UINT32_MAX when the slab is full.
  uint32_t acquire(int fd) {
    uint32_t index = 0;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      if (size_ == kMaxConnections) return UINT32_MAX;
      if (size_ % kChunk == 0) {
        chunks_.push_back(std::make_unique<Connection[]>(kChunk));
        free_.reserve(chunks_.size() * kChunk);
      }
      index = size_++;
    }
    Connection& c = (*this)[index];
    if (!c.in) {
      c.in = std::make_unique<char[]>(Connection::kInitialInput);
      c.in_capacity = Connection::kInitialInput;
    }
    if constexpr (std::is_same_v<decltype(c.io), TransportIo>) {
      if (!c.io.wire) c.io.wire = std::make_unique<char[]>(TransportIo::kWireBytes);
      c.io.out = iovec{};
      c.io.handshaking = c.io.flight = false;
    }
    c.fd = fd;
    c.index = index;
    c.state = ConnState::kOpen;
    c.recv_inflight = c.send_inflight = c.timer_inflight = false;
    c.peer_eof = c.close_queued = c.discard_input = false;
    c.in_start = c.in_end = c.scan_from = 0;
    c.body_left = 0;
    c.responses_queued = 0;
    c.queue_head = c.queue_size = 0;
    c.iov_first = c.iov_count = c.batch_responses = c.batch_partials = 0;
    c.batch_after = AfterSend::kContinue;
    ++in_use_;
    return index;
  }
  void release(uint32_t index) {
    Connection& c = (*this)[index];
    c.fd = -1;
    c.state = ConnState::kFree;
    c.generation = uring_tag::next_generation(c.generation);
    free_.push_back(index);
    --in_use_;
  }

  Connection& operator[](uint32_t index) { return chunks_[index / kChunk][index % kChunk]; }
  uint32_t size() const { return size_; }
  uint32_t in_use() const { return in_use_; }

 private:
  std::vector<std::unique_ptr<Connection[]>> chunks_;
  std::vector<uint32_t> free_;
  uint32_t size_ = 0;
  uint32_t in_use_ = 0;
};

}  // namespace ringfire::target
