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

#include "ringfire/http/expect.hpp"
#include "ringfire/metrics/histogram.hpp"
#include "ringfire/metrics/stats.hpp"

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
  uint64_t request_bytes = 0;  // bytes of one request on the wire (queue() without a list)
  // One entry per label of the scenario when the run keeps per-label figures (several labels,
  // or an expect to check); empty: one label, any complete response completes.
  std::vector<Expect> labels;
};

// One label's figures, measured window only (the warm-up is reported in total alone).
struct LabelResult {
  Counters counters;  // sent, completed, errors by class, in flight, bytes
  Histogram latency;  // completed responses only, as the totals
};

// A request as queue() takes it from a scenario: its label and its size on the wire.
struct QueuedRequest {
  uint16_t label = 0;
  uint32_t bytes = 0;
};

// Everything the ledger measured; the worker's result embeds it and the run merges it.
struct LedgerResult {
  Counters measured;   // requests whose measured flag was set when queued
  Counters warmup;     // the rest, reported apart
  Histogram latency;   // from the intended send time (closed loop: the actual send)
  Histogram service;   // from the actual send (closed loop: latency, copied at finish)
  Histogram send_lag;  // open loop: actual − intended send
  uint64_t late = 0;   // open loop: sent more than kLateNs after intended
  std::vector<SecondStats> seconds;  // index 0 = first measured second
  uint64_t last_response_ns = 0;     // when the last response completed (0: none)
  std::vector<LabelResult> labels;   // LedgerPlan::labels' order; empty when not kept
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
  // (closed loop: ignored, the stamp sets it). `budgeted`: taken with take_budget(). `requests`:
  // each one's label and size (nullptr: label 0, LedgerPlan::request_bytes each).
  void queue(uint32_t id, uint32_t n, uint64_t intended_ns, bool measured, bool budgeted,
             uint64_t now, const QueuedRequest* requests = nullptr);
  // Every request queued since the last stamp was handed to the kernel at `now`. Calls
  // `arm(id, sent_ns)` for each connection that got its first outstanding stamped request (the
  // worker starts its timeout there).
  template <class Arm>
  void stamp(uint64_t now, Arm&& arm);
  bool has_unstamped() const { return !unstamped_.empty(); }

  // ---- endings ----

  enum class Match : uint8_t {
    kCompleted,    // the oldest stamped request of the connection is answered
    kRefused,      // answered, but its label's expect refused the response: a failed request
    kUnsolicited,  // nothing stamped was outstanding: counted, and the connection must go
  };
  // A complete response arrived on `id` at `now` (its status and size from ResponseInfo).
  // kUnsolicited is counted.
  Match complete(uint32_t id, uint16_t status, uint64_t body_bytes, uint64_t response_bytes,
                 uint64_t now);
  // HTTP/2 (responses end out of order, matched by stream id): the newest request queued on
  // `id` carries `stream`; front() brings a stream's request to the head of the connection's
  // ring (the others keep their order), so that complete() ends that one. False
  // when no stamped request of `id` has that stream (complete() then counts it unsolicited).
  void tag_newest(uint32_t id, uint32_t stream);
  bool front(uint32_t id, uint32_t stream);
  // The request of `stream` fails with `why`, stamped or not (a stream nghttp2 refused before
  // its bytes left ends too); the others keep their order. False when `id` has no such stream.
  bool fail_stream(uint32_t id, uint32_t stream, ErrorClass why, uint64_t now);
  // Every request on `id` whose stream id is above `last` fails with `why` (a GOAWAY's line).
  void fail_streams_above(uint32_t id, uint32_t last, ErrorClass why, uint64_t now);
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
  // Bytes in: `wire` crossed the socket, of which the parser consumed `http` (the transport's
  // framing and bytes that did not parse are the difference).
  void received(uint64_t wire, uint64_t http, uint64_t now);
  // Bytes out: what the transport handed the kernel for a send (a request's HTTP bytes are
  // counted when it is queued; on plain TCP the two are the same).
  void sent_wire(uint64_t wire, uint64_t now) { counters_at(now).bytes_sent += wire; }

  // Each closed measured second is also published to `live` (the progress line; live.hpp).
  void publish_live(LiveSnapshot* live) { live_ = live; }

