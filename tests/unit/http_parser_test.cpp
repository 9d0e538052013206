// ResponseParser's properties beyond the tables: how header and body bytes add up, errors that
// stick until reset(), reset() keeping the HEAD setting, and the error names.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "http_parser_table.hpp"
#include "ringfire/http/http_parser.hpp"

namespace ringfire {
namespace {

using parser_table::kNginx;
using parser_table::ok_with_length;
using Status = ResponseParser::Status;

TEST(ResponseParser, HeaderAndBodyBytesAddUpToTheWire) {
  ResponseParser parser;
  const ResponseParser::Result r = parser.feed(kNginx);
  ASSERT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.consumed, kNginx.size());
  EXPECT_EQ(parser.info().header_bytes, kNginx.size() - 13);
  EXPECT_EQ(parser.info().body_bytes, 13u);
  EXPECT_EQ(parser.info().http_minor, 1);
}

TEST(ResponseParser, InterimHeadsCountAsHeaderBytes) {
  const std::string interim = "HTTP/1.1 100 Continue\r\n\r\n";
  const std::string final_response = ok_with_length("done");
  ResponseParser parser;
  ASSERT_EQ(parser.feed(interim + final_response).status, Status::kComplete);
  EXPECT_EQ(parser.info().header_bytes, interim.size() + final_response.size() - 4);
}

TEST(ResponseParser, ChunkedBodyBytesAreChunkDataOnly) {
  ResponseParser parser;
  const std::string raw =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
      "a;x=y\r\n0123456789\r\n1\r\n!\r\n0\r\nT: v\r\n\r\n";
  const ResponseParser::Result r = parser.feed(raw);
  ASSERT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.consumed, raw.size());
  EXPECT_EQ(parser.info().body_bytes, 11u);
  EXPECT_EQ(parser.info().header_bytes, 47u);  // trailers are not head bytes
}

TEST(ResponseParser, ErrorIsStickyUntilReset) {
  ResponseParser parser;
  EXPECT_EQ(parser.feed(std::string_view("HTTP/9")).status, Status::kError);
  EXPECT_EQ(parser.error(), ParseError::kBadStatusLine);
  const ResponseParser::Result again = parser.feed(kNginx);
  EXPECT_EQ(again.status, Status::kError);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_FALSE(parser.in_progress());
  parser.reset();
  EXPECT_EQ(parser.error(), ParseError::kNone);
  EXPECT_EQ(parser.feed(kNginx).status, Status::kComplete);
  EXPECT_EQ(parser.info().status, 200);
}

TEST(ResponseParser, ResetDropsAHalfResponseAndKeepsHead) {
  ResponseParser parser;
  parser.set_head_request(true);
  EXPECT_EQ(parser.feed(std::string_view("HTTP/1.1 200 OK\r\nX: y")).status, Status::kNeedMore);
  EXPECT_TRUE(parser.in_progress());
  parser.reset();
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.finish(), Status::kNeedMore);
  const std::string head_answer = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  const ResponseParser::Result r = parser.feed(head_answer);
  EXPECT_EQ(r.status, Status::kComplete);
  EXPECT_EQ(r.consumed, head_answer.size());
}

TEST(ResponseParser, EmptyFeedNeedsMore) {
  ResponseParser parser;
  const ResponseParser::Result r = parser.feed({});
  EXPECT_EQ(r.status, Status::kNeedMore);
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_FALSE(parser.in_progress());
}

// The worker prints "parse: <name>" and uses it as a JSON key: distinct, short, plain text.
TEST(ResponseParser, ErrorNamesAreDistinctShortKeys) {
  std::vector<ParseError> all;
  for (size_t i = 0; i < static_cast<size_t>(ParseError::kCount); ++i) {
    all.push_back(static_cast<ParseError>(i));
  }
  for (ParseError a : all) {
    const std::string_view name = to_string(a);
    EXPECT_NE(name, "unknown");
    EXPECT_LE(name.size(), 40u) << name;
    for (const char c : name) {
      EXPECT_TRUE(c >= ' ' && c < 0x7f && c != '"' && c != '\\' && c != ':') << name;
    }
    for (ParseError b : all) {
      if (a != b) {
        EXPECT_STRNE(to_string(a), to_string(b));
      }
    }
  }
}

// Empty lines where a status line is due are skipped, and are no response: a close after them is
// clean. They count as head bytes of the response that follows them.
TEST(ResponseParser, EmptyLinesBeforeAResponseAreNotOne) {
  ResponseParser parser;
  ASSERT_EQ(parser.feed(kNginx).status, Status::kComplete);
  const ResponseParser::Result r = parser.feed(std::string_view("\r\n\n\r\n"));
  EXPECT_EQ(r.status, Status::kNeedMore);
  EXPECT_EQ(r.consumed, 5u);
  EXPECT_FALSE(parser.in_progress());
  EXPECT_EQ(parser.finish(), Status::kNeedMore);
  ASSERT_EQ(parser.feed(kNginx).status, Status::kComplete);
  EXPECT_EQ(parser.info().header_bytes, 5 + kNginx.size() - 13);
  // Half an empty line is not nothing.
  EXPECT_EQ(parser.feed(std::string_view("\r")).status, Status::kNeedMore);
  EXPECT_TRUE(parser.in_progress());
  EXPECT_EQ(parser.finish(), Status::kError);
  EXPECT_EQ(parser.error(), ParseError::kUnexpectedEof);
}

// After a 100 Continue the response is under way: empty lines may follow it, a close may not.
TEST(ResponseParser, EmptyLinesAfterAnInterimResponseAreInsideTheResponse) {
  ResponseParser parser;
  EXPECT_EQ(parser.feed(std::string_view("HTTP/1.1 100 Continue\r\n\r\n\r\n")).status,
            Status::kNeedMore);
  EXPECT_TRUE(parser.in_progress());
  EXPECT_EQ(parser.finish(), Status::kError);
}

}  // namespace
}  // namespace ringfire