// Output: the human summary, the versioned JSON result, the per-second CSV, and HdrHistogram's
// percentile-distribution text. Each takes a finished Result; none computes a figure the Result
// does not hold.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "ringfire/base/format.hpp"
#include "ringfire/run/run.hpp"

namespace ringfire {

// The major version changes when a reader of the previous one would misread a file; /2 added
// what merging needs (per-second buckets, exact histogram sums, sources).
inline constexpr const char* kJsonSchema = "ringfire.result/2";

void print_text(const Result& result, std::ostream& out);
// The merged result's own lines (report_merge.cpp): start skew, shared and union rates, each
// shard's start and verdict; print_text calls it for a result ringfire merge made.
void print_merge(const Result& result, std::ostream& out);
nlohmann::json to_json(const Result& result);
nlohmann::json histogram_json(const Histogram& h);
// Completed responses by status class: {"1xx": .., "2xx": .., ..., "other": ..}.
nlohmann::json status_json(const Counters& c);
// The --threshold verdicts: a "Thresholds" section (nothing without thresholds), and the JSON's
// "thresholds" list of {expr, metric, op, limit, unit, value, pass} (value and pass null when the
// run was interrupted; value null when there was nothing to measure).
void print_thresholds(const Result& result, std::ostream& out);
nlohmann::json thresholds_json(const Result& result);
// Per label: the Aggregate table (only when the labels were counted apart) and the JSON's
// "labels" list (always; a run of one URL has one label, the totals).
void print_labels(const Result& result, std::ostream& out);
nlohmann::json labels_json(const Result& result);
// The connections' figures: opening time, peak open, connect latency (report_connections.cpp).
void print_connections(const Result& result, std::ostream& out);
nlohmann::json connections_json(const Result& result);
// https://: handshakes, their latency full vs resumed, what was negotiated, failures
// (report_tls.cpp); nothing / null for a plain run.
void print_tls(const Result& result, std::ostream& out);
nlohmann::json tls_json(const Result& result);
// The per-second rows (with their buckets, and the first source's machine samples), the
// sources (host, window, clock; a second source on carries its own verdict and samples), and
// the first source's verdict (src/result/report_series.cpp).
nlohmann::json timeseries_json(const Result& result);
nlohmann::json sources_json(const Result& result);
nlohmann::json shard_json(const Shard& shard);  // {"index": I, "count": N}
// One line naming the sources that ran with --start-at on a clock adjtimex does not call
// synchronised (a warning in the report, an invalid run with --strict); "" when none did.
std::string unsynchronised_clocks(const Result& result);
nlohmann::json verdict_json(const Result& result);
// --h2c: protocol, streams, GOAWAYs and resets by code; null for HTTP/1.1 (report_http2.cpp).
nlohmann::json http2_json(const Result& result);
void read_http2(const nlohmann::json& doc, Result& out);
void print_http2(const Result& result, std::ostream& out);
void write_timeseries_csv(const Result& result, std::ostream& out);
// --html: one self-contained page (inline SVG, no script): the text report, the sources and the
// per-second series (report_html.cpp).
void write_html(const Result& result, std::ostream& out);
// HdrHistogram's percentile-distribution text (values in milliseconds), as wrk2 prints it and
// HdrHistogram's plotters read it.
void write_hdr_percentiles(const Histogram& h, std::ostream& out);

// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half a
// report. Returns false with `error` set on failure.
bool write_file(const std::string& path, const std::string& text, std::string& error);

}  // namespace ringfire
