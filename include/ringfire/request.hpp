// Request bytes, rendered once before the run. The worker sends slices of these buffers and never
// formats anything on the hot path.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ringfire/config.hpp"

namespace ringfire {

class RequestBytes {
 public:
  // Renders `config`'s method, target, headers and body as one HTTP/1.1 request, and a batch of
  // `config.pipeline` copies of it in one contiguous buffer (so a pipelined batch is one send).
  explicit RequestBytes(const RunConfig& config);

  std::span<const char> one() const { return {batch_.data(), size_}; }
  // The first `n` requests of the batch (1 <= n <= depth()).
  std::span<const char> batch(uint32_t n) const { return {batch_.data(), size_ * n}; }
  uint32_t depth() const { return depth_; }
  size_t size() const { return size_; }
  bool head() const { return head_; }

 private:
  std::vector<char> batch_;
  size_t size_ = 0;
  uint32_t depth_ = 1;
  bool head_ = false;
};

// The single request as text, for tests and --verbose.
std::string render_request(const RunConfig& config);

}  // namespace ringfire
