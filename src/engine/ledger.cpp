// The cold half of the request ledger: budget, failures, the stop, and the per-second series.
// The per-request half (queue, stamp, complete) is inline in ledger.hpp.
#include "ringfire/engine/ledger.hpp"

#include "ringfire/engine/live.hpp"
#include "ringfire/http/http_parser.hpp"

namespace ringfire {

// parse_failed() counts by ParseError in an array of the metrics layer, which cannot see the
// parser: the one place that sees both checks the room.
static_assert(static_cast<size_t>(ParseError::kCount) <= kParseErrorSlots);

namespace {
constexpr uint64_t kSecondNs = 1'000'000'000;
}

RequestLedger::RequestLedger(const LedgerPlan& plan)
    : plan_(plan),
      pending_(size_t{plan.connections} * plan.depth),
      slices_(plan.connections),
      listed_(plan.connections, 0) {
  unstamped_.reserve(plan.connections);
  result_.labels.resize(plan.labels.size());
  if (plan.stop_ns > plan.measure_start_ns) {
    const uint64_t span = plan.stop_ns - plan.measure_start_ns;
    last_second_ = (span + kSecondNs - 1) / kSecondNs - 1;
    result_.seconds.reserve(last_second_ + 1);
  }
}

void RequestLedger::count_failure(const Pending& p, ErrorClass why) {
  if (p.budgeted) --budget_used_;  // -n: a new request replaces it (and is a new send)
  counters_for(p.measured).errors[static_cast<size_t>(why)]++;
  if (p.measured && keeps_labels()) {
    result_.labels[p.label].counters.errors[static_cast<size_t>(why)]++;
  }
}

uint32_t RequestLedger::fail(uint32_t id, ErrorClass why, uint64_t now) {
  Slice& s = slices_[id];
  const uint32_t n = s.count;
  uint64_t measured = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const Pending& p = at(id, s.head + k);
    count_failure(p, why);
    measured += p.measured ? 1 : 0;
  }
  if (measured != 0) {
    if (SecondStats* sec = second_at(now)) sec->errors += measured;
  }
  in_flight_ -= n;
  s = Slice{};
  // Left in unstamped_ (if listed): stamping an empty slice does nothing.
  return n;
}

void RequestLedger::tag_newest(uint32_t id, uint32_t stream) {
  const Slice& s = slices_[id];
  at(id, s.head + s.count - 1).stream = stream;
}

// A linear search over at most --streams entries, and a shift of those before it: with servers
// that answer nearly in order the match is within the first few. The order kept is the send
// order, so the head stays the oldest request (its timeout is the connection's).
bool RequestLedger::front(uint32_t id, uint32_t stream) {
  const Slice& s = slices_[id];
  for (uint32_t k = 0; k < s.stamped; ++k) {
    if (at(id, s.head + k).stream != stream) continue;
    const Pending found = at(id, s.head + k);
    for (uint32_t j = k; j > 0; --j) at(id, s.head + j) = at(id, s.head + j - 1);
    at(id, s.head) = found;
    return true;
  }
  return false;
}

bool RequestLedger::fail_stream(uint32_t id, uint32_t stream, ErrorClass why, uint64_t now) {
  Slice& s = slices_[id];
  uint32_t k = 0;
  while (k < s.count && at(id, s.head + k).stream != stream) ++k;
  if (k == s.count) return false;
  const Pending p = at(id, s.head + k);
  count_failure(p, why);
  if (p.measured) {
    if (SecondStats* sec = second_at(now)) sec->errors++;
  }
  // Close the gap from behind: the head stays, the stamped entries stay a prefix.
  for (uint32_t j = k; j + 1 < s.count; ++j) at(id, s.head + j) = at(id, s.head + j + 1);
  if (k < s.stamped) --s.stamped;
  --s.count;
  --in_flight_;
  return true;
}

