// --threshold: the grammar (every metric, operator and value form; every malformed input named
// with its position) and the evaluation on a Result built by hand.
#include "ringfire/result/threshold.hpp"

#include <gtest/gtest.h>

#include "ringfire/run/run.hpp"

namespace ringfire {
namespace {

Threshold parse_ok(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_TRUE(parse_threshold(text, t, error)) << text << ": " << error;
  EXPECT_EQ(t.expr, text);
  return t;
}

std::string parse_error(const std::string& text) {
  Threshold t;
  std::string error;
  EXPECT_FALSE(parse_threshold(text, t, error)) << text;
  EXPECT_EQ(error.find('\n'), std::string::npos);
  return error;
}

TEST(ThresholdParse, Percentiles) {
  const struct {
    const char* text;
    double percentile;
  } cases[] = {{"p50<1ms", 50},       {"p75<1ms", 75}, {"p90<1ms", 90},
               {"p95<1ms", 95},       {"p99<1ms", 99}, {"p99.9<1ms", 99.9},
               {"p99.99<1ms", 99.99}, {"p0<1ms", 0},   {"p100<1ms", 100}};
  for (const auto& c : cases) {
    const Threshold t = parse_ok(c.text);
    EXPECT_EQ(t.kind, ThresholdMetric::kPercentile) << c.text;
    EXPECT_DOUBLE_EQ(t.percentile, c.percentile) << c.text;
    EXPECT_EQ(t.metric, std::string(c.text).substr(0, std::string(c.text).find('<')));
    EXPECT_DOUBLE_EQ(t.limit, 1e6) << c.text;
    EXPECT_TRUE(t.is_latency());
  }
}

TEST(ThresholdParse, EveryOtherMetric) {
  EXPECT_EQ(parse_ok("mean<1ms").kind, ThresholdMetric::kMean);
  EXPECT_EQ(parse_ok("max<1ms").kind, ThresholdMetric::kMax);
  EXPECT_EQ(parse_ok("min<1ms").kind, ThresholdMetric::kMin);
  const Threshold rps = parse_ok("rps>=5000.5");
  EXPECT_EQ(rps.kind, ThresholdMetric::kRps);
  EXPECT_DOUBLE_EQ(rps.limit, 5000.5);
  const Threshold errors = parse_ok("errors<=3");
  EXPECT_EQ(errors.kind, ThresholdMetric::kErrors);
  EXPECT_FALSE(errors.percent);
  EXPECT_DOUBLE_EQ(errors.limit, 3);
  const Threshold timeouts = parse_ok("timeouts==0");
  EXPECT_EQ(timeouts.kind, ThresholdMetric::kErrorClass);
  EXPECT_EQ(timeouts.error_class, ErrorClass::kTimeout);
  for (size_t i = 0; i < kErrorClasses; ++i) {
    const auto e = static_cast<ErrorClass>(i);
    const Threshold t = parse_ok(std::string(to_string(e)) + "==0");
    EXPECT_EQ(t.kind, ThresholdMetric::kErrorClass);
    EXPECT_EQ(t.error_class, e);
    EXPECT_FALSE(t.is_latency());
  }
  // Connect errors count attempts, not requests: a metric of their own, not an error class.
  EXPECT_EQ(parse_ok("connect==0").kind, ThresholdMetric::kConnectErrors);
}

TEST(ThresholdParse, Operators) {
  EXPECT_EQ(parse_ok("p99<1ms").op, ThresholdOp::kLess);
  EXPECT_EQ(parse_ok("p99<=1ms").op, ThresholdOp::kLessEqual);
  EXPECT_EQ(parse_ok("p99>1ms").op, ThresholdOp::kGreater);
  EXPECT_EQ(parse_ok("p99>=1ms").op, ThresholdOp::kGreaterEqual);
  EXPECT_EQ(parse_ok("p99==1ms").op, ThresholdOp::kEqual);
  for (const ThresholdOp op : {ThresholdOp::kLess, ThresholdOp::kLessEqual, ThresholdOp::kGreater,
                               ThresholdOp::kGreaterEqual, ThresholdOp::kEqual}) {
    EXPECT_EQ(parse_ok(std::string("rps") + to_string(op) + "1").op, op);
  }
}

TEST(ThresholdParse, SpacesAroundTheOperator) {
  const Threshold t = parse_ok("p99 <= 10ms ");
  EXPECT_EQ(t.op, ThresholdOp::kLessEqual);
  EXPECT_DOUBLE_EQ(t.limit, 10e6);
}

TEST(ThresholdParse, DurationsAndPercents) {
  EXPECT_DOUBLE_EQ(parse_ok("p99<500us").limit, 500e3);
  EXPECT_DOUBLE_EQ(parse_ok("p99<1s").limit, 1e9);
  EXPECT_DOUBLE_EQ(parse_ok("p99<100ns").limit, 100);
  EXPECT_DOUBLE_EQ(parse_ok("mean<1.5ms").limit, 1.5e6);
  EXPECT_DOUBLE_EQ(parse_ok("p99<10").limit, 10e9);  // parse_duration's bare seconds
  const Threshold percent = parse_ok("errors<1%");
  EXPECT_TRUE(percent.percent);
  EXPECT_DOUBLE_EQ(percent.limit, 1);
  EXPECT_TRUE(parse_ok("errors<=0.5%").percent);
  EXPECT_TRUE(parse_ok("errors<100%").percent);
}

TEST(ThresholdParse, MalformedNamesThePosition) {
  const struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"p99<<1ms", "bad --threshold 'p99<<1ms' at 5: expected a duration"},
      {"", "at 1: expected a metric"},
      {"<1ms", "at 1: expected a metric"},
      {" p99<1ms", "at 1: expected a metric"},
      {"p99", "at 4: expected an operator"},
      {"p99 1ms", "at 5: expected an operator"},
      {"p99=1ms", "at 4: expected an operator"},
      {"p99!=1ms", "at 4: expected an operator"},
      {"p99<", "at 5: expected a duration"},
      {"p99<10parsecs", "at 5: expected a duration"},
      {"p99 < -1ms", "at 7: expected a duration"},
      {"p99<1ms 2", "at 5: expected a duration"},
      {"p101<1ms", "at 1: expected a metric: pNN from p0 to p100"},
      {"p<1ms", "at 1: expected a metric"},
      {"pxx<1ms", "at 1: expected a metric"},
      {"p9.9.9<1ms", "at 1: expected a metric"},
      {"latency<1ms", "at 1: expected a metric"},
      {"rps>fast", "at 5: expected a number"},
      {"rps>1k", "at 5: expected a number"},
      {"rps>-1", "at 5: expected a number"},
      {"rps>1%", "at 5: expected a number"},
      {"closed==", "at 9: expected a number"},
      {"errors<x%", "at 8: expected a number or a percent"},
      {"errors<101%", "at 8: expected a number or a percent from 0% to 100%"},
      {"errors<1 %", "at 8: expected a number or a percent"},
      {"errors<%", "at 8: expected a number or a percent"},
      {"p99<1ms\n", "bad --threshold 'p99<1ms\\n' at 5: expected a duration"},
  };
  for (const auto& c : cases) {
    EXPECT_NE(parse_error(c.text).find(c.message), std::string::npos)
        << c.text << " gave: " << parse_error(c.text);
  }
}

