// ResponseParser's table, malformed responses: each error, where it is found, and the limits that
// make endless input an error. Also the fast path's edges: where its 16- and 64-byte loads meet
// line ends and the buffer's end. Each case goes through the runner of http_parser_table.cpp.
#include <cstdint>
#include <string>
#include <vector>

#include "http_parser_table.hpp"

namespace ringfire::parser_table {
namespace {

std::vector<Case> cases() {
  std::vector<Case> t;
  const auto ok = [&](std::string name, std::string raw, std::vector<Expected> responses) {
    t.push_back({std::move(name), std::move(raw), std::move(responses)});
  };
  const auto bad = [&](std::string name, std::string raw, ParseError e,
                       std::vector<Expected> before = {}) {
    t.push_back({std::move(name), std::move(raw), std::move(before), e});
  };

  for (const char* line :
       {"HTTP/2.0 200 OK", "HTTP/1.2 200 OK", "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK",
        "HTTP/1.1 099 Low", "http/1.1 200 OK", "HTTP/1.1 200OK", "HTTP/1.1  200 OK",
        "HTTP/1.1 2x0 OK", "HTTP/1.1\t200 OK", "HTTP/1.1 200 O\x01K", "HTTP/1.1 200 OK\rX",
        "HTTP/1.1 200\rX", "ICY 200 OK", "\rHTTP/1.1 200 OK", "\r\r\nHTTP/1.1 200 OK",
        "\n\rHTTP/1.1 200 OK"}) {
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
        std::string("0000000000000001"), std::string("5\rX"), std::string("-5"),
        std::string("5;") + std::string(1021, 'e'), std::string("5x"), std::string("5\r\r\n")}) {
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
  bad("length_with_chunked",
      "HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n",
      ParseError::kLengthWithTransferEncoding);
  bad("length_with_coding_not_chunked",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 3\r\n\r\nabcdef",
      ParseError::kLengthWithTransferEncoding);
  bad("bad_chunk_extension_after_space", chunked_head + "5 x\x01\r\nhello\r\n0\r\n\r\n",
      ParseError::kBadChunkExtension);
  return t;
}

INSTANTIATE_TEST_SUITE_P(Malformed, ParserTable, ::testing::ValuesIn(cases()), case_name);

}  // namespace
}  // namespace ringfire::parser_table