void RequestLedger::fail_streams_above(uint32_t id, uint32_t last, ErrorClass why, uint64_t now) {
  for (uint32_t k = 0; k < slices_[id].count;) {
    const uint32_t stream = at(id, slices_[id].head + k).stream;
    if (stream > last && fail_stream(id, stream, why, now)) continue;  // k names the next now
    ++k;
  }
}

void RequestLedger::finish(uint64_t now) {
  for (uint32_t id = 0; id < slices_.size(); ++id) {
    const Slice& s = slices_[id];
    for (uint32_t k = 0; k < s.count; ++k) {
      const Pending& p = at(id, s.head + k);
      counters_for(p.measured).in_flight++;
      if (p.measured && keeps_labels()) result_.labels[p.label].counters.in_flight++;
    }
  }
  // Every second the run reached has its row, even a silent one (a server that stopped
  // answering shows as empty seconds); a run that ran to its stop has ceil(duration) rows, the
  // last holding the events of the batch that crossed the stop.
  if (now >= plan_.measure_start_ns) {
    open_seconds_to(std::min((now - plan_.measure_start_ns) / kSecondNs, last_second_));
  }
  if (!result_.seconds.empty()) close_last_second();
  if (!plan_.open_loop) result_.service = result_.latency;  // the same samples (complete())
}

// The oldest request was answered, but its label's expect refused the response: it failed (by
// `why`), without giving its -n budget back (it was answered; a replacement would be one request
// too many), and its latency is not a completion's.
RequestLedger::Match RequestLedger::refuse(const Pending& p, ErrorClass why,
                                           uint64_t response_bytes, uint64_t now) {
  counters_for(p.measured).errors[static_cast<size_t>(why)]++;
  if (p.measured) {
    Counters& label = result_.labels[p.label].counters;
    label.errors[static_cast<size_t>(why)]++;
    label.http_bytes_received += response_bytes;
    if (SecondStats* sec = second_at(now)) sec->errors++;
  }
  return Match::kRefused;
}

void RequestLedger::connected(uint64_t now) {
  counters_at(now).connects++;
  if (SecondStats* sec = second_at(now)) sec->connects++;
  ++open_;
}

void RequestLedger::connect_failed(int err, uint64_t now) {
  Counters& c = counters_at(now);
  c.connect_failures[static_cast<size_t>(connect_failure_of(err))]++;
  if (SecondStats* sec = second_at(now)) sec->connect_errors++;
}

SecondStats* RequestLedger::second_at_slow(uint64_t t) {
  if (t < plan_.measure_start_ns) return nullptr;
  // Events in the batch that crosses the stop belong to the window's last second, so that the
  // series adds up to the totals and has no near-empty trailing row.
  const uint64_t index = std::min((t - plan_.measure_start_ns) / kSecondNs, last_second_);
  if (index >= result_.seconds.size()) open_seconds_to(index);
  if (index + 1 == result_.seconds.size()) {
    // Only the newest row is cached: an older one never gets later events (times only grow).
    second_row_ = index;
    second_begin_ = plan_.measure_start_ns + index * kSecondNs;
    second_end_ = index == last_second_ ? UINT64_MAX : second_begin_ + kSecondNs;
  }
  return &result_.seconds[index];
}

void RequestLedger::open_seconds_to(uint64_t index) {
  while (result_.seconds.size() <= index) {
    if (!result_.seconds.empty()) close_last_second();
    result_.seconds.emplace_back();
  }
}

void RequestLedger::close_last_second() {
  // The second's latencies as sparse buckets, and the connections open at its end.
  SecondStats& last = result_.seconds.back();
  second_latency_.for_each_bucket([&last](const Histogram::Bucket& b) {
    last.latency.emplace_back(static_cast<uint32_t>(Histogram::bucket_index(b.low)), b.count);
  });
  second_latency_.reset();
  last.open_connections = open_;
  if (live_ != nullptr) live_->publish(last);  // cold, once a second
}

}  // namespace ringfire