  // ---- queries ----
  uint32_t outstanding(uint32_t id) const { return slices_[id].count; }
  // The oldest outstanding request was stamped (its deadline can be armed): its send time, or 0.
  uint64_t oldest_sent_ns(uint32_t id) const {
    return slices_[id].count != 0 ? at(id, slices_[id].head).sent_ns : 0;
  }
  // The label of the oldest outstanding request on `id` (0 when none, or labels not kept).
  uint16_t oldest_label(uint32_t id) const {
    return slices_[id].count != 0 ? at(id, slices_[id].head).label : 0;
  }
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
    uint16_t label;    // index into LedgerPlan::labels (0 when not kept)
    uint32_t stream;   // HTTP/2: its stream id (0 for HTTP/1.1, which matches by order)
  };
  static_assert(sizeof(Pending) == 24, "the label and the stream fit in the padding");
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
  // One request failed with `why`: its class counted (and its label's), its -n budget given back
  // (a new request replaces it). The caller counts the second's errors and removes the entry.
  void count_failure(const Pending& p, ErrorClass why);
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
  // Cold: an expect failed.
  Match refuse(const Pending& p, ErrorClass why, uint64_t response_bytes, uint64_t now);
  bool keeps_labels() const { return !result_.labels.empty(); }

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
                                 bool budgeted, uint64_t now, const QueuedRequest* requests) {
  Slice& s = slices_[id];
  Counters& c = counters_for(measured);
  if (requests == nullptr) {
    for (uint32_t k = 0; k < n; ++k)
      at(id, s.head + s.count + k) = Pending{intended_ns, 0, measured, budgeted, 0, 0};
    c.http_bytes_sent += plan_.request_bytes * n;
  } else {
    for (uint32_t k = 0; k < n; ++k) {
      const QueuedRequest& q = requests[k];
      at(id, s.head + s.count + k) = Pending{intended_ns, 0, measured, budgeted, q.label, 0};
      c.http_bytes_sent += q.bytes;
      if (measured && keeps_labels()) {
        Counters& l = result_.labels[q.label].counters;
        l.sent++;
        l.http_bytes_sent += q.bytes;
      }
    }
  }
  s.count += n;
  in_flight_ += n;
  c.sent += n;
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

inline RequestLedger::Match RequestLedger::complete(uint32_t id, uint16_t status,
                                                    uint64_t body_bytes, uint64_t response_bytes,
                                                    uint64_t now) {
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
  result_.last_response_ns = now;
  LabelResult* label = nullptr;
  if (keeps_labels()) {
    const Expect& e = plan_.labels[p.label];
    if (!e.status_ok(status)) return refuse(p, ErrorClass::kUnexpectedStatus, response_bytes, now);
    if (!e.body_ok(body_bytes))
      return refuse(p, ErrorClass::kUnexpectedBodySize, response_bytes, now);
    if (p.measured) label = &result_.labels[p.label];
  }
  Counters& c = counters_for(p.measured);
  c.completed++;
  c.status[status < 600 ? status / 100 : 0]++;
  if (p.measured) {
    const uint64_t latency = now - p.intended_ns;
    result_.latency.record(latency);
    // Closed loop: the intended time is the actual send, so service == latency (finish() copies).
    if (plan_.open_loop) result_.service.record(now - p.sent_ns);
    second_latency_.record(latency);
    if (sec != nullptr) sec->completed++;
    if (label != nullptr) {
      label->counters.completed++;
      label->counters.status[status < 600 ? status / 100 : 0]++;
      label->counters.http_bytes_received += response_bytes;
      label->latency.record(latency);
    }
  }
  return Match::kCompleted;
}

inline void RequestLedger::received(uint64_t wire, uint64_t http, uint64_t now) {
  if (now >= plan_.measure_start_ns) {
    result_.measured.bytes_received += wire;
    result_.measured.http_bytes_received += http;
    if (SecondStats* sec = second_at(now)) sec->bytes_received += wire;
  } else {
    result_.warmup.bytes_received += wire;
    result_.warmup.http_bytes_received += http;
  }
}

inline SecondStats* RequestLedger::second_at(uint64_t t) {
  if (t - second_begin_ < second_end_ - second_begin_) return &result_.seconds[second_row_];
  return second_at_slow(t);
}

}  // namespace ringfire
