#include "ringfire/engine/timer_wheel.hpp"

#include <bit>

namespace ringfire {

TimerWheel::TimerWheel(uint32_t ids, uint64_t horizon_ns, uint64_t now_ns, uint32_t slots)
    : slots_(std::bit_ceil(slots < 2 ? 2u : slots)),
      mask_(slots_ - 1),
      head_(slots_, kNone),
      next_(ids, kNone),
      prev_(ids, kNone),
      slot_of_(ids, kNone),
      deadline_(ids, 0) {
  // Half the wheel covers the horizon, so a deadline armed up to `horizon_ns` late never lands in
  // a slot the cursor has not reached on this turn.
  tick_ns_ = horizon_ns / (slots_ / 2) + 1;
  cursor_ = now_ns / tick_ns_;
}

void TimerWheel::link(uint32_t id, uint32_t slot) {
  next_[id] = head_[slot];
  prev_[id] = kNone;
  if (head_[slot] != kNone) prev_[head_[slot]] = id;
  head_[slot] = id;
  slot_of_[id] = slot;
}

void TimerWheel::arm(uint32_t id, uint64_t deadline_ns) {
  if (slot_of_[id] != kNone) disarm(id);
  deadline_[id] = deadline_ns;
  uint64_t tick = deadline_ns / tick_ns_;
  if (tick < cursor_) tick = cursor_;  // already due: the next expire() sees it
  link(id, static_cast<uint32_t>(tick & mask_));
}

void TimerWheel::disarm(uint32_t id) {
  const uint32_t slot = slot_of_[id];
  if (slot == kNone) return;
  if (prev_[id] != kNone) {
    next_[prev_[id]] = next_[id];
  } else {
    head_[slot] = next_[id];
  }
  if (next_[id] != kNone) prev_[next_[id]] = prev_[id];
  slot_of_[id] = kNone;
  next_[id] = prev_[id] = kNone;
}

}  // namespace ringfire
