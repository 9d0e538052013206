// CI gates: `--threshold EXPR` (METRIC OP VALUE, e.g. "p99<10ms", "errors<1%", "closed==0",
// "handshake_p99<5ms", "tls==0"),
// parsed once with the rest of the configuration and evaluated on the measured window at the
// end of a run. The report prints each verdict; the exit status says whether any failed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ringfire/metrics/stats.hpp"

namespace ringfire {

struct Result;

enum class ThresholdMetric : uint8_t {
  kPercentile,  // latency at `percentile` (ns)
  kMean,        // latency (ns)
  kMax,
  kMin,
  kRps,            // requests/s over the measured window
  kErrors,         // failed requests: a count, or with `percent` a percentage of those sent
  kErrorClass,     // the count of one error class (`timeouts` is kTimeout's)
  kConnectErrors,  // `connect`: failed connection attempts (not requests)
  // https:// (the whole run, not per label): connect+handshake latency at `percentile` (ns),
  // full and resumed handshakes together (`handshake_p99`); and `tls`, the failed handshakes.
  kHandshakePercentile,
  kTlsFailed,
};

enum class ThresholdOp : uint8_t { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual };
const char* to_string(ThresholdOp op);

struct Threshold {
  std::string expr;    // as given
  std::string label;   // "fib:p95<20ms": the scenario label it is about; empty: the totals
  std::string metric;  // the metric's name as given ("p99.9", "mean", "closed")
  ThresholdMetric kind = ThresholdMetric::kPercentile;
  double percentile = 0;                          // kPercentile: 0 to 100
  ErrorClass error_class = ErrorClass::kTimeout;  // kErrorClass
  ThresholdOp op = ThresholdOp::kLess;
  double limit = 0;      // ns for latency metrics; else the number as given
  bool percent = false;  // kErrors only: `limit` is a percentage of the requests sent

  bool is_latency() const;
};

// What one threshold measured. `value` is empty when there was nothing to measure (a latency
// metric with no response): that never passes.
struct ThresholdCheck {
  std::optional<double> value;  // same unit as Threshold::limit
  bool pass = false;
};

// Parses `text` ("[LABEL:]METRIC OP VALUE"). False with a one-line `error` naming the expression,
// the 1-based byte offset of the problem and what was expected there.
bool parse_threshold(const std::string& text, Threshold& out, std::string& error);

ThresholdCheck evaluate(const Threshold& threshold, const Result& result);
// Every one of result.config.thresholds, in order; none when the run was interrupted (a run cut
// short by Ctrl-C did not measure what the gates are about).
std::vector<ThresholdCheck> evaluate_thresholds(const Result& result);

// `value` (or the limit) as the report prints it: a duration, a rate, a count or a percentage.
std::string format_threshold_value(const Threshold& threshold, double value);

}  // namespace ringfire
