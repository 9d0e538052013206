// What the worker's files share: the user_data tag layout and a few constants. Internal to the
// worker.
#pragma once

#include <cstdint>

#include "ringfire/uring_tag.hpp"

namespace ringfire::worker_detail {

// The operation in a completion's user_data (layout: uring_tag.hpp, shared with the target).
enum class Op : uint8_t { kConnect = 1, kSend = 2, kRecv = 3, kCancel = 4 };

inline constexpr uint64_t tag(Op op, uint32_t id, uint32_t generation) {
  return uring_tag::make(op, id, generation);
}

inline constexpr uint64_t kSecond = 1'000'000'000;
inline constexpr uint64_t kBackoffBaseNs =
    10'000'000;  // first reconnect back-off; doubles up to 1 s
inline constexpr uint8_t kBackoffMaxShift = 7;

}  // namespace ringfire::worker_detail
