// The table runner shared by the parser's table tests (tests/unit/http_parser_*_test.cpp and
// tests/unit/http_conformance*_test.cpp): a case is a raw byte stream with the responses and the
// error it must give; run() feeds it in given pieces, checking the feed() contract on every call,
// and reports what the parser saw, so that every split can be compared with the whole.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "ringfire/http/http_parser.hpp"

namespace ringfire::parser_table {

struct Expected {
  uint16_t status;
  bool keep_alive;
  uint64_t body_bytes;
};

struct Case {
  std::string name;
  std::string raw;
  std::vector<Expected> responses;       // in order
  ParseError error = ParseError::kNone;  // after the responses (kNone: the stream ends cleanly)
  bool head = false;                     // set_head_request(true)
  uint32_t max_header_bytes = 64 * 1024;
  bool until_close = false;  // the last response's body ends with the stream (for tripled())
};

// gtest prints a parameter on failure; the name says which case it is.
void PrintTo(const Case& c, std::ostream* os);
std::string case_name(const ::testing::TestParamInfo<Case>& info);

// One completed response as the parser described it.
struct Seen {
  uint16_t status;
  uint8_t http_minor;
  bool keep_alive;
  uint64_t header_bytes;
  uint64_t body_bytes;
  explicit Seen(const ResponseInfo& i);
  bool operator==(const Seen&) const = default;
};

// What one run of the parser over a stream produced.
struct Outcome {
  std::vector<Seen> responses;
  ParseError error = ParseError::kNone;
  bool operator==(const Outcome&) const = default;
};
std::ostream& operator<<(std::ostream& os, const Outcome& o);

// Feeds c.raw in pieces of the given sizes (the last piece takes the rest), then closes the stream
// with finish().
Outcome run(const Case& c, const std::vector<size_t>& pieces);
inline Outcome run_whole(const Case& c) {
  return run(c, {});
}

// The status, keep-alive and body bytes of each response and the error, as the table says.
void expect_matches_table(const Case& c, const Outcome& got);

// Fed whole, split in two at every byte, byte by byte and in random pieces: the table's answer
// every time. Each table file instantiates it with its cases.
class ParserTable : public ::testing::TestWithParam<Case> {};

// ---- building blocks for the tables ----

// A 150-byte nginx response, the benchmark's too.
extern const std::string kNginx;
std::string repeat(const std::string& s, size_t n);
std::string ok_with_length(const std::string& body, const std::string& extra = "");

}  // namespace ringfire::parser_table
