// The reader of a result file, part one: the schema check and the figures merge() adds.
#include "ringfire/result/read_json.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "read_json_internal.hpp"
#include "ringfire/http/http_parser.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire {

using nlohmann::json;

std::string decimal(Histogram::Sum value) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  } while (value != 0);
  std::reverse(digits.begin(), digits.end());
  return digits;
}

bool parse_decimal(const std::string& text, Histogram::Sum& out) {
  if (text.empty() || text.size() > 39) return false;  // 2^128 has 39 digits
  Histogram::Sum v = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    const Histogram::Sum next = v * 10 + static_cast<unsigned>(c - '0');
    if (next / 10 != v) return false;  // overflow
    v = next;
  }
  out = v;
  return true;
}

namespace read_detail {

Shard shard(const json& j, const char* where) {
  Shard s;
  s.index = j.at("index").get<uint32_t>();
  s.count = j.at("count").get<uint32_t>();
  if (s.count == 0 || s.index >= s.count) {
    throw BadResult(std::string(where) + ": shard " + s.text() + " does not exist");
  }
  return s;
}

Histogram histogram(const json& j, const char* where) {
  Histogram h;
  for (const json& b : j.at("buckets")) {
    const auto low = b.at(0).get<uint64_t>();
    const size_t index = Histogram::bucket_index(low);
    if (Histogram::bucket_low(index) != low || Histogram::bucket_high(index) != b.at(1)) {
      throw BadResult(std::string(where) + ": bucket [" + std::to_string(low) + ", " +
                      b.at(1).dump() + "] is not one of this histogram's buckets");
    }
    h.add_bucket(low, b.at(2).get<uint64_t>());
  }
  if (h.count() != j.at("count").get<uint64_t>()) {
    throw BadResult(std::string(where) + ": the buckets hold " + std::to_string(h.count()) +
                    " samples, count says " + j.at("count").dump());
  }
  Histogram::Sum sum = 0;
  if (!parse_decimal(j.at("sum").get<std::string>(), sum)) {
    throw BadResult(std::string(where) + ": sum " + j.at("sum").dump() + " is not a decimal");
  }
  h.restore(j.at("min").get<uint64_t>(), j.at("max").get<uint64_t>(), sum,
            j.at("saturated").get<uint64_t>());
  return h;
}

namespace {

void read_status(const json& j, Counters& c) {
  c.status[1] = j.at("1xx").get<uint64_t>();
  c.status[2] = j.at("2xx").get<uint64_t>();
  c.status[3] = j.at("3xx").get<uint64_t>();
  c.status[4] = j.at("4xx").get<uint64_t>();
  c.status[5] = j.at("5xx").get<uint64_t>();
  c.status[0] = j.at("other").get<uint64_t>();
}

void read_error_classes(const json& errors, Counters& c) {
  for (size_t i = 0; i < kErrorClasses; ++i) {
    const char* key = to_string(static_cast<ErrorClass>(i));
    // The HTTP/2 classes came later: a result written before them has none (zero).
    const bool later = i >= static_cast<size_t>(ErrorClass::kNotProcessed);
    c.errors[i] = later && !errors.contains(key) ? 0 : errors.at(key).get<uint64_t>();
  }
}

void check_failed(const json& j, const Counters& c, const char* where) {
  if (c.failed() != j.at("failed").get<uint64_t>()) {
    throw BadResult(std::string(where) + ": failed is not the sum of the error classes");
  }
}

// `names(i)` is the JSON key of slot i; every key of `j` must name one.
template <size_t N, class Names>
void read_by_name(const json& j, std::array<uint64_t, N>& slots, Names&& names, const char* where) {
  for (const auto& [key, value] : j.items()) {
    size_t i = 0;
    while (i < N && key != names(i)) ++i;
    if (i == N) throw BadResult(std::string(where) + ": unknown key '" + key + "'");
    slots[i] = value.template get<uint64_t>();
  }
}

Counters counters(const json& j, const char* where) {
  Counters c;
  c.sent = j.at("sent").get<uint64_t>();
  c.completed = j.at("completed").get<uint64_t>();
  c.in_flight = j.at("in_flight").get<uint64_t>();
  read_status(j.at("status"), c);
  read_error_classes(j.at("errors"), c);
  check_failed(j, c, where);
  read_by_name(
      j.at("parse_errors"), c.parse_errors,
      [](size_t i) { return std::string(to_string(static_cast<ParseError>(i))); }, where);
  read_by_name(
      j.at("connect_errors_by_cause"), c.connect_failures,
      [](size_t i) { return std::string(to_string(static_cast<ConnectFailure>(i))); }, where);
  if (c.connect_errors() != j.at("errors").at(kConnectErrorsKey).get<uint64_t>()) {
    throw BadResult(std::string(where) + ": errors.connect is not the sum of its causes");
  }
  c.unsolicited = j.at("unsolicited").get<uint64_t>();
  c.bytes_sent = j.at("bytes_sent").get<uint64_t>();
  c.bytes_received = j.at("bytes_received").get<uint64_t>();
  c.http_bytes_sent = j.at("http_bytes_sent").get<uint64_t>();
  c.http_bytes_received = j.at("http_bytes_received").get<uint64_t>();
  c.connects = j.at("connects").get<uint64_t>();
  c.peer_closes = j.at("peer_closes").get<uint64_t>();
  return c;
}

LabelSummary label(const json& j) {
  LabelSummary l;
  l.label = j.at("label").get<std::string>();
  Counters& c = l.counters;
  c.sent = j.at("sent").get<uint64_t>();
  c.completed = j.at("completed").get<uint64_t>();
  c.in_flight = j.at("in_flight").get<uint64_t>();
  read_error_classes(j.at("errors"), c);
  check_failed(j, c, "labels");
  read_status(j.at("status"), c);
  // A label's bytes are HTTP bytes (a transport's framing belongs to no label).
  c.http_bytes_sent = j.at("bytes_sent").get<uint64_t>();
  c.http_bytes_received = j.at("bytes_received").get<uint64_t>();
  l.latency = histogram(j.at("latency_ns"), "labels' latency_ns");
  return l;
}

SecondSummary second(const json& j, size_t i) {
  if (j.at("t").get<double>() != static_cast<double>(i)) {
    throw BadResult("timeseries: row " + std::to_string(i) + " says t " + j.at("t").dump());
  }
  SecondSummary s;
  s.wall = j.at("wall").get<double>();
  SecondStats& st = s.stats;
  st.sent = j.at("sent").get<uint64_t>();
  st.completed = j.at("completed").get<uint64_t>();
  st.errors = j.at("errors").get<uint64_t>();
  st.connect_errors = j.at("connect_errors").get<uint64_t>();
  st.connects = j.at("connects").get<uint64_t>();
  st.bytes_received = j.at("bytes_received").get<uint64_t>();
  st.open_connections = j.at("connections").get<uint64_t>();
  st.late = j.at("late").get<uint64_t>();
  st.lag_max = static_cast<uint64_t>(std::llround(j.at("send_lag_max_us").get<double>() * 1e3));
  for (const json& b : j.at("latency_buckets")) {
    const auto low = b.at(0).get<uint64_t>();
    const size_t index = Histogram::bucket_index(low);
    const bool in_order = st.latency.empty() || st.latency.back().first < index;
    if (Histogram::bucket_low(index) != low || !in_order) {
      throw BadResult("timeseries: row " + std::to_string(i) + " has a bucket out of place at " +
                      std::to_string(low));
    }
    st.latency.emplace_back(static_cast<uint32_t>(index), b.at(2).get<uint64_t>());
  }
  return s;
}

Source source(const json& j) {
  Source s;
  s.host = j.at("host").get<std::string>();
  s.start_wall = j.at("start_wall").get<double>();
  s.end_wall = j.at("end_wall").get<double>();
  // Written since --shard and --start-at (issue 21); a file from before is one box's whole run.
  if (j.contains("intended_start_wall") && !j.at("intended_start_wall").is_null()) {
    s.intended_start_wall = j.at("intended_start_wall").get<double>();
  }
  if (j.contains("shard")) s.shard = read_detail::shard(j.at("shard"), "sources");
  const json& clock = j.at("clock");
  s.clock.known = !clock.at("synchronised").is_null();
  if (s.clock.known) {
    s.clock.synchronised = clock.at("synchronised").get<bool>();
    s.clock.est_error_us = clock.at("est_error_us").get<int64_t>();
    s.clock.max_error_us = clock.at("max_error_us").get<int64_t>();
  }
  return s;
}

void read_figures(const json& doc, Result& out) {
  out.measured = counters(doc.at("totals"), "totals");
  out.warmup = counters(doc.at("warmup"), "warmup");
  out.latency = histogram(doc.at("latency_ns"), "latency_ns");
  out.service = histogram(doc.at("service_ns"), "service_ns");
  for (const json& l : doc.at("labels")) out.labels.push_back(label(l));
  const json& rows = doc.at("timeseries");
  for (size_t i = 0; i < rows.size(); ++i) out.seconds.push_back(second(rows[i], i));
  const json& sources = doc.at("sources");
  if (sources.empty()) throw BadResult("sources: a result names at least the machine it ran on");
  for (size_t k = 0; k < sources.size(); ++k) {
    Source s = source(sources[k]);
    // The first source's verdict and samples are the document's own (report_series.cpp).
    const json& verdict = k == 0 ? doc.at("verdict") : sources[k].at("verdict");
    s.verdict_json = verdict.dump();
    if (k == 0) {
      for (const json& row : rows) s.client_json.push_back(row.at("client").dump());
    } else {
      for (const json& c : sources[k].at("client")) s.client_json.push_back(c.dump());
    }
    out.sources.push_back(std::move(s));
  }
}

}  // namespace

}  // namespace read_detail

bool from_json(const json& doc, Result& out, std::string& error) {
  Result read;
  try {
    const std::string schema = doc.at("schema").get<std::string>();
    if (schema != kJsonSchema) {
      error = "a " + schema + " result: this ringfire reads " + kJsonSchema +
              (schema == "ringfire.result/1"
                   ? " (a /1 file has no per-second buckets nor exact sums to merge)"
                   : "");
      return false;
    }
    if (doc.contains("failure")) {
      error = "the result of a failed run (" + doc.at("failure").at("reason").get<std::string>() +
              "): nothing to read";
      return false;
    }
    read_detail::read_figures(doc, read);
    read_detail::read_description(doc, read);
    read_detail::read_tls(doc, read);
  } catch (const json::exception& e) {
    error = std::string("not a ringfire result: ") + e.what();
    return false;
  } catch (const read_detail::BadResult& e) {
    error = std::string("an inconsistent ringfire result: ") + e.what();
    return false;
  }
  out = std::move(read);
  return true;
}

}  // namespace ringfire
