// ResponseParser against a table of raw byte streams with known answers. Every case is fed whole,
// split in two at every byte, byte by byte and in random pieces, and must give the same responses
// (status, keep-alive, header and body bytes) and the same error every time.
#include "ringfire/http_parser.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace ringfire {
namespace {

using Status = ResponseParser::Status;

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
};

// gtest prints a parameter on failure; the name says which case it is.
void PrintTo(const Case& c, std::ostream* os) {
  *os << c.name;
}

// One completed response as the parser described it.
struct Seen {
  uint16_t status;
  uint8_t http_minor;
  bool keep_alive;
  uint64_t header_bytes;
  uint64_t body_bytes;
  explicit Seen(const ResponseInfo& i)
      : status(i.status),
        http_minor(i.http_minor),
        keep_alive(i.keep_alive),
        header_bytes(i.header_bytes),
        body_bytes(i.body_bytes) {}
  bool operator==(const Seen&) const = default;
};

// What one run of the parser over a stream produced.
struct Outcome {
  std::vector<Seen> responses;
  ParseError error = ParseError::kNone;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  for (const Seen& r : o.responses) {
    os << "{" << r.status << " 1." << int{r.http_minor} << " ka=" << r.keep_alive
       << " head=" << r.header_bytes << " body=" << r.body_bytes << "} ";
  }
  return os << "error=" << to_string(o.error);
}

// Feeds `raw` in pieces of the given sizes (the last piece takes the rest), then closes the stream
// with finish(), checking the feed() contract on every call.
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
        EXPECT_EQ(parser.feed(in).status, Status::kError) << "errors are sticky";
        EXPECT_EQ(parser.finish(), Status::kError);
        return out;
      }
      if (r.status == Status::kNeedMore) {
        EXPECT_EQ(r.consumed, in.size());
        EXPECT_TRUE(parser.in_progress());
        break;
      }
      EXPECT_GT(r.consumed, 0u);
      EXPECT_FALSE(parser.in_progress());
      out.responses.emplace_back(parser.info());
      in = in.subspan(r.consumed);
    }
  }
  switch (parser.finish()) {
    case Status::kComplete:
      out.responses.emplace_back(parser.info());
      break;
    case Status::kError:
      out.error = parser.error();
      break;
    case Status::kNeedMore:
      break;
  }
  return out;
}

Outcome run_whole(const Case& c) {
  return run(c, {});
}

// ---- building blocks for the table ----

const std::string kNginx =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 18:00:00 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
    "Hello, world!";

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string json_body(size_t size) {
  std::string body = "[";
  for (int i = 0; body.size() < size - 40; ++i) {
    body += "{\"id\":" + std::to_string(i) + ",\"name\":\"item\"},";
  }
  body.back() = ']';
  body.resize(size, ' ');
  return body;
}

// A 120 KB body in chunks of varied sizes, some with extensions, upper- and lower-case hex, and
// two trailers. Returns the wire bytes after the head; *data gets the chunk data size.
std::string chunked_body(size_t total, uint64_t* data) {
  std::mt19937 rng(7);
  std::string out;
  size_t left = total;
  *data = 0;
  for (int i = 0; left > 0; ++i) {
    const size_t n = std::min<size_t>(left, 1 + rng() % 4096);
    char size[32];
    std::snprintf(size, sizeof size, i % 2 ? "%zx" : "%zX", n);
    out += size;
    if (i % 3 == 0) out += ";name=value";
    if (i % 5 == 0) out += " ; q=\"quoted; still\"";
    out += "\r\n" + std::string(n, static_cast<char>('a' + i % 26)) + "\r\n";
    left -= n;
    *data += n;
  }
  return out + "0;last=1\r\nX-Checksum: 1234\r\nX-Other: z\r\n\r\n";
}

