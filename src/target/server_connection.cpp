#include "ringfire/target/server_connection.hpp"

#include <cstdint>

#include "ringfire/engine/uring_tag.hpp"

namespace ringfire::target {

uint32_t ConnectionSlab::acquire(int fd) {
  uint32_t index = 0;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (size_ == kMaxConnections) return UINT32_MAX;
    if (size_ % kChunk == 0) {
      chunks_.push_back(std::make_unique<ServerConnection[]>(kChunk));
      free_.reserve(chunks_.size() * kChunk);
    }
    index = size_++;
  }
  ServerConnection& c = (*this)[index];
  if (!c.in) {
    c.in = std::make_unique<char[]>(ServerConnection::kInitialInput);
    c.in_capacity = ServerConnection::kInitialInput;
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

void ConnectionSlab::release(uint32_t index) {
  ServerConnection& c = (*this)[index];
  c.fd = -1;
  c.state = ConnState::kFree;
  c.generation = uring_tag::next_generation(c.generation);
  free_.push_back(index);
  --in_use_;
}

}  // namespace ringfire::target
