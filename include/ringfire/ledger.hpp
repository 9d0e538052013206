// The request ledger of one worker: the one home of request accounting.
//
// A request enters the ledger when its bytes are queued for the kernel (its send SQE is in the
// ring) and is counted as sent from that moment. It then ends exactly once: completed (by status
// class), failed (by class), or in flight when the run stops. The submit that hands queued bytes
// to the kernel stamps them with their send time; a response can only answer a stamped request
// (the kernel had its bytes), so a response for anything else is unsolicited.
//
// Ring-free: the worker calls it from its completion handlers with the time of the batch, and the
// unit tests drive it with random event orders. It also keeps the warm-up/measured split, the -n
// budget, the latency histograms and the per-second series, so that every figure of the report
// about requests comes from here.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ringfire/histogram.hpp"
#include "ringfire/stats.hpp"

namespace ringfire {

class LiveSnapshot;  // live.hpp

struct LedgerPlan {
  uint32_t connections = 0;
  uint32_t depth = 1;  // most requests outstanding on one connection
  uint64_t measure_start_ns = 0;
  uint64_t stop_ns = 0;        // 0: no time limit
  bool open_loop = false;      // latency from the intended send time, send lag recorded
  bool limited = false;        // -n: at most `budget` measured requests without a failure
  uint64_t budget = 0;         // requests of -n (this worker's share)
  uint64_t request_bytes = 0;  // bytes of one request on the wire
};

// Everything the ledger measured; the worker's result embeds it and the run merges it.
struct LedgerResult {
  Counters measured;                 // requests whose measured flag was set when queued
  Counters warmup;                   // the rest, reported apart
  Histogram latency;                 // from the intended send time (closed loop: the actual send)
  Histogram service;                 // from the actual send
  Histogram send_lag;                // open loop: actual − intended send
  uint64_t late = 0;                 // open loop: sent more than kLateNs after intended
  std::vector<SecondStats> seconds;  // index 0 = first measured second
  uint64_t last_response_ns = 0;     // when the last response completed (0: none)
};

// An open-loop request sent later than this after its intended time counts as late.
inline constexpr uint64_t kLateNs = 1'000'000;

class RequestLedger {
 public:
  explicit RequestLedger(const LedgerPlan& plan);

  // ---- queueing (the request is sent from here on) ----

  // -n: how many of `want` requests may be queued now; takes them from the budget. Requests
  // outside the measured window, or runs without -n, are not limited.
  uint32_t take_budget(uint32_t want, bool measured) {
    return plan_.limited && measured ? take_limited(want) : want;
  }
  // Queues `n` requests on connection `id` (one send). `intended_ns`: the open loop's schedule
  // (closed loop: ignored, the stamp sets it). `budgeted`: taken with take_budget().
  void queue(uint32_t id, uint32_t n, uint64_t intended_ns, bool measured, bool budgeted,
             uint64_t now);
  // Every request queued since the last stamp was handed to the kernel at `now`. Calls
  // `arm(id, sent_ns)` for each connection that got its first outstanding stamped request (the
  // worker starts its timeout there).
  template <class Arm>
  void stamp(uint64_t now, Arm&& arm);

  // ---- endings ----

  enum class Match : uint8_t {
    kCompleted,    // the oldest stamped request of the connection is answered
    kUnsolicited,  // nothing stamped was outstanding: counted, and the connection must go
  };
  // A complete response with `status` arrived on `id` at `now`. kUnsolicited is counted.
  Match complete(uint32_t id, uint16_t status, uint64_t now);
  // Every request outstanding on `id` fails with `why`; returns how many. The -n budget gets
  // them back (their replacements are new sends).
  uint32_t fail(uint32_t id, ErrorClass why, uint64_t now);
  // The run stopped: what is outstanding is in flight; the series is closed at `now`.
  void finish(uint64_t now);