std::string ok_with_length(const std::string& body, const std::string& extra = "") {
  return "HTTP/1.1 200 OK\r\n" + extra + "Content-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

std::vector<Case> cases() {
  std::vector<Case> t;
  const auto ok = [&](std::string name, std::string raw, std::vector<Expected> responses) {
    t.push_back({std::move(name), std::move(raw), std::move(responses)});
  };
  const auto bad = [&](std::string name, std::string raw, ParseError e,
                       std::vector<Expected> before = {}) {
    t.push_back({std::move(name), std::move(raw), std::move(before), e});
  };

  // ---- responses that parse ----
  ok("nginx_150_bytes", kNginx, {{200, true, 13}});
  const std::string json = json_body(120 * 1024);
  ok("json_120k_content_length", ok_with_length(json, "Content-Type: application/json\r\n"),
     {{200, true, json.size()}});
  uint64_t chunk_data = 0;
  const std::string chunks = chunked_body(120 * 1024, &chunk_data);
  ok("chunked_120k_extensions_trailers",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, {{200, true, chunk_data}});
  {
    // 16 pipelined responses of every framing, the last one closing the connection.
    std::string raw;
    std::vector<Expected> want;
    for (int i = 0; i < 15; ++i) {
      switch (i % 4) {
        case 0:
          raw += kNginx;
          want.push_back({200, true, 13});
          break;
        case 1:
          raw +=
              "HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
              "4\r\nnope\r\n0\r\n\r\n";
          want.push_back({404, true, 4});
          break;
        case 2:
          raw += "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n";
          want.push_back({204, true, 0});
          break;
        default:
          raw += ok_with_length(std::string(static_cast<size_t>(100 + i), 'x'));
          want.push_back({200, true, static_cast<uint64_t>(100 + i)});
          break;
      }
    }
    raw += "HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy";
    want.push_back({503, false, 4});
    ok("pipelined_16", raw, want);
  }
  ok("http10_default_close", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello",
     {{200, false, 5}});
  ok("http10_keep_alive",
     repeat("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nhi", 2),
     {{200, true, 2}, {200, true, 2}});
  ok("http10_body_until_close", "HTTP/1.0 200 OK\r\n\r\nall of it", {{200, false, 9}});
  ok("http11_body_until_close", "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nabcdef", {{200, false, 6}});
  ok("body_until_close_empty", "HTTP/1.1 200 OK\r\n\r\n", {{200, false, 0}});
  ok("connection_close", "HTTP/1.1 200 OK\r\nconnection: CLOSE\r\ncontent-length: 0\r\n\r\n",
     {{200, false, 0}});
  ok("connection_list",
     "HTTP/1.1 200 OK\r\nConnection: Upgrade,  close , x\r\nContent-Length: 1\r\n\r\n!",
     {{200, false, 1}});
  ok("connection_close_wins",
     "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
     {{200, false, 0}});
  ok("connection_list_with_tabs",
     "HTTP/1.1 200 OK\r\nConnection: keep-alive\t,\tclose\t\r\nContent-Length: 1\r\n\r\n!",
     {{200, false, 1}});
  ok("connection_not_quite_close",
     "HTTP/1.1 200 OK\r\nConnection: closed, keep-alivex, clos\r\nContent-Length: 0\r\n\r\n",
     {{200, true, 0}});
  ok("continue_then_200", "HTTP/1.1 100 Continue\r\n\r\n" + ok_with_length("done"),
     {{200, true, 4}});
  ok("early_hints_then_200",
     "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nContent-Length: 99\r\n\r\n"
     "HTTP/1.1 100 Continue\r\n\r\n" +
         ok_with_length("ok"),
     {{200, true, 2}});
  ok("switching_protocols", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
     {{101, false, 0}});
  ok("no_content_with_length",
     "HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n" + ok_with_length("x"),
     {{204, true, 0}, {200, true, 1}});
  ok("not_modified_with_length",
     "HTTP/1.1 304 Not Modified\r\nContent-Length: 1000\r\n\r\n" + ok_with_length("y"),
     {{304, true, 0}, {200, true, 1}});
  t.push_back({"head_request",
               "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
               "HTTP/1.1 200 OK\r\n\r\n",
               {{200, true, 0}, {200, true, 0}, {200, true, 0}},
               ParseError::kNone,
               /*head=*/true});
  t.push_back({"head_request_length_2_62",
               "HTTP/1.1 200 OK\r\nContent-Length: 4611686018427387904\r\n\r\n",
               {{200, true, 0}},
               ParseError::kNone,
               /*head=*/true});
  ok("no_reason", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n", {{200, true, 0}});
  ok("empty_reason", "HTTP/1.1 599 \r\nContent-Length: 0\r\n\r\n", {{599, true, 0}});
  ok("reason_with_tab_and_utf8", "HTTP/1.1 200 \tO\xc3\xa9K\r\nContent-Length: 0\r\n\r\n",
     {{200, true, 0}});
  ok("bare_lf", "HTTP/1.1 200 OK\nServer: x\nContent-Length: 3\n\nabc", {{200, true, 3}});
  ok("bare_lf_chunked", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n3\nabc\n0\nTrailer: y\n\n",
     {{200, true, 3}});
  ok("header_names_any_case", "HTTP/1.1 200 OK\r\nCONTENT-LENGTH: 2\r\ncOnNeCtIoN: ClOsE\r\n\r\nab",
     {{200, false, 2}});
  ok("length_with_ows", "HTTP/1.1 200 OK\r\nContent-Length: \t 3 \t\r\n\r\nabc", {{200, true, 3}});
  ok("length_duplicates_agree",
     "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 003\r\n\r\nabc", {{200, true, 3}});
  ok("near_miss_names",
     "HTTP/1.1 200 OK\r\nContent-Lengthx: 5\r\nContent-Type: a\r\nConnectionx: close\r\n"
     "Transfer-Encodings: chunked\r\nContent-Lengt: z\r\nTransfer-Encodinf: chunked\r\n"
     "Connectiom: close\r\nC: close\r\nT: x\r\nContent-Length: 1\r\n\r\n!",
     {{200, true, 1}});
  ok("odd_header_bytes",
     "HTTP/1.1 200 OK\r\nX-Tab:\ta\tb\t\r\nX-High: \xff\xfe\x7f\r\nX-Empty:\r\nX-Colons: a:b::\r\n"
     "X-(odd){name}: v\r\nContent-Length: 0\r\n\r\n",
     {{200, true, 0}});
  ok("chunked_wins_over_length",
     "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
     "5\r\nhello\r\n0\r\n\r\n",
     {{200, true, 5}});
  ok("chunked_last_of_list",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: identity, CHUNKED\r\n\r\n"
     "1\r\nz\r\n0\r\n\r\n",
     {{200, true, 1}});
  ok("chunked_not_last_is_close_delimited",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef",
     {{200, false, 6}});
  ok("chunk_size_leading_zeros_and_15_digits",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
     "000000000000002\r\nab\r\n000000000000000\r\n\r\n",
     {{200, true, 2}});
  ok("chunk_extension_line_1024",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + std::string(1020, 'e') +
         "\r\nx\r\n0\r\n\r\n",
     {{200, true, 1}});
  {
    // A head of exactly max_header_bytes is fine; one more byte is not.
    const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n";
    t.push_back({"head_exactly_at_limit",
                 head + "x",
                 {{200, true, 1}},
                 ParseError::kNone,
                 false,
                 static_cast<uint32_t>(head.size())});
    t.push_back({"head_one_over_limit",
                 head + "x",
                 {},
                 ParseError::kHeaderTooLarge,
                 false,
                 static_cast<uint32_t>(head.size() - 1)});
  }
  ok("clean_close_between_responses", kNginx + kNginx, {{200, true, 13}, {200, true, 13}});

  // ---- malformed ----
  for (const char* line :
       {"HTTP/2.0 200 OK", "HTTP/1.2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK",
        "HTTP/1.1 099 Low", "http/1.1 200 OK", "HTTP/1.1 200OK", "HTTP/1.1  200 OK",
        "HTTP/1.1 2x0 OK", "HTTP/1.1\t200 OK", "HTTP/1.1 200 O\x01K", "HTTP/1.1 200 OK\rX",
        "HTTP/1.1 200\rX", "ICY 200 OK", "\r\nHTTP/1.1 200 OK"}) {
    bad("bad_status_" + std::to_string(t.size()), std::string(line) + "\r\n\r\n",
        ParseError::kBadStatusLine);
  }
  bad("bad_status_after_response", kNginx + std::string("HTTP/1.1 200 OK\0\r\n\r\n", 21),
      ParseError::kBadStatusLine, {{200, true, 13}});
  for (const char* header :
       {"NoColon", "Content-Length : 5", ": empty-name", " folded", "\tfolded", "X: a\x01z",
        "X: a\rb", "Content-Length: 5\rX", "X\x7f\x01: v", "Connection: close\x1b", "X-A b: c"}) {
    bad("bad_header_" + std::to_string(t.size()),
        std::string("HTTP/1.1 200 OK\r\n") + header + "\r\nContent-Length: 0\r\n\r\n",
        ParseError::kBadHeader);
  }
  bad("bad_header_cr_not_lf_at_end", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\rX",
      ParseError::kBadHeader);
  bad("bad_header_nul", std::string("HTTP/1.1 200 OK\r\nX: \0\r\n\r\n", 25),
      ParseError::kBadHeader);
  bad("bad_trailer", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nno colon\r\n\r\n",
      ParseError::kBadHeader);
  t.push_back({"header_too_large",
               "HTTP/1.1 200 OK\r\nX: " + std::string(200, 'a') + "\r\n\r\n",
               {},
               ParseError::kHeaderTooLarge,
               false,
               128});
  t.push_back({"header_endless",
               "HTTP/1.1 200 OK\r\n" + repeat("X-Endless: aaaaaaaaaa\r\n", 400),
               {},
               ParseError::kHeaderTooLarge,
               false,
               4096});
  t.push_back({"interim_endless",
               repeat("HTTP/1.1 100 Continue\r\n\r\n", 200),
               {},
               ParseError::kHeaderTooLarge,
               false,
               1024});
  t.push_back({"trailers_too_large",
               "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" +
                   repeat("X-T: 0123456789\r\n", 20) + "\r\n",
               {},
               ParseError::kHeaderTooLarge,
               false,
               128});
  for (const char* value :
       {"abc", "", "  ", "-1", "+5", "5 5", "5,5", "0x10", "4611686018427387905",
        "18446744073709551616", "99999999999999999999999999", "1\t4", "1\t\t4 "}) {
    bad("bad_length_" + std::to_string(t.size()),
        std::string("HTTP/1.1 200 OK\r\nContent-Length: ") + value + "\r\n\r\n",
        ParseError::kBadContentLength);
  }
  // The fast path's edges: names of 15, 16 and 17 bytes (its 16-byte name load), lines that cross
  // its 64-byte windows or are longer than one, and lines that end within 16 bytes of the buffer.
  ok("name_sizes_around_16",
     ok_with_length("abc",
                    "X-Fifteen-Bytes: a\r\nX-Sixteen-Bytes1: b\r\nX-Seventeen-Byte1: c\r\n"
                    "Transfer-Encodinx: chunked\r\nConnection: close\r\n"),
     {{200, false, 3}});
  ok("long_lines_across_windows",
     ok_with_length("hi", "X-Long: " + std::string(150, 'v') + "\r\nX-" + std::string(70, 'n') +
                              ": y\r\nX-Mid: " + std::string(40, 'm') + "\r\n"),
     {{200, true, 2}});
  ok("short_head_near_end", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", {{200, true, 0}});
  ok("headers_end_near_end", "HTTP/1.1 204 No Content\r\nServer: x\r\nA: b\r\n\r\n",
     {{204, true, 0}});
  bad("space_in_name_mid_head",
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: Fri, 27 Nov 2026 18:00:00 GMT\r\n"
      "Bad Name: x\r\nContent-Length: 0\r\n\r\n",
      ParseError::kBadHeader);
  bad("empty_name_mid_head",
      "HTTP/1.1 200 OK\r\nServer: nginx\r\n: x\r\nContent-Length: 0\r\n\r\n" + std::string(64, ' '),
      ParseError::kBadHeader);
  bad("bare_cr_in_value_mid_head",
      "HTTP/1.1 200 OK\r\nServer: ng\rinx\r\nContent-Length: 0\r\n\r\n" + std::string(64, ' '),
      ParseError::kBadHeader);
  bad("length_conflict", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello",
      ParseError::kBadContentLength);
  bad("length_error_before_control", "HTTP/1.1 200 OK\r\nContent-Length: 1a\x01\r\n\r\n",
      ParseError::kBadContentLength);
  const std::string chunked_head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& size :
       {std::string("zz"), std::string(""), std::string(";ext"), std::string("1000000000000000"),
        std::string("0000000000000001"), std::string("5 x\x01"), std::string("5\rX"),
        std::string("-5"), std::string("5;") + std::string(1021, 'e')}) {
    bad("bad_chunk_size_" + std::to_string(t.size()),
        chunked_head + size + "\r\nhello\r\n0\r\n\r\n", ParseError::kBadChunkSize);
  }
  bad("bad_chunk_terminator", chunked_head + "5\r\nhelloXX0\r\n\r\n",
      ParseError::kBadChunkTerminator);
  bad("bad_chunk_terminator_cr", chunked_head + "5\r\nhello\rX0\r\n\r\n",
      ParseError::kBadChunkTerminator);
  bad("bad_chunk_terminator_long_data", chunked_head + "3\r\nhello\r\n0\r\n\r\n",
      ParseError::kBadChunkTerminator);
  bad("eof_in_status_line", "HTTP/1.1 20", ParseError::kUnexpectedEof);
  bad("eof_in_headers", "HTTP/1.1 200 OK\r\nContent-Len", ParseError::kUnexpectedEof);
  bad("eof_before_empty_line", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n",
      ParseError::kUnexpectedEof);
  bad("eof_in_body", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell",
      ParseError::kUnexpectedEof);
  bad("eof_in_chunks", chunked_head + "5\r\nhello\r\n", ParseError::kUnexpectedEof);
  bad("eof_in_trailers", chunked_head + "0\r\nX: y\r\n", ParseError::kUnexpectedEof);
  bad("eof_after_interim", "HTTP/1.1 100 Continue\r\n\r\n", ParseError::kUnexpectedEof);
  bad("eof_in_second_response", kNginx + "HTTP/1.1 200 OK\r\n", ParseError::kUnexpectedEof,
      {{200, true, 13}});
  return t;
}

class ParserTable : public ::testing::TestWithParam<Case> {};

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

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Table, ParserTable, ::testing::ValuesIn(cases()), case_name);

// ---- properties beyond the table ----

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

TEST(ResponseParser, ErrorNamesAreDistinct) {
  const ParseError all[] = {ParseError::kNone,
                            ParseError::kBadStatusLine,
                            ParseError::kBadHeader,
                            ParseError::kHeaderTooLarge,
                            ParseError::kBadContentLength,
                            ParseError::kBadChunkSize,
                            ParseError::kBadChunkTerminator,
                            ParseError::kUnexpectedEof};
  for (ParseError a : all) {
    for (ParseError b : all) {
      if (a != b) {
        EXPECT_STRNE(to_string(a), to_string(b));
      }
    }
  }
}

}  // namespace
}  // namespace ringfire
