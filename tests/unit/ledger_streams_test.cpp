// The ledger's HTTP/2 side: responses matched by stream id, out of order, each its own latency
// sample; one stream failing alone; a GOAWAY's line failing what lies above it; the identity
// throughout.
#include <gtest/gtest.h>

#include "ringfire/engine/ledger.hpp"
#include "ringfire/http2/h2_request.hpp"

namespace ringfire {
namespace {

constexpr uint64_t kS = 1'000'000'000;

LedgerPlan streams_plan(uint32_t streams) {
  LedgerPlan p;
  p.connections = 1;
  p.depth = streams;
  p.measure_start_ns = 0;
  p.stop_ns = 10 * kS;
  p.request_bytes = 40;
  return p;
}

// Queues streams 1, 3, 5, ... at `at` (one request each), stamped at `at`.
void open_streams(RequestLedger& l, uint32_t n, uint64_t at) {
  for (uint32_t k = 0; k < n; ++k) {
    l.queue(0, 1, 0, true, false, at);
    l.tag_newest(0, 2 * k + 1);
  }
  l.stamp(at, [](uint32_t, uint64_t) {});
}

bool balanced(const RequestLedger& l) {
  const Counters& c = l.result().measured;
  return c.sent == c.completed + c.failed() + l.in_flight();
}

TEST(LedgerStreams, ResponsesMatchByStreamInAnyOrder) {
  RequestLedger l(streams_plan(4));
  open_streams(l, 4, 1 * kS);
  // Stream 5 first, 1 last: each latency is its own stream's.
  ASSERT_TRUE(l.front(0, 5));
  EXPECT_EQ(l.complete(0, 200, 0, 0, 1 * kS + 500), RequestLedger::Match::kCompleted);
  ASSERT_TRUE(l.front(0, 7));
  EXPECT_EQ(l.complete(0, 200, 0, 0, 1 * kS + 700), RequestLedger::Match::kCompleted);
  EXPECT_FALSE(l.front(0, 5));  // already ended
  EXPECT_FALSE(l.front(0, 9));  // never opened
  ASSERT_TRUE(l.front(0, 3));
  l.complete(0, 200, 0, 0, 1 * kS + 300);
  ASSERT_TRUE(l.front(0, 1));
  l.complete(0, 200, 0, 0, 1 * kS + 100);
  EXPECT_EQ(l.result().measured.completed, 4u);
  EXPECT_EQ(l.result().latency.min(), 100u);
  EXPECT_EQ(l.result().latency.max(), 700u);
  EXPECT_EQ(l.outstanding(0), 0u);
  EXPECT_TRUE(balanced(l));
}

TEST(LedgerStreams, OneStreamFailsAloneAndTheOthersKeepTheirOrder) {
  RequestLedger l(streams_plan(4));
  open_streams(l, 3, 1 * kS);
  ASSERT_TRUE(l.fail_stream(0, 3, ErrorClass::kStreamReset, 1 * kS + 10));
  EXPECT_EQ(l.result().measured.error(ErrorClass::kStreamReset), 1u);
  EXPECT_EQ(l.outstanding(0), 2u);
  // Stream 1 is still the head (the oldest): its send time arms the timeout.
  EXPECT_EQ(l.oldest_sent_ns(0), 1 * kS);
  EXPECT_TRUE(balanced(l));
}

TEST(LedgerStreams, AGoawayFailsOnlyTheStreamsAboveItsLine) {
  LedgerPlan p = streams_plan(8);
  p.limited = true;
  p.budget = 8;
  RequestLedger l(p);
  ASSERT_EQ(l.take_budget(6, true), 6u);
  for (uint32_t k = 0; k < 6; ++k) {
    l.queue(0, 1, 0, true, true, 1 * kS);
    l.tag_newest(0, 2 * k + 1);
  }
  l.stamp(1 * kS, [](uint32_t, uint64_t) {});
  l.fail_streams_above(0, 5, ErrorClass::kNotProcessed, 1 * kS + 5);  // 7, 9, 11 never processed
  EXPECT_EQ(l.result().measured.error(ErrorClass::kNotProcessed), 3u);
  EXPECT_EQ(l.outstanding(0), 3u);
  EXPECT_TRUE(l.front(0, 5));
  EXPECT_FALSE(l.front(0, 7));
  // -n: their budget came back (5 of 8 can be taken again).
  EXPECT_EQ(l.take_budget(8, true), 5u);
  EXPECT_TRUE(balanced(l));
}

TEST(H2Request, TheHttp1RequestBecomesPseudoHeadersAndFields) {
  const std::string http1 =
      "POST /a?b=1 HTTP/1.1\r\nHost: example:8080\r\nConnection: keep-alive\r\nX-Y: z\r\n"
      "Content-Length: 3\r\n\r\nabc";
  H2Request r;
  ASSERT_TRUE(to_h2_request({http1.data(), http1.size()}, "http", r));
  std::vector<std::pair<std::string, std::string>> got;
  for (const nghttp2_nv& nv : r.nv) {
    got.emplace_back(std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                     std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen));
  }
  const std::vector<std::pair<std::string, std::string>> want = {
      {":method", "POST"}, {":scheme", "http"}, {":authority", "example:8080"},
      {":path", "/a?b=1"}, {"x-y", "z"},        {"content-length", "3"}};
  EXPECT_EQ(got, want);  // Connection is gone (RFC 9113 8.2.2), Host became :authority
  EXPECT_EQ(std::string(r.body.data(), r.body.size()), "abc");
  EXPECT_EQ(r.http_bytes, http1.size());
  H2Request bad;
  EXPECT_FALSE(to_h2_request({"GET / HTTP/1.1\r\n", 16}, "http", bad));
}

}  // namespace
}  // namespace ringfire
