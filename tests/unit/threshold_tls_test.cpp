// --threshold on the TLS figures of an https:// run: handshake_pNN over the connect+handshake
// histograms (full and resumed as one distribution) and `tls`, the failed handshakes; checked
// on a Result built by hand against the samples put in.
#include <gtest/gtest.h>

#include "ringfire/result/threshold.hpp"
#include "ringfire/run/run.hpp"

namespace ringfire {
namespace {

Threshold parse_ok(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_TRUE(parse_threshold(text, t, error)) << text << ": " << error;
  return t;
}

std::string parse_error(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_FALSE(parse_threshold(text, t, error)) << text;
  return error;
}

ThresholdCheck check(const std::string& text, const Result& r) {
  return evaluate(parse_ok(text), r);
}

// 90 resumed handshakes of 1 ms and 10 full ones of 10..19 ms; 3 failed.
Result tls_run() {
  Result r;
  r.tls.enabled = true;
  for (int i = 0; i < 90; ++i) r.tls.resumed_latency.record(1'000'000);
  for (int i = 0; i < 10; ++i) r.tls.full_latency.record(10'000'000 + i * 1'000'000);
  r.tls.resumed = 90;
  r.tls.full = 10;
  r.tls.failed[static_cast<size_t>(TlsFailure::kVerify)] = 2;
  r.tls.failed[static_cast<size_t>(TlsFailure::kTimeout)] = 1;
  return r;
}

TEST(ThresholdTls, Parses) {
  const Threshold p99 = parse_ok("handshake_p99<5ms");
  EXPECT_EQ(p99.kind, ThresholdMetric::kHandshakePercentile);
  EXPECT_DOUBLE_EQ(p99.percentile, 99);
  EXPECT_DOUBLE_EQ(p99.limit, 5e6);
  EXPECT_TRUE(p99.is_latency());
  EXPECT_DOUBLE_EQ(parse_ok("handshake_p99.9<5ms").percentile, 99.9);
  EXPECT_DOUBLE_EQ(parse_ok("handshake_p50 <= 1ms").percentile, 50);
  const Threshold tls = parse_ok("tls==0");
  EXPECT_EQ(tls.kind, ThresholdMetric::kTlsFailed);
  EXPECT_FALSE(tls.is_latency());
  EXPECT_NE(parse_error("handshake_p101<1ms").find("at 1: expected a metric"), std::string::npos);
  EXPECT_NE(parse_error("handshake<1ms").find("expected a metric"), std::string::npos);
  EXPECT_NE(parse_error("tls<1ms").find("expected a number"), std::string::npos);
  EXPECT_NE(parse_error("fib:handshake_p99<1ms").find("no label"), std::string::npos);
  EXPECT_NE(parse_error("fib:tls==0").find("no label"), std::string::npos);
}

TEST(ThresholdTls, HandshakePercentilesSpanFullAndResumed) {
  const Result r = tls_run();
  // 100 samples: up to p90 the resumed 1 ms, beyond it the full ones (p99 = the 99th, 18 ms).
  EXPECT_NEAR(*check("handshake_p50<1s", r).value, 1e6, 1e6 / 128);
  EXPECT_NEAR(*check("handshake_p90<1s", r).value, 1e6, 1e6 / 128);
  EXPECT_NEAR(*check("handshake_p99<1s", r).value, 18e6, 18e6 / 128);
  EXPECT_NEAR(*check("handshake_p99.9<1s", r).value, 19e6, 19e6 / 128);
  EXPECT_TRUE(check("handshake_p90<5ms", r).pass);
  EXPECT_FALSE(check("handshake_p99<5ms", r).pass);
  // The request latency is another histogram (empty here): its gate has nothing to measure.
  EXPECT_FALSE(check("p99<5ms", r).value.has_value());
}

TEST(ThresholdTls, FailedHandshakesOfEveryClass) {
  const Result r = tls_run();
  EXPECT_DOUBLE_EQ(*check("tls==0", r).value, 3);
  EXPECT_FALSE(check("tls==0", r).pass);
  EXPECT_TRUE(check("tls<=3", r).pass);
}

TEST(ThresholdTls, APlainRunHasNoHandshakes) {
  const Result r;  // http://: TLS not enabled
  EXPECT_FALSE(check("handshake_p99<5ms", r).value.has_value());
  EXPECT_FALSE(check("handshake_p99<5ms", r).pass);  // nothing measured never passes
  EXPECT_TRUE(check("tls==0", r).pass);
}

}  // namespace
}  // namespace ringfire