// A Result whose latency samples are 1..100 ms (one each) and whose counters say 1000 sent,
// 950 completed, 50 failed (30 timeouts, 20 closed) over 2 s.
Result synthetic() {
  Result r;
  for (uint64_t ms = 1; ms <= 100; ++ms) r.latency.record(ms * 1'000'000);
  r.measured.sent = 1000;
  r.measured.completed = 950;
  r.measured.errors[static_cast<size_t>(ErrorClass::kTimeout)] = 30;
  r.measured.errors[static_cast<size_t>(ErrorClass::kClosed)] = 20;
  r.measured.connect_failures[static_cast<size_t>(ConnectFailure::kRefused)] = 7;  // attempts
  r.measured_seconds = 2;
  return r;
}

ThresholdCheck check(const std::string& text, const Result& r) {
  return evaluate(parse_ok(text), r);
}

TEST(ThresholdEvaluate, LatencyMetricsOnTheMeasuredWindow) {
  const Result r = synthetic();
  ASSERT_EQ(r.latency.count(), 100u);
  // Independent of the histogram's buckets where it is exact: min, max and the mean.
  EXPECT_DOUBLE_EQ(*check("min<1s", r).value, 1e6);
  EXPECT_DOUBLE_EQ(*check("max<1s", r).value, 100e6);
  EXPECT_DOUBLE_EQ(*check("mean<1s", r).value, 50.5e6);
  EXPECT_DOUBLE_EQ(*check("p100<1s", r).value, 100e6);
  // The 99th of 100 samples is 99 ms, within a bucket's width (1/128).
  EXPECT_NEAR(*check("p99<1s", r).value, 99e6, 99e6 / 128);
  EXPECT_NEAR(*check("p50<1s", r).value, 50e6, 50e6 / 128);
  EXPECT_TRUE(check("p99<100ms", r).pass);
  EXPECT_FALSE(check("p99<90ms", r).pass);
  EXPECT_TRUE(check("max<=100ms", r).pass);
  EXPECT_FALSE(check("max<100ms", r).pass);
  EXPECT_TRUE(check("min==1ms", r).pass);
  EXPECT_TRUE(check("min>=1ms", r).pass);
  EXPECT_FALSE(check("min>1ms", r).pass);
}

