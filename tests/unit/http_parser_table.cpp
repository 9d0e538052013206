// The table runner (http_parser_table.hpp) and the tests every table case goes through.
#include "http_parser_table.hpp"

#include <random>

namespace ringfire::parser_table {

using Status = ResponseParser::Status;

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

Seen::Seen(const ResponseInfo& i)
    : status(i.status),
      http_minor(i.http_minor),
      keep_alive(i.keep_alive),
      header_bytes(i.header_bytes),
      body_bytes(i.body_bytes) {}

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  for (const Seen& r : o.responses) {
    os << "{" << r.status << " 1." << int{r.http_minor} << " ka=" << r.keep_alive
       << " head=" << r.header_bytes << " body=" << r.body_bytes << "} ";
  }
  return os << "error=" << to_string(o.error);
}

Outcome run(const Case& c, const std::vector<size_t>& pieces) {
  ResponseParser parser(ParserLimits{c.max_header_bytes});
  parser.set_head_request(c.head);
  Outcome out;
  size_t at = 0;
  for (size_t i = 0; i <= pieces.size() && at < c.raw.size(); ++i) {
    const size_t size =
        i < pieces.size() ? std::min(pieces[i], c.raw.size() - at) : c.raw.size() - at;
    std::span<const char> in(c.raw.data() + at, size);
    at += size;
    while (!in.empty()) {
      const ResponseParser::Result r = parser.feed(in);
      EXPECT_LE(r.consumed, in.size());
      if (r.status == Status::kError) {
        out.error = parser.error();
        EXPECT_NE(out.error, ParseError::kNone);
        EXPECT_FALSE(parser.in_progress());
        EXPECT_EQ(parser.feed(in).status, Status::kError) << "errors are sticky";
        EXPECT_EQ(parser.finish(), Status::kError);
        return out;
      }
      if (r.status == Status::kNeedMore) {
        EXPECT_EQ(r.consumed, in.size());
        break;
      }
      EXPECT_GT(r.consumed, 0u);
      EXPECT_FALSE(parser.in_progress());
      out.responses.emplace_back(parser.info());
      in = in.subspan(r.consumed);
    }
  }
  // in_progress() says exactly whether the close cuts a response short (or completes one).
  const bool in_progress = parser.in_progress();
  const Status end = parser.finish();
  EXPECT_EQ(in_progress, end != Status::kNeedMore);
  switch (end) {
    case Status::kComplete:
      EXPECT_FALSE(parser.info().keep_alive);
      out.responses.emplace_back(parser.info());
      break;
    case Status::kError:
      out.error = parser.error();
      EXPECT_EQ(out.error, ParseError::kUnexpectedEof);
      break;
    case Status::kNeedMore:
      break;
  }
  return out;
}

void expect_matches_table(const Case& c, const Outcome& got) {
  ASSERT_EQ(got.responses.size(), c.responses.size()) << got;
  for (size_t i = 0; i < got.responses.size(); ++i) {
    EXPECT_EQ(got.responses[i].status, c.responses[i].status) << "response " << i;
    EXPECT_EQ(got.responses[i].keep_alive, c.responses[i].keep_alive) << "response " << i;
    EXPECT_EQ(got.responses[i].body_bytes, c.responses[i].body_bytes) << "response " << i;
  }
  EXPECT_EQ(got.error, c.error) << to_string(got.error) << " vs " << to_string(c.error);
}

TEST_P(ParserTable, Whole) {
  expect_matches_table(GetParam(), run_whole(GetParam()));
}

TEST_P(ParserTable, EverySplitInTwo) {
  const Case& c = GetParam();
  const Outcome whole = run_whole(c);
  for (size_t at = 1; at < c.raw.size(); ++at) {
    const Outcome split = run(c, {at});
    if (!(split == whole)) {
      ADD_FAILURE() << "split at " << at << ": " << split << "\nwhole: " << whole;
      return;
    }
  }
}

TEST_P(ParserTable, ByteByByte) {
  const Case& c = GetParam();
  const Outcome split = run(c, std::vector<size_t>(c.raw.size(), 1));
  EXPECT_EQ(split, run_whole(c));
}

TEST_P(ParserTable, RandomPieces) {
  const Case& c = GetParam();
  const Outcome whole = run_whole(c);
  std::mt19937 rng(12345);
  for (int round = 0; round < 50; ++round) {
    std::vector<size_t> pieces;
    const size_t max_piece = size_t{1} << (rng() % 12);
    for (size_t total = 0; total < c.raw.size();) {
      pieces.push_back(1 + rng() % max_piece);
      total += pieces.back();
    }
    const Outcome split = run(c, pieces);
    if (!(split == whole)) {
      ADD_FAILURE() << "round " << round << ": " << split << "\nwhole: " << whole;
      return;
    }
  }
}

const std::string kNginx =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 18:00:00 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
    "Hello, world!";

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string ok_with_length(const std::string& body, const std::string& extra) {
  return "HTTP/1.1 200 OK\r\n" + extra + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

}  // namespace ringfire::parser_table
