// What the worker's files share: the user_data tag layout and a few constants. Internal to the
// worker.
#pragma once

#include <cstdint>

namespace ringfire::worker_detail {

// user_data: operation (8 bits) | generation (24 bits) | connection (32 bits). A raw pointer
// would not tell a completion for a recycled connection from one for the live one.
enum class Op : uint8_t { kConnect = 1, kSend = 2, kRecv = 3, kCancel = 4 };

inline constexpr uint64_t tag(Op op, uint32_t id, uint32_t generation) {
  return (static_cast<uint64_t>(op) << 56) | (static_cast<uint64_t>(generation & 0xffffff) << 32) |
         id;
}
inline constexpr Op tag_op(uint64_t t) {
  return static_cast<Op>(t >> 56);
}
inline constexpr uint32_t tag_generation(uint64_t t) {
  return static_cast<uint32_t>(t >> 32) & 0xffffff;
}
inline constexpr uint32_t tag_id(uint64_t t) {
  return static_cast<uint32_t>(t);
}

inline constexpr uint64_t kSecond = 1'000'000'000;
inline constexpr uint64_t kBackoffBaseNs =
    10'000'000;  // first reconnect back-off; doubles up to 1 s
inline constexpr uint8_t kBackoffMaxShift = 7;

}  // namespace ringfire::worker_detail