TEST(ThresholdEvaluate, RatesAndCounts) {
  const Result r = synthetic();
  EXPECT_DOUBLE_EQ(*check("rps>1", r).value, r.requests_per_second());
  EXPECT_TRUE(check("rps>1", r).pass);
  EXPECT_DOUBLE_EQ(*check("errors<1", r).value, 50);  // the connect attempts are not requests
  EXPECT_TRUE(check("errors==50", r).pass);
  EXPECT_FALSE(check("errors<50", r).pass);
  EXPECT_DOUBLE_EQ(*check("errors<1%", r).value, 5);  // 50 of 1000 sent
  EXPECT_FALSE(check("errors<1%", r).pass);
  EXPECT_TRUE(check("errors<=5%", r).pass);
  EXPECT_DOUBLE_EQ(*check("timeouts==0", r).value, 30);
  EXPECT_DOUBLE_EQ(*check("timeout==0", r).value, 30);
  EXPECT_DOUBLE_EQ(*check("closed==0", r).value, 20);
  EXPECT_TRUE(check("closed==20", r).pass);
  EXPECT_DOUBLE_EQ(*check("connect==0", r).value, 7);
  EXPECT_TRUE(check("parse==0", r).pass);
}

TEST(ThresholdParse, LabelPrefix) {
  EXPECT_EQ(parse_ok("fib:p95<20ms").label, "fib");
  EXPECT_EQ(parse_ok("fib:p95<20ms").metric, "p95");
  EXPECT_EQ(parse_ok("/a:b:errors<1%").label, "/a:b");  // the last ':' before the operator
  EXPECT_EQ(parse_ok("p99<1s").label, "");
  EXPECT_NE(parse_error(":p99<1s").find("at 1: expected a label"), std::string::npos);
  EXPECT_NE(parse_error("fib:nope<1s").find("at 5: expected a metric"), std::string::npos);
}

TEST(ThresholdEvaluate, ALabelsOwnFigures) {
  Result r = synthetic();
  LabelSummary& slow = r.labels.emplace_back();
  slow.label = "slow";
  for (int i = 0; i < 10; ++i) slow.latency.record(500'000'000);
  slow.counters.sent = 10;
  slow.counters.completed = 8;
  slow.counters.errors[static_cast<size_t>(ErrorClass::kUnexpectedStatus)] = 2;
  EXPECT_DOUBLE_EQ(*check("slow:max<1s", r).value, 500e6);
  EXPECT_FALSE(check("slow:p50<100ms", r).pass);
  EXPECT_TRUE(check("p50<100ms", r).pass);  // the totals are another matter
  EXPECT_DOUBLE_EQ(*check("slow:errors<1%", r).value, 20);
  EXPECT_DOUBLE_EQ(*check("slow:unexpected_status==0", r).value, 2);
  EXPECT_DOUBLE_EQ(*check("slow:rps>0", r).value, 8 / r.measured_seconds);
}

TEST(ThresholdEvaluate, NothingMeasuredNeverPasses) {
  Result r;
  EXPECT_FALSE(check("p99<1s", r).value.has_value());
  EXPECT_FALSE(check("p99<1s", r).pass);
  EXPECT_FALSE(check("max>=0ms", r).pass);
  EXPECT_DOUBLE_EQ(*check("errors<1%", r).value, 0);  // nothing sent: no error rate
  EXPECT_TRUE(check("errors<1%", r).pass);
}

TEST(ThresholdEvaluate, AnInterruptedRunEvaluatesNothing) {
  Result r = synthetic();
  r.config.thresholds = {parse_ok("p99<1s"), parse_ok("errors<1%")};
  ASSERT_EQ(evaluate_thresholds(r).size(), 2u);
  EXPECT_TRUE(evaluate_thresholds(r)[0].pass);
  EXPECT_FALSE(evaluate_thresholds(r)[1].pass);
  r.interrupted = true;
  EXPECT_TRUE(evaluate_thresholds(r).empty());
}

TEST(ThresholdFormat, ValuesInTheMetricsUnit) {
  EXPECT_EQ(format_threshold_value(parse_ok("p99<1ms"), 1.5e6), "1.50ms");
  EXPECT_EQ(format_threshold_value(parse_ok("rps>1"), 1234.56), "1234.6 req/s");
  EXPECT_EQ(format_threshold_value(parse_ok("errors<1%"), 0.5), "0.5%");
  EXPECT_EQ(format_threshold_value(parse_ok("closed==0"), 20), "20");
}

}  // namespace
}  // namespace ringfire
