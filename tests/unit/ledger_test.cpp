// The request ledger, driven without a ring: unit cases for each rule, then random event orders
// (queue / stamp / response / failure in the same batch / late completion / stop) checked against
// a model after every step.
#include "ringfire/engine/ledger.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ringfire {
namespace {

constexpr uint64_t kS = 1'000'000'000;

LedgerPlan plan(uint32_t connections, uint32_t depth) {
  LedgerPlan p;
  p.connections = connections;
  p.depth = depth;
  p.measure_start_ns = 10 * kS;
  p.stop_ns = 13 * kS;
  p.request_bytes = 40;
  return p;
}

const auto kNoArm = [](uint32_t, uint64_t) {};

TEST(Ledger, QueuedIsSentAndAResponseNeedsTheStamp) {
  RequestLedger l(plan(1, 2));
  l.queue(0, 1, 0, true, false, 10 * kS);
  EXPECT_EQ(l.result().measured.sent, 1u);
  EXPECT_EQ(l.result().measured.http_bytes_sent, 40u);  // the wire bytes come with the send
  l.sent_wire(40, 10 * kS);
  EXPECT_EQ(l.result().measured.bytes_sent, 40u);
  // The bytes are queued but not submitted: a response now answers nothing of ours.
  EXPECT_EQ(l.complete(0, 200, 0, 0, 10 * kS + 5), RequestLedger::Match::kUnsolicited);
  EXPECT_EQ(l.result().measured.unsolicited, 1u);
  EXPECT_EQ(l.result().measured.completed, 0u);
  l.stamp(10 * kS + 10, kNoArm);
  EXPECT_EQ(l.complete(0, 200, 0, 0, 10 * kS + 110), RequestLedger::Match::kCompleted);
  EXPECT_EQ(l.result().measured.completed, 1u);
  EXPECT_EQ(l.result().latency.max(), 100u);
}

TEST(Ledger, FailureInTheSameBatchStillCountsTheQueuedRequestAsSent) {
  RequestLedger l(plan(1, 4));
  l.queue(0, 1, 0, true, false, 10 * kS);
  l.queue(0, 1, 0, true, false, 10 * kS);
  EXPECT_EQ(l.fail(0, ErrorClass::kClosed, 10 * kS), 2u);
  l.stamp(10 * kS + 1, kNoArm);  // nothing left to stamp
  l.finish(11 * kS);
  const Counters& m = l.result().measured;
  EXPECT_EQ(m.sent, 2u);
  EXPECT_EQ(m.error(ErrorClass::kClosed), 2u);
  EXPECT_EQ(m.in_flight, 0u);
  EXPECT_TRUE(m.balanced());
}

TEST(Ledger, StampArmsTheDeadlineOnceAndSetsClosedLoopIntendedTime) {
  RequestLedger l(plan(2, 2));
  std::vector<std::pair<uint32_t, uint64_t>> armed;
  const auto arm = [&armed](uint32_t id, uint64_t t) { armed.emplace_back(id, t); };
  l.queue(1, 1, 0, true, false, 10 * kS);
  l.stamp(10 * kS + 7, arm);
  l.queue(1, 1, 0, true, false, 10 * kS + 8);  // behind a stamped one: no new deadline
  l.stamp(10 * kS + 9, arm);
  ASSERT_EQ(armed.size(), 1u);
  EXPECT_EQ(armed[0], std::make_pair(1u, 10 * kS + 7));
  EXPECT_EQ(l.oldest_sent_ns(1), 10 * kS + 7);
  EXPECT_EQ(l.complete(1, 204, 0, 0, 10 * kS + 20), RequestLedger::Match::kCompleted);
  EXPECT_EQ(l.oldest_sent_ns(1), 10 * kS + 9);
  EXPECT_EQ(l.result().latency.max(), 13u);
}

TEST(Ledger, BudgetIsReturnedByFailures) {
  LedgerPlan p = plan(1, 4);
  p.limited = true;
  p.budget = 3;
  RequestLedger l(p);
  EXPECT_EQ(l.take_budget(4, true), 3u);
  for (int k = 0; k < 3; ++k) l.queue(0, 1, 0, true, true, 10 * kS);
  EXPECT_TRUE(l.budget_spent());
  EXPECT_EQ(l.take_budget(1, false), 1u);  // warm-up requests are not budgeted
  l.fail(0, ErrorClass::kTimeout, 11 * kS);
  EXPECT_FALSE(l.budget_spent());
  EXPECT_EQ(l.take_budget(4, true), 3u);
  EXPECT_EQ(l.result().measured.sent, 3u);  // the replacements will be new sends
}

TEST(Ledger, EpochsAndTheSeriesAddUp) {
  RequestLedger l(plan(1, 1));
  l.connected(9 * kS);  // warm-up
  l.queue(0, 1, 0, false, false, 9 * kS);
  l.stamp(9 * kS, kNoArm);
  l.complete(0, 200, 0, 0, 10 * kS + 1);  // a warm-up request answered in the window
  l.received(100, 90, 10 * kS + 1);
  l.queue(0, 1, 0, true, false, 12 * kS + 5);
  l.stamp(12 * kS + 5, kNoArm);
  l.complete(0, 500, 0, 0, 13 * kS + 3);  // the batch that crosses the stop: the last second
  l.finish(13 * kS + 4);
  const LedgerResult& r = l.result();
  EXPECT_EQ(r.warmup.completed, 1u);
  EXPECT_EQ(r.warmup.connects, 1u);
  EXPECT_EQ(r.measured.completed, 1u);
  EXPECT_EQ(r.measured.status[5], 1u);
  ASSERT_EQ(r.seconds.size(), 3u);  // exactly the window's seconds, no trailing row
  EXPECT_EQ(r.seconds[2].completed, 1u);
  EXPECT_EQ(r.seconds[2].sent, 1u);
  EXPECT_EQ(r.seconds[0].bytes_received, 100u);
  EXPECT_EQ(r.measured.bytes_received, 100u);      // wire bytes
  EXPECT_EQ(r.measured.http_bytes_received, 90u);  // what the parser consumed
  EXPECT_EQ(r.seconds[2].open_connections, 1u);
}

TEST(Ledger, SilentSecondsGetRows) {
  RequestLedger l(plan(1, 1));
  l.queue(0, 1, 0, true, false, 10 * kS);
  l.stamp(10 * kS, kNoArm);
  l.complete(0, 200, 0, 0, 10 * kS + 1);
  l.finish(13 * kS);
  EXPECT_EQ(l.result().seconds.size(), 3u);
  EXPECT_EQ(l.result().last_response_ns, 10 * kS + 1);
}

// ---- random event orders against a model ----

struct Model {
  std::vector<uint32_t> outstanding, stamped;
  std::vector<std::vector<bool>> measured;  // per outstanding request, oldest first
  uint64_t out_measured = 0, out_warmup = 0;
};

void check_identity(const RequestLedger& l, const Model& m) {
  const LedgerResult& r = l.result();
  ASSERT_EQ(r.measured.sent, r.measured.completed + r.measured.failed() + m.out_measured);
  ASSERT_EQ(r.warmup.sent, r.warmup.completed + r.warmup.failed() + m.out_warmup);
  ASSERT_EQ(l.in_flight(), m.out_measured + m.out_warmup);
}

void run_random(uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto pick = [&rng](uint64_t n) { return static_cast<uint32_t>(rng() % n); };
  const uint32_t conns = 1 + pick(4);
  const uint32_t depth = 1 + pick(4);
  LedgerPlan p = plan(conns, depth);
  p.open_loop = pick(2) == 0;
  p.limited = pick(3) == 0;
  p.budget = 50;
  // Half the runs keep three labels: 0 takes anything, 1 wants a 2xx, 2 at most 100 body bytes.
  const bool labelled = pick(2) == 0;
  if (labelled) {
    p.labels.resize(3);
    p.labels[1].allow_class(2);
    p.labels[2].body_max = 100;
  }
  RequestLedger l(p);
  Model m;
  m.outstanding.assign(conns, 0);
  m.stamped.assign(conns, 0);
  m.measured.assign(conns, {});
  uint64_t t = 9 * kS;
  uint64_t last_event = t;
  for (int step = 0; step < 400; ++step) {
    t += rng() % (30'000'000);
    const uint32_t id = pick(conns);
    const auto end_oldest = [&](uint32_t c) {
      const bool meas = m.measured[c].front();
      m.measured[c].erase(m.measured[c].begin());
      (meas ? m.out_measured : m.out_warmup)--;
      --m.outstanding[c];
    };
    switch (pick(6)) {
      case 0:
      case 1: {  // queue what fits
        // Open loop: measured when intended in the window; closed loop: when queued in it.
        const uint64_t intended = p.open_loop ? t - rng() % 1'000'000 : 0;
        const bool meas = (p.open_loop ? intended : t) >= p.measure_start_ns;
        const uint32_t room = depth - m.outstanding[id];
        const uint32_t n = l.take_budget(room == 0 ? 0 : 1 + pick(room), meas);
        std::vector<QueuedRequest> queued(n);
        for (QueuedRequest& q : queued) q = {static_cast<uint16_t>(labelled ? pick(3) : 0), 7};
        if (n != 0) l.queue(id, n, intended, meas, meas && p.limited, t, queued.data());
        for (uint32_t k = 0; k < n; ++k) {
          m.measured[id].push_back(meas);
          (meas ? m.out_measured : m.out_warmup)++;
          ++m.outstanding[id];
        }
        break;
      }
      case 2:  // the submit
        l.stamp(t, [&](uint32_t c, uint64_t sent) {
          ASSERT_EQ(m.stamped[c], 0u);
          ASSERT_EQ(sent, t);
        });
        for (uint32_t c = 0; c < conns; ++c) m.stamped[c] = m.outstanding[c];
        break;
      case 3:
      case 4: {  // a response, possibly for nothing stamped
        const uint16_t label = l.oldest_label(id);
        const auto status = static_cast<uint16_t>(100 + pick(500));
        const uint64_t body = pick(200);
        const auto match = l.complete(id, status, body, body + 50, t);
        ASSERT_EQ(match != RequestLedger::Match::kUnsolicited, m.stamped[id] != 0);
        if (m.stamped[id] != 0) {
          const bool refused = labelled && ((label == 1 && (status < 200 || status > 299)) ||
                                            (label == 2 && body > 100));
          ASSERT_EQ(match == RequestLedger::Match::kRefused, refused);
        }
        if (m.stamped[id] != 0) {
          end_oldest(id);
          --m.stamped[id];
        }
        break;
      }
      case 5: {  // a failure, often in the same batch as queueing
        // Transport failures only: an expect's classes come from complete().
        const auto why =
            static_cast<ErrorClass>(1 + pick(static_cast<uint64_t>(ErrorClass::kAfterClose)));
        ASSERT_EQ(l.fail(id, why, t), m.outstanding[id]);
        while (m.outstanding[id] != 0) end_oldest(id);
        m.stamped[id] = 0;
        break;
      }
    }
    last_event = t;
    check_identity(l, m);
    ASSERT_LE(l.result().latency.max(), last_event - 9 * kS + 1'000'000);
  }
  l.finish(t);
  const LedgerResult& r = l.result();
  ASSERT_TRUE(r.measured.balanced());
  ASSERT_TRUE(r.warmup.balanced());
  ASSERT_EQ(r.measured.in_flight, m.out_measured);
  // The series adds up to the measured totals.
  SecondStats sum;
  for (const SecondStats& s : r.seconds) sum.add(s);
  ASSERT_EQ(sum.sent, r.measured.sent);
  ASSERT_EQ(sum.completed, r.measured.completed);
  ASSERT_EQ(sum.errors, r.measured.failed());
  uint64_t latencies = 0;
  for (const auto& [index, n] : sum.latency) latencies += n;
  ASSERT_EQ(latencies, r.latency.count());
  ASSERT_LE(r.seconds.size(), 3u);
  if (!labelled) {
    ASSERT_TRUE(r.labels.empty());
    return;
  }
  // Every label balances, and the labels add up to the measured totals.
  Counters labels;
  uint64_t label_latencies = 0;
  for (const LabelResult& lr : r.labels) {
    ASSERT_TRUE(lr.counters.balanced());
    ASSERT_EQ(lr.latency.count(), lr.counters.completed);
    labels.add(lr.counters);
    label_latencies += lr.latency.count();
  }
  ASSERT_EQ(labels.sent, r.measured.sent);
  ASSERT_EQ(labels.completed, r.measured.completed);
  ASSERT_EQ(labels.failed(), r.measured.failed());
  ASSERT_EQ(labels.in_flight, r.measured.in_flight);
  ASSERT_EQ(labels.bytes_sent, r.measured.bytes_sent);
  ASSERT_EQ(label_latencies, r.latency.count());
  ASSERT_EQ(r.labels[0].counters.error(ErrorClass::kUnexpectedStatus), 0u);
}

TEST(LedgerProperty, RandomEventOrdersKeepTheIdentity) {
  for (uint64_t seed = 1; seed <= 2000; ++seed) {
    SCOPED_TRACE(seed);
    run_random(seed);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace ringfire
