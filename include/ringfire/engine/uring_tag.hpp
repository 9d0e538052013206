// The one user_data layout of ringfire's rings (the load generator's and the target server's):
//
//   bits 63..56  operation   (each side has its own one-byte Op enum)
//   bits 55..32  generation  (24 bits, bumped whenever a connection slot is recycled)
//   bits 31..0   index       (the connection's slot)
//
// A raw pointer would not tell a completion for a recycled connection from one for the live one:
// with the generation, a late completion (a cancel's, a recv that raced a close) is recognised as
// stale and dropped.
#pragma once

#include <cstdint>
#include <type_traits>

namespace ringfire::uring_tag {

inline constexpr uint32_t kGenerationMask = 0xffffff;

template <typename Op>
concept OneByteOp = std::is_enum_v<Op> && sizeof(Op) == 1;

template <OneByteOp Op>
constexpr uint64_t make(Op op, uint32_t index = 0, uint32_t generation = 0) {
  return (uint64_t{static_cast<uint8_t>(op)} << 56) |
         (uint64_t{generation & kGenerationMask} << 32) | index;
}

template <OneByteOp Op>
constexpr Op op(uint64_t tag) {
  return static_cast<Op>(tag >> 56);
}

constexpr uint32_t generation(uint64_t tag) {
  return static_cast<uint32_t>(tag >> 32) & kGenerationMask;
}

constexpr uint32_t index(uint64_t tag) {
  return static_cast<uint32_t>(tag);
}

// The generation a recycled slot gets: what fits in the tag, wrapping after 2^24 reuses.
constexpr uint32_t next_generation(uint32_t generation) {
  return (generation + 1) & kGenerationMask;
}

}  // namespace ringfire::uring_tag
