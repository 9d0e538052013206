// Per-worker timer structure: one deadline per connection (its oldest outstanding request, a
// connect attempt, or a reconnect back-off), in a hashed timing wheel with intrusive links.
//
// Why not a linked IORING_OP_LINK_TIMEOUT per request: that doubles the SQEs and CQEs of the hot
// path. Here arming, re-arming and disarming are O(1) pointer updates in arrays allocated once, and
// expiry walks only the slots that time has passed. The worker calls expire() after each wake-up.
#pragma once

#include <cstdint>
#include <vector>

namespace ringfire {

class TimerWheel {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  // `ids` timers (0..ids-1). The slot width is chosen so that a deadline up to `horizon_ns` ahead
  // of now never wraps around the wheel.
  TimerWheel(uint32_t ids, uint64_t horizon_ns, uint64_t now_ns, uint32_t slots = 4096);

  // (Re)arms timer `id` for `deadline_ns`. A deadline in the past fires on the next expire().
  void arm(uint32_t id, uint64_t deadline_ns);
  void disarm(uint32_t id);
  bool armed(uint32_t id) const { return slot_of_[id] != kNone; }
  uint64_t deadline(uint32_t id) const { return deadline_[id]; }

  // Calls fire(id) for every armed timer whose deadline is <= now_ns, after disarming it (fire may
  // re-arm it). Timers fire in slot order, which is deadline order to within one slot width.
  template <typename Fire>
  void expire(uint64_t now_ns, Fire&& fire) {
    const uint64_t target = now_ns / tick_ns_;
    // Never walk more than one full turn: past that every slot has been seen.
    const uint64_t last = target - cursor_ > slots_ ? cursor_ + slots_ : target;
    for (; cursor_ <= last; ++cursor_) {
      const uint32_t slot = static_cast<uint32_t>(cursor_ & mask_);
      uint32_t id = head_[slot];
      while (id != kNone) {
        const uint32_t next = next_[id];
        if (deadline_[id] <= now_ns) {
          disarm(id);
          fire(id);
        }
        id = next;
      }
      if (cursor_ == last) break;
    }
  }

  uint64_t tick_ns() const { return tick_ns_; }

 private:
  void link(uint32_t id, uint32_t slot);

  uint64_t tick_ns_;
  uint64_t cursor_;  // absolute tick number of the next slot to examine
  uint32_t slots_;
  uint64_t mask_;
  std::vector<uint32_t> head_;
  std::vector<uint32_t> next_;
  std::vector<uint32_t> prev_;
  std::vector<uint32_t> slot_of_;
  std::vector<uint64_t> deadline_;
};

}  // namespace ringfire
