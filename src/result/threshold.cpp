#include "ringfire/result/threshold.hpp"

#include <algorithm>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string_view>

#include "ringfire/base/quote.hpp"
#include "ringfire/result/report.hpp"
#include "ringfire/run/config.hpp"
#include "ringfire/run/run.hpp"

namespace ringfire {
namespace {

bool is_metric_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
}

// The whole of `text` as a finite number >= 0.
bool parse_number(const std::string& text, double& out) {
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty() && std::isfinite(out) && out >= 0;
}

// "p99.9" → 99.9; false unless the rest after 'p' is a number from 0 to 100.
bool parse_percentile(const std::string& name, double& out) {
  return name.size() > 1 && name[0] == 'p' && parse_number(name.substr(1), out) && out <= 100;
}

bool set_metric(const std::string& name, Threshold& t) {
  t.metric = name;
  constexpr std::string_view kHandshake = "handshake_";
  if (parse_percentile(name, t.percentile)) {
    t.kind = ThresholdMetric::kPercentile;
  } else if (name.starts_with(kHandshake) &&
             parse_percentile(name.substr(kHandshake.size()), t.percentile)) {
    t.kind = ThresholdMetric::kHandshakePercentile;
  } else if (name == "tls") {
    t.kind = ThresholdMetric::kTlsFailed;
  } else if (name == "mean") {
    t.kind = ThresholdMetric::kMean;
  } else if (name == "max") {
    t.kind = ThresholdMetric::kMax;
  } else if (name == "min") {
    t.kind = ThresholdMetric::kMin;
  } else if (name == "rps") {
    t.kind = ThresholdMetric::kRps;
  } else if (name == "errors") {
    t.kind = ThresholdMetric::kErrors;
  } else if (name == kConnectErrorsKey) {
    t.kind = ThresholdMetric::kConnectErrors;
  } else if (name == "timeouts") {
    t.kind = ThresholdMetric::kErrorClass;
    t.error_class = ErrorClass::kTimeout;
  } else {
    for (size_t i = 0; i < kErrorClasses; ++i) {
      if (name == to_string(static_cast<ErrorClass>(i))) {
        t.kind = ThresholdMetric::kErrorClass;
        t.error_class = static_cast<ErrorClass>(i);
        return true;
      }
    }
    return false;
  }
  return true;
}

// The operator at `pos`; returns its length, 0 if there is none.
size_t parse_op(const std::string& text, size_t pos, ThresholdOp& op) {
  const char c = pos < text.size() ? text[pos] : '\0';
  const bool eq = pos + 1 < text.size() && text[pos + 1] == '=';
  if (c == '<') {
    op = eq ? ThresholdOp::kLessEqual : ThresholdOp::kLess;
  } else if (c == '>') {
    op = eq ? ThresholdOp::kGreaterEqual : ThresholdOp::kGreater;
  } else if (c == '=' && eq) {
    op = ThresholdOp::kEqual;
    return 2;
  } else {
    return 0;
  }
  return eq ? 2 : 1;
}

// The limit in `value`, per the metric's kind; else what was expected.
const char* parse_limit(const std::string& value, Threshold& t) {
  if (t.is_latency()) {
    Nanos ns{0};
    if (!parse_duration(value, ns)) return "a duration (e.g. 10ms, 500us, 1s)";
    t.limit = static_cast<double>(ns.count());
  } else if (t.kind == ThresholdMetric::kErrors && !value.empty() && value.back() == '%') {
    t.percent = true;
    if (!parse_number(value.substr(0, value.size() - 1), t.limit) || t.limit > 100) {
      return "a number or a percent from 0% to 100%";
    }
  } else if (!parse_number(value, t.limit)) {
    return t.kind == ThresholdMetric::kErrors ? "a number or a percent" : "a number";
  }
  return nullptr;
}

}  // namespace

const char* to_string(ThresholdOp op) {
  switch (op) {
    case ThresholdOp::kLess:
      return "<";
    case ThresholdOp::kLessEqual:
      return "<=";
    case ThresholdOp::kGreater:
      return ">";
    case ThresholdOp::kGreaterEqual:
      return ">=";
    case ThresholdOp::kEqual:
      return "==";
  }
  return "?";
}

bool Threshold::is_latency() const {
  return kind == ThresholdMetric::kPercentile || kind == ThresholdMetric::kMean ||
         kind == ThresholdMetric::kMax || kind == ThresholdMetric::kMin ||
         kind == ThresholdMetric::kHandshakePercentile;
}

