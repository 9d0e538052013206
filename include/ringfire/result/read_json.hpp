// The reader of a result file (schema ringfire.result/2): the inverse of to_json (report.hpp),
// so result → JSON → from_json → JSON is byte-identical, and files of several machines merge
// exactly (merge.hpp).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ringfire/run/run.hpp"

namespace ringfire {

// Reads `doc` into `out` (untouched on failure). False with a one-line `error` naming what is
// wrong: another schema (a ringfire.result/1 file is refused by its version: it has no per-second
// buckets nor exact sums to merge), a failed run's document, a missing or mistyped field, a bucket
// that is not one of ours, figures that disagree (a histogram's buckets and count, connect errors
// and their causes).
bool from_json(const nlohmann::json& doc, Result& out, std::string& error);

// The exact 128-bit sum of a histogram as a decimal string, and back (false: not a number that
// fits).
std::string decimal(Histogram::Sum value);
bool parse_decimal(const std::string& text, Histogram::Sum& out);

}  // namespace ringfire
