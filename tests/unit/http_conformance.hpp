// The conformance tables (tests/unit/http_conformance*_test.cpp): RFC 9112 cases, one response (or
// 1xx then one) or one error each. Besides the runs of every table case (whole, split in two at
// every byte, byte by byte), each is also fed three times over on one connection, the copies in
// one buffer, whole and split in two at every byte: what a keep-alive connection with pipelined
// requests sees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http_parser_table.hpp"

namespace ringfire::parser_table {

// Three copies of c.raw and what they must give: three times the responses; for a response whose
// body ends with the stream, one response whose body takes the other two copies; for an error, the
// same error in the first copy. nullopt for a stream cut short (kUnexpectedEof): its copies run
// into each other.
std::optional<Case> tripled(const Case& c);

class ConformanceTable : public ::testing::TestWithParam<Case> {};

// Builders for the tables.
class ConformanceCases {
 public:
  void ok(std::string name, std::string raw, std::vector<Expected> responses) {
    cases_.push_back({std::move(name), std::move(raw), std::move(responses)});
  }
  // A response whose body is delimited by the close (keep_alive false).
  void until_close(std::string name, std::string raw, uint16_t status, uint64_t body_bytes) {
    Case c{std::move(name), std::move(raw), {{status, false, body_bytes}}};
    c.until_close = true;
    cases_.push_back(std::move(c));
  }
  // The answer to a HEAD request.
  void head(std::string name, std::string raw, std::vector<Expected> responses) {
    Case c{std::move(name), std::move(raw), std::move(responses)};
    c.head = true;
    cases_.push_back(std::move(c));
  }
  void bad(std::string name, std::string raw, ParseError e, uint32_t max_header_bytes = 64 * 1024) {
    Case c{std::move(name), std::move(raw), {}, e};
    c.max_header_bytes = max_header_bytes;
    cases_.push_back(std::move(c));
  }
  size_t size() const { return cases_.size(); }
  std::vector<Case> take() { return std::move(cases_); }

 private:
  std::vector<Case> cases_;
};

}  // namespace ringfire::parser_table