bool parse_threshold(const std::string& text, Threshold& out, std::string& error) {
  const auto fail = [&](size_t pos, const std::string& expected) {
    error = "bad --threshold " + quote(text) + " at " + std::to_string(pos + 1) + ": expected " +
            expected;
    return false;
  };
  Threshold t;
  t.expr = text;
  // A label prefix ends at the last ':' before the operator (labels may hold ':' themselves).
  const size_t op_at = text.find_first_of("<>=");
  const size_t colon = text.rfind(':', op_at == std::string::npos ? text.size() : op_at);
  size_t start = 0;
  if (colon != std::string::npos && (op_at == std::string::npos || colon < op_at)) {
    if (colon == 0) return fail(0, "a label before ':'");
    t.label = text.substr(0, colon);
    start = colon + 1;
  }
  size_t pos = start;
  while (pos < text.size() && is_metric_char(text[pos])) ++pos;
  if (pos == start)
    return fail(start, "a metric (p99, mean, max, min, rps, errors, timeouts, closed, ...)");
  if (!set_metric(text.substr(start, pos - start), t)) {
    return fail(start,
                "a metric: pNN from p0 to p100, mean, max, min, rps, errors, timeouts, an "
                "error class (connect, read, write, timeout, parse, closed, unsolicited, "
                "after_close, unexpected_status, unexpected_body_size), handshake_pNN or tls");
  }
  if (!t.label.empty() &&
      (t.kind == ThresholdMetric::kHandshakePercentile || t.kind == ThresholdMetric::kTlsFailed)) {
    return fail(0, "no label: handshakes are the run's, not a label's");
  }
  while (pos < text.size() && text[pos] == ' ') ++pos;
  const size_t op_length = parse_op(text, pos, t.op);
  if (op_length == 0) return fail(pos, "an operator (<, <=, >, >=, ==)");
  pos += op_length;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  size_t end = text.size();
  while (end > pos && text[end - 1] == ' ') --end;
  if (const char* expected = parse_limit(text.substr(pos, end - pos), t)) {
    return fail(pos, expected);
  }
  out = std::move(t);
  return true;
}

ThresholdCheck evaluate(const Threshold& t, const Result& result) {
  const Histogram* histogram = &result.latency;
  const Counters* counters = &result.measured;
  if (!t.label.empty()) {
    const auto l = std::find_if(result.labels.begin(), result.labels.end(),
                                [&t](const LabelSummary& s) { return s.label == t.label; });
    if (l == result.labels.end()) return {};  // finish_config() refuses unknown labels
    histogram = &l->latency;
    counters = &l->counters;
  }
  // Handshakes: full and resumed in one distribution (what a user waits for either way).
  Histogram handshakes;
  if (t.kind == ThresholdMetric::kHandshakePercentile) {
    handshakes.merge(result.tls.full_latency);
    handshakes.merge(result.tls.resumed_latency);
    histogram = &handshakes;
  }
  const Histogram& latency = *histogram;
  const Counters& measured = *counters;
  double value = 0;
  if (t.is_latency() && latency.count() == 0) return {};  // nothing measured: no pass
  switch (t.kind) {
    case ThresholdMetric::kPercentile:
    case ThresholdMetric::kHandshakePercentile:
      value = static_cast<double>(latency.value_at_percentile(t.percentile));
      break;
    case ThresholdMetric::kMean:
      value = latency.mean();
      break;
    case ThresholdMetric::kMax:
      value = static_cast<double>(latency.max());
      break;
    case ThresholdMetric::kMin:
      value = static_cast<double>(latency.min());
      break;
    case ThresholdMetric::kRps:
      value = result.measured_seconds > 0
                  ? static_cast<double>(measured.completed) / result.measured_seconds
                  : 0;
      break;
    case ThresholdMetric::kErrors:
      value = static_cast<double>(measured.errors_total());
      if (t.percent) {
        value = measured.sent == 0 ? 0 : value * 100.0 / static_cast<double>(measured.sent);
      }
      break;
    case ThresholdMetric::kErrorClass:
      value = static_cast<double>(measured.error(t.error_class));
      break;
    case ThresholdMetric::kConnectErrors:
      value = static_cast<double>(measured.connect_errors());
      break;
    case ThresholdMetric::kTlsFailed:
      value = static_cast<double>(result.tls.failed_total());
      break;
  }
  bool pass = false;
  switch (t.op) {
    case ThresholdOp::kLess:
      pass = value < t.limit;
      break;
    case ThresholdOp::kLessEqual:
      pass = value <= t.limit;
      break;
    case ThresholdOp::kGreater:
      pass = value > t.limit;
      break;
    case ThresholdOp::kGreaterEqual:
      pass = value >= t.limit;
      break;
    case ThresholdOp::kEqual:
      pass = value == t.limit;
      break;
  }
  return {value, pass};
}

std::vector<ThresholdCheck> evaluate_thresholds(const Result& result) {
  std::vector<ThresholdCheck> checks;
  if (result.interrupted) return checks;
  for (const Threshold& t : result.config.thresholds) checks.push_back(evaluate(t, result));
  return checks;
}

std::string format_threshold_value(const Threshold& t, double value) {
  char text[64];
  if (t.is_latency()) return format_duration(static_cast<uint64_t>(std::llround(value)));
  if (t.kind == ThresholdMetric::kRps) {
    std::snprintf(text, sizeof(text), "%.1f req/s", value);
  } else if (t.percent) {
    std::snprintf(text, sizeof(text), "%.3g%%", value);
  } else {
    std::snprintf(text, sizeof(text), "%.15g", value);
  }
  return text;
}

}  // namespace ringfire
