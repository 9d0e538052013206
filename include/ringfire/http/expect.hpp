// What a label expects of its responses (a scenario's `expect`). A complete response that breaks
// it is a failed request of its label, counted by class (ErrorClass::kUnexpectedStatus /
// kUnexpectedBodySize); the connection stays open, the protocol was fine.
#pragma once

#include <bitset>
#include <cstdint>
#include <limits>

namespace ringfire {

struct Expect {
  std::bitset<1000> status;  // allowed status codes; none set: any status is allowed
  uint64_t body_min = 0;     // allowed body bytes as framed on the wire (inclusive)
  uint64_t body_max = std::numeric_limits<uint64_t>::max();

  bool any() const { return status.none() && body_min == 0 && body_max == kNoMax; }
  bool status_ok(uint16_t code) const { return status.none() || (code < 1000 && status[code]); }
  bool body_ok(uint64_t bytes) const { return bytes >= body_min && bytes <= body_max; }
  // Allows every code of a class: `klass` 1..5 for 1xx..5xx.
  void allow_class(unsigned klass) {
    for (unsigned c = klass * 100; c < klass * 100 + 100; ++c) status.set(c);
  }

  static constexpr uint64_t kNoMax = std::numeric_limits<uint64_t>::max();
};

}  // namespace ringfire
