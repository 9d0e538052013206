// The result reader (result/read_json.hpp) on a synthetic result: JSON → from_json → JSON is
// byte-identical, the histograms come back exact (sum, min, max, saturated), and what is not a
// /2 result of ours is refused with one line.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ringfire/http/http_parser.hpp"
#include "ringfire/result/merge.hpp"
#include "ringfire/result/read_json.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {
namespace {

using nlohmann::json;

Result synthetic() {
  Result r;
  UrlError url_error;
  EXPECT_TRUE(parse_url("http://localhost:8080/x?y=1", r.config.url, url_error));
  auto* a = reinterpret_cast<sockaddr_in*>(&r.config.endpoint.addr);
  a->sin_family = AF_INET;
  a->sin_port = htons(8080);
  a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  r.config.endpoint.len = sizeof(sockaddr_in);
  r.config.rate = 1234.5;
  r.config.arrival = Arrival::kPoisson;
  Threshold t;
  std::string error;
  EXPECT_TRUE(parse_threshold("p99<10ms", t, error)) << error;
  r.config.thresholds = {t};
  r.thresholds = {ThresholdCheck{7.5e6, true}};
  r.workers = 2;
  r.worker_cpus = {0, 1};
  r.start_wall = 1767225600.123;
  r.measured_seconds = 2.000123456;
  r.features.buf_ring = true;
  r.features.ext_arg = true;
  for (const uint64_t v :
       {uint64_t{900}, uint64_t{12'345}, uint64_t{7'000'000}, Histogram::kMaxValue + 5}) {
    r.latency.record(v);
    r.service.record(v / 2);
    r.schedule.send_lag.record(v / 3);
    r.connections.connect_latency.record(v / 4 + 1);
  }
  r.measured.sent = 9;
  r.measured.completed = 4;
  r.measured.status[2] = 3;
  r.measured.status[5] = 1;
  r.measured.errors[static_cast<size_t>(ErrorClass::kTimeout)] = 2;
  r.measured.in_flight = 3;
  r.measured.parse_errors[static_cast<size_t>(ParseError::kBadHeader)] = 1;
  r.measured.connect_failures[static_cast<size_t>(ConnectFailure::kNoLocalPort)] = 5;
  r.measured.bytes_sent = 900;
  r.measured.http_bytes_sent = 880;
  r.measured.http_bytes_received = 4000;
  r.warmup.sent = 1;
  r.warmup.completed = 1;
  r.labels = {{"a", r.measured, r.latency}, {"b", {}, {}}};
  r.labels_kept = true;
  r.seconds.resize(2);
  for (size_t k = 0; k < 2; ++k) {
    r.seconds[k].wall = r.start_wall + double(k);
    r.seconds[k].stats.sent = 4 + k;
    r.seconds[k].stats.lag_max = 1'234'567;
    r.seconds[k].stats.latency = {{3, 1}, {700, 2 + k}};
  }
  r.schedule.due = 12;
  r.schedule.kept = false;
  r.schedule.reason = "the server was slow";
  r.connections.planned = 8;
  r.start_ns = 1'000'000;
  r.connections.first_open_ns = 1'500'000;
  r.connections.all_open_ns = 2'750'001;
  r.outcome.kind = Outcome::Kind::kServerStopped;
  r.outcome.reason = "silent";
  r.outcome.silent_from_s = 1.5;
  r.client.resize(1);
  r.client[0].seconds = 1.0;
  r.verdict.summary = "not client-bound";
  r.sources = {Source{"box", r.start_wall, r.start_wall + 2, {true, true, 1200, 16000}, {}, {}}};
  // A shard with a start time (issue 21): both echoed in the config and the source.
  r.config.shard = {1, 3};
  r.config.start_at = r.start_wall - 0.0005;
  r.sources[0].shard = r.config.shard;
  r.sources[0].intended_start_wall = r.config.start_at;
  return r;
}

TEST(ResultJson, RoundTripIsByteIdentical) {
  const Result r = synthetic();
  const std::string first = to_json(r).dump(2);
  Result read;
  std::string error;
  ASSERT_TRUE(from_json(json::parse(first), read, error)) << error;
  EXPECT_EQ(to_json(read).dump(2), first);
  // And the histograms are the same histograms, not only the same text.
  EXPECT_TRUE(read.latency.sum() == r.latency.sum());
  EXPECT_EQ(read.latency.saturated(), 1u);
  EXPECT_EQ(read.latency.min(), 900u);
  EXPECT_EQ(read.latency.max(), Histogram::kMaxValue);
  EXPECT_EQ(read.measured.connect_errors(), 5u);
  EXPECT_EQ(read.measured.http_bytes_received, 4000u);
  EXPECT_EQ(read.config.shard.text(), "1/3");
  EXPECT_EQ(read.sources.at(0).shard.text(), "1/3");
  EXPECT_EQ(read.sources.at(0).intended_start_wall, r.config.start_at);
  EXPECT_TRUE(read.labels_kept);
}

// HTTP/2's object (protocol, streams, GOAWAYs and resets by code) reads back as written, so
// ringfire merge keeps it.
TEST(ResultJson, Http2FiguresRoundTrip) {
  Result r = synthetic();
  r.http2.enabled = true;
  r.http2.streams_asked = 100;
  r.http2.streams_allowed = 64;
  r.http2.goaways[0] = 7;
  r.http2.resets[8] = 3;
  r.http2.resets[kH2ErrorCodes - 1] = 1;  // an unknown code
  r.http2.protocol_errors = 2;
  r.http2.alloc_peak_bytes = 4096;
  r.measured.errors[static_cast<size_t>(ErrorClass::kNotProcessed)] = 5;
  const std::string first = to_json(r).dump(2);
  Result read;
  std::string error;
  ASSERT_TRUE(from_json(json::parse(first), read, error)) << error;
  EXPECT_EQ(to_json(read).dump(2), first);
  EXPECT_EQ(read.http2.streams_allowed, 64u);
  EXPECT_EQ(read.http2.goaways[0], 7u);
  EXPECT_EQ(read.http2.resets[8], 3u);
  EXPECT_EQ(read.measured.error(ErrorClass::kNotProcessed), 5u);
}

TEST(ResultJson, AMergedFileKeepsEverySourceAndReadsBack) {
  Result a = synthetic();
  Result b = synthetic();
  b.sources[0].host = "other";
  merge(a, b);
  const std::string first = to_json(a).dump();
  Result read;
  std::string error;
  ASSERT_TRUE(from_json(json::parse(first), read, error)) << error;
  ASSERT_EQ(read.sources.size(), 2u);
  EXPECT_EQ(read.sources[1].host, "other");
  EXPECT_EQ(to_json(read).dump(), first);
  EXPECT_EQ(read.latency.count(), 8u);
}

TEST(ResultJson, DecimalSumsRoundTrip) {
  Histogram::Sum big = 1;
  for (int i = 0; i < 120; ++i) big *= 2;
  big += 12345;
  Histogram::Sum back = 0;
  ASSERT_TRUE(parse_decimal(decimal(big), back));
  EXPECT_TRUE(back == big);
  EXPECT_EQ(decimal(0), "0");
  EXPECT_FALSE(parse_decimal("", back));
  EXPECT_FALSE(parse_decimal("12a", back));
  EXPECT_FALSE(parse_decimal("999999999999999999999999999999999999999", back));  // > 2^128
}

TEST(ResultJson, RefusesWhatIsNotAResultOfOurs) {
  json doc = to_json(synthetic());
  Result read;
  std::string error;
  json v1 = doc;
  v1["schema"] = "ringfire.result/1";
  EXPECT_FALSE(from_json(v1, read, error));
  EXPECT_NE(error.find("ringfire.result/1"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);

  json miscounted = doc;
  miscounted["latency_ns"]["count"] = 5;
  EXPECT_FALSE(from_json(miscounted, read, error));
  EXPECT_NE(error.find("latency_ns"), std::string::npos) << error;

  json odd_bucket = doc;
  odd_bucket["latency_ns"]["buckets"][0][0] = 901;
  EXPECT_FALSE(from_json(odd_bucket, read, error));

  json no_causes = doc;
  no_causes["totals"]["connect_errors_by_cause"] = json::object();
  EXPECT_FALSE(from_json(no_causes, read, error));
  EXPECT_NE(error.find("errors.connect"), std::string::npos) << error;

  json missing = doc;
  missing.erase("totals");
  EXPECT_FALSE(from_json(missing, read, error));
  EXPECT_NE(error.find("totals"), std::string::npos) << error;
}

}  // namespace
}  // namespace ringfire
