// ResponseParser's table, responses that parse: every framing, keep-alive and pipelining, 1xx,
// HEAD, the header limit, and 120 KB bodies. Each case goes through the runner of
// http_parser_table.cpp (whole, every split in two, byte by byte, random pieces).
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "http_parser_table.hpp"

namespace ringfire::parser_table {
namespace {

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

std::vector<Case> cases() {
  std::vector<Case> t;
  const auto ok = [&](std::string name, std::string raw, std::vector<Expected> responses) {
    t.push_back({std::move(name), std::move(raw), std::move(responses)});
  };
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
  ok("chunked_last_of_list",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: identity, CHUNKED\r\n\r\n"
     "1\r\nz\r\n0\r\n\r\n",
     {{200, true, 1}});
  ok("chunked_not_last_is_close_delimited",
     "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nabcdef", {{200, false, 6}});
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
  return t;
}

INSTANTIATE_TEST_SUITE_P(Framing, ParserTable, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace ringfire::parser_table