  // ---- connection events (not requests; counted in the epoch of `now`) ----
  void connected(uint64_t now);
  void disconnected() { --open_; }  // a connection that connected() reported is gone
  // A connection attempt failed with errno `err` (positive; ETIMEDOUT for our own timeout).
  void connect_failed(int err, uint64_t now);
  void server_closed(uint64_t now) { counters_at(now).peer_closes++; }
  // Bytes that answer no request (a response, or junk, with nothing stamped outstanding).
  void unsolicited(uint64_t now) { counters_at(now).unsolicited++; }
  // Why a parse error happened (the requests it cost are failed with ErrorClass::kParse).
  void parse_failed(size_t reason, uint64_t now) { counters_at(now).parse_errors[reason]++; }
  void received(uint64_t bytes, uint64_t now);

  // Each closed measured second is also published to `live` (the progress line; live.hpp).
  void publish_live(LiveSnapshot* live) { live_ = live; }

  // ---- queries ----
  uint32_t outstanding(uint32_t id) const { return slices_[id].count; }
  // The oldest outstanding request was stamped (its deadline can be armed): its send time, or 0.
  uint64_t oldest_sent_ns(uint32_t id) const {
    return slices_[id].count != 0 ? at(id, slices_[id].head).sent_ns : 0;
  }
  // A stamped request waits for its response on `id`: incoming bytes can answer it.
  bool awaiting_response(uint32_t id) const { return slices_[id].stamped != 0; }
  uint64_t in_flight() const { return in_flight_; }
  uint64_t open_connections() const { return open_; }
  bool budget_spent() const { return plan_.limited && budget_used_ >= plan_.budget; }
  const LedgerResult& result() const { return result_; }
  LedgerResult& result() { return result_; }

 private:
  struct Pending {
    uint64_t intended_ns;
    uint64_t sent_ns;  // 0 until the submit that hands it to the kernel
    bool measured;     // decided once, when queued
    bool budgeted;     // taken from the -n budget
  };
  struct Slice {
    uint32_t head = 0;   // index of the oldest outstanding request
    uint32_t count = 0;  // outstanding requests (queued or stamped)
    uint32_t stamped = 0;
  };

  // Entry k of connection id's ring, for k < 2 * depth (head < depth, count <= depth): a
  // compare instead of a division per request.
  uint32_t wrap(uint32_t k) const { return k >= plan_.depth ? k - plan_.depth : k; }
  Pending& at(uint32_t id, uint32_t k) { return pending_[size_t{id} * plan_.depth + wrap(k)]; }
  const Pending& at(uint32_t id, uint32_t k) const {
    return pending_[size_t{id} * plan_.depth + wrap(k)];
  }
  Counters& counters_at(uint64_t now) {
    return now >= plan_.measure_start_ns ? result_.measured : result_.warmup;
  }
  Counters& counters_for(bool measured) { return measured ? result_.measured : result_.warmup; }
  uint32_t take_limited(uint32_t want) {
    const uint64_t left = plan_.budget > budget_used_ ? plan_.budget - budget_used_ : 0;
    const auto n = static_cast<uint32_t>(std::min<uint64_t>(want, left));
    budget_used_ += n;
    return n;
  }
  SecondStats* second_at(uint64_t t);
  SecondStats* second_at_slow(uint64_t t);
  void open_seconds_to(uint64_t index);  // cold: a new second began
  void close_last_second();
  void stamp_one(Pending& p, uint64_t now);

  const LedgerPlan plan_;
  std::vector<Pending> pending_;  // depth entries per connection, a ring each
  std::vector<Slice> slices_;
  std::vector<uint32_t> unstamped_;    // connections with queued requests awaiting their stamp
  std::vector<uint8_t> listed_;        // connection is in unstamped_
  uint64_t budget_used_ = 0;           // -n: measured requests queued and not failed
  uint64_t in_flight_ = 0;             // queued or stamped, not ended
  uint64_t open_ = 0;                  // connections between connected() and disconnected()
  uint64_t last_second_ = UINT64_MAX;  // index of the last second of the window (stop set)
  // The last second_at() answer: times in [second_begin_, second_end_) are in row second_row_.
  uint64_t second_begin_ = 0, second_end_ = 0, second_row_ = 0;
  Histogram second_latency_;  // the current second's latencies, folded when it closes
  LedgerResult result_;
  LiveSnapshot* live_ = nullptr;  // null: no progress line
};

// ---- the hot half, inline: called per request ----

inline void RequestLedger::queue(uint32_t id, uint32_t n, uint64_t intended_ns, bool measured,
                                 bool budgeted, uint64_t now) {
  Slice& s = slices_[id];
  for (uint32_t k = 0; k < n; ++k)
    at(id, s.head + s.count + k) = Pending{intended_ns, 0, measured, budgeted};
  s.count += n;
  in_flight_ += n;
  Counters& c = counters_for(measured);
  c.sent += n;
  c.bytes_sent += plan_.request_bytes * n;
  if (measured) {
    if (SecondStats* sec = second_at(now)) sec->sent += n;
  }
  if (listed_[id] == 0) {
    listed_[id] = 1;
    unstamped_.push_back(id);
  }
}

template <class Arm>
void RequestLedger::stamp(uint64_t now, Arm&& arm) {
  for (const uint32_t id : unstamped_) {
    listed_[id] = 0;
    Slice& s = slices_[id];
    const bool first = s.stamped == 0;
    for (uint32_t k = s.stamped; k < s.count; ++k) stamp_one(at(id, s.head + k), now);
    s.stamped = s.count;
    if (first && s.count != 0) arm(id, now);
  }
  unstamped_.clear();
}

inline void RequestLedger::stamp_one(Pending& p, uint64_t now) {
  p.sent_ns = now;
  if (!plan_.open_loop) {
    p.intended_ns = now;  // closed loop: intended is the actual send
    return;
  }
  if (!p.measured) return;
  const uint64_t lag = now - p.intended_ns;
  result_.send_lag.record(lag);
  SecondStats* sec = second_at(now);
  if (lag > kLateNs) {
    ++result_.late;
    if (sec != nullptr) sec->late++;
  }
  if (sec != nullptr && lag > sec->lag_max) sec->lag_max = lag;
}

inline RequestLedger::Match RequestLedger::complete(uint32_t id, uint16_t status, uint64_t now) {
  Slice& s = slices_[id];
  if (s.stamped == 0) {
    counters_at(now).unsolicited++;
    return Match::kUnsolicited;
  }
  const Pending p = at(id, s.head);
  SecondStats* sec = p.measured ? second_at(now) : nullptr;  // first: may close the last second
  s.head = wrap(s.head + 1);
  --s.count;
  --s.stamped;
  --in_flight_;
  Counters& c = counters_for(p.measured);
  c.completed++;
  c.status[status < 600 ? status / 100 : 0]++;
  result_.last_response_ns = now;
  if (p.measured) {
    const uint64_t latency = now - p.intended_ns;
    result_.latency.record(latency);
    result_.service.record(now - p.sent_ns);
    second_latency_.record(latency);
    if (sec != nullptr) sec->completed++;
  }
  return Match::kCompleted;
}

inline void RequestLedger::received(uint64_t bytes, uint64_t now) {
  if (now >= plan_.measure_start_ns) {
    result_.measured.bytes_received += bytes;
    if (SecondStats* sec = second_at(now)) sec->bytes_received += bytes;
  } else {
    result_.warmup.bytes_received += bytes;
  }
}

inline SecondStats* RequestLedger::second_at(uint64_t t) {
  if (t - second_begin_ < second_end_ - second_begin_) return &result_.seconds[second_row_];
  return second_at_slow(t);
}

}  // namespace ringfire
