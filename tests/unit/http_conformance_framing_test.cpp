// RFC 9112 conformance, part 2: how the body is framed (§6: Content-Length, Transfer-Encoding,
// close-delimited; no body for HEAD, 1xx, 204, 304), chunked syntax (§7.1: sizes, extensions,
// trailers) and interim responses (RFC 9110 §15.2: 100 and 103 before the final one). The runner
// is in http_conformance_test.cpp.
#include <string>
#include <vector>

#include "http_conformance.hpp"

namespace ringfire::parser_table {
namespace {

// ---- framing ----

std::vector<Case> framing() {
  ConformanceCases t;
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  const std::string chunked = "Transfer-Encoding: chunked\r\n";
  t.ok("length_0", ok + "Content-Length: 0\r\n\r\n", {{200, true, 0}});
  t.ok("length_13", ok + "Content-Length: 13\r\n\r\nHello, world!", {{200, true, 13}});
  t.ok("length_leading_zeros", ok + "Content-Length: 0005\r\n\r\nhello", {{200, true, 5}});
  t.ok("length_body_holds_crlf_and_status_line",
       ok + "Content-Length: 21\r\n\r\nHTTP/1.1 200 OK\r\n\r\n\r\n", {{200, true, 21}});
  t.ok("length_duplicate_same", ok + "Content-Length: 2\r\nContent-Length: 2\r\n\r\nab",
       {{200, true, 2}});
  t.bad("length_conflicting", ok + "Content-Length: 2\r\nContent-Length: 3\r\n\r\nabc",
        ParseError::kBadContentLength);
  // RFC 9110 §8.6 allows either; a list is rejected, as anything but one decimal number is.
  t.bad("length_list_same", ok + "Content-Length: 2, 2\r\n\r\nab", ParseError::kBadContentLength);
  for (const char* value : {"", "x", "-1", "+1", "1.0", "1 2", "0x10", "4611686018427387905"}) {
    t.bad("length_bad_" + std::to_string(t.size()), ok + "Content-Length: " + value + "\r\n\r\n",
          ParseError::kBadContentLength);
  }
  t.bad("length_with_chunked", ok + "Content-Length: 5\r\n" + chunked + "\r\n0\r\n\r\n",
        ParseError::kLengthWithTransferEncoding);
  t.bad("chunked_with_length", ok + chunked + "Content-Length: 5\r\n\r\n0\r\n\r\n",
        ParseError::kLengthWithTransferEncoding);
  t.bad("length_with_other_coding", ok + "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n",
        ParseError::kLengthWithTransferEncoding);
  t.bad("http10_length_with_chunked",
        "HTTP/1.0 200 OK\r\n" + chunked + "Content-Length: 5\r\n\r\n0\r\n\r\n",
        ParseError::kLengthWithTransferEncoding);
  t.ok("chunked", ok + chunked + "\r\n5\r\nhello\r\n0\r\n\r\n", {{200, true, 5}});
  t.ok("chunked_any_case", ok + "transfer-encoding: ChUnKeD\r\n\r\n1\r\nx\r\n0\r\n\r\n",
       {{200, true, 1}});
  t.ok("chunked_last_of_list", ok + "Transfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
       {{200, true, 1}});
  t.ok("chunked_last_of_fields",
       ok + "Transfer-Encoding: gzip\r\n" + chunked + "\r\n1\r\nx\r\n0\r\n\r\n", {{200, true, 1}});
  // A coding other than chunked last (RFC 9112 §6.3 item 4): the body ends with the close.
  t.until_close("coding_not_chunked", ok + "Transfer-Encoding: gzip\r\n\r\nzz", 200, 2);
  t.until_close("chunked_not_last", ok + "Transfer-Encoding: chunked, gzip\r\n\r\nzz", 200, 2);
  t.until_close("chunked_then_other_field", ok + chunked + "Transfer-Encoding: br\r\n\r\nzz", 200,
                2);
  // HTTP/1.0 with Transfer-Encoding: framed by it, but the connection is not kept (§6.1).
  t.ok("http10_chunked",
       "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n" + chunked + "\r\n2\r\nab\r\n0\r\n\r\n",
       {{200, false, 2}});
  t.until_close("no_length_http11", ok + "Server: x\r\n\r\nuntil the end", 200, 13);
  t.until_close("no_length_http10", "HTTP/1.0 200 OK\r\n\r\nall", 200, 3);
  t.until_close("no_length_empty", ok + "\r\n", 200, 0);
  // No body whatever the headers say (§6.3 item 1); neither are both framings an error there.
  t.head("head_length", ok + "Content-Length: 100\r\n\r\n", {{200, true, 0}});
  t.head("head_chunked", ok + chunked + "\r\n", {{200, true, 0}});
  t.head("head_nothing", ok + "\r\n", {{200, true, 0}});
  t.head("head_both", ok + chunked + "Content-Length: 9\r\n\r\n", {{200, true, 0}});
  t.head("head_close", ok + "Connection: close\r\nContent-Length: 9\r\n\r\n", {{200, false, 0}});
  t.ok("no_content", "HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n", {{204, true, 0}});
  t.ok("no_content_chunked", "HTTP/1.1 204 No Content\r\n" + chunked + "\r\n", {{204, true, 0}});
  t.ok("not_modified", "HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n", {{304, true, 0}});
  t.ok("not_modified_both", "HTTP/1.1 304 Not Modified\r\n" + chunked + "Content-Length: 7\r\n\r\n",
       {{304, true, 0}});
  t.ok("not_modified_no_length", "HTTP/1.1 304 Not Modified\r\n\r\n", {{304, true, 0}});
  t.ok("no_content_then_next",
       "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx",
       {{204, true, 0}, {200, true, 1}});
  t.bad("eof_in_length_body", ok + "Content-Length: 5\r\n\r\nabc", ParseError::kUnexpectedEof);
  t.bad("eof_in_head", ok + "Content-Length: 5\r\n", ParseError::kUnexpectedEof);
  return t.take();
}

// ---- chunked syntax ----

std::vector<Case> chunked_syntax() {
  ConformanceCases t;
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const auto one = [&](const std::string& size_line) {
    return head + size_line + "\r\nhello\r\n0\r\n\r\n";
  };
  t.ok("chunks_several", head + "1\r\na\r\n2\r\nbc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
       {{200, true, 19}});
  t.ok("chunk_hex_any_case", head + "a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n",
       {{200, true, 20}});
  t.ok("chunk_size_15_digits", one("000000000000005"), {{200, true, 5}});
  t.ok("chunk_data_holds_crlf", head + "4\r\n\r\n\r\n\r\n0\r\n\r\n", {{200, true, 4}});
  t.ok("chunk_bare_lf", head + "5\nhello\n0\n\n", {{200, true, 5}});
  t.ok("chunk_no_data_just_last", head + "0\r\n\r\n", {{200, true, 0}});
  for (const char* ext :
       {";a", ";a=b", ";a=b;c;d=e", ";a=\"q\"", ";a=\"\"", ";a=\"x;y=z\"", ";a=\"tab\there\"",
        ";a=\"es\\\"ca\\\\ped\"", ";a=\"\xc3\xa9\"", " ;a", "\t;a", "; a", ";\ta", ";a = b",
        ";a\t=\tb", ";a=b ;c", ";a=\"q\" ;b", ";!#$%&'*+-.^_`|~09AZaz=!#$%&'*+-.^_`|~"}) {
    t.ok("chunk_ext_" + std::to_string(t.size()), one(std::string("5") + ext), {{200, true, 5}});
  }
  t.ok("last_chunk_ext", head + "0;done=\"yes\"\r\n\r\n", {{200, true, 0}});
  // Whitespace must lead to ';' or '=', and an extension needs its ';' and a token name.
  for (const char* line : {"5 ",
                           "5\t",
                           "5 x",
                           "5;",
                           "5; ",
                           "5;=b",
                           "5;a=",
                           "5;a= ",
                           "5;a b",
                           "5;a=b c",
                           "5;a=\"open",
                           "5;a=\"x\"y",
                           "5;a=\"x\"\"y\"",
                           "5;a@b",
                           "5;a=b@c",
                           "5;a=\"\x01\"",
                           "5;a=\"\\\x01\"",
                           "5;a;",
                           "5;a=b;",
                           "5;a=,"}) {
    t.bad("chunk_ext_bad_" + std::to_string(t.size()), one(line), ParseError::kBadChunkExtension);
  }
  for (const char* size_line : {"", "zz", "-1", "+1", "0x5", "5x", "5,a", "5\rX", "5;a\rX", "5\r\r",
                                "1000000000000000", "0000000000000005"}) {
    t.bad("chunk_size_bad_" + std::to_string(t.size()), one(size_line), ParseError::kBadChunkSize);
  }
  t.bad("chunk_line_too_long", one("5;a=" + std::string(1020, 'v')), ParseError::kBadChunkSize);
  t.ok("chunk_line_1024", one("5;a=" + std::string(1017, 'v')), {{200, true, 5}});
  t.bad("chunk_data_longer", head + "3\r\nhello\r\n0\r\n\r\n", ParseError::kBadChunkTerminator);
  t.bad("chunk_data_cr_only", head + "5\r\nhello\rX\r\n0\r\n\r\n", ParseError::kBadChunkTerminator);
  t.ok("trailers", head + "1\r\nx\r\n0\r\nX-Sum: 1\r\nX-Other: two\r\n\r\n", {{200, true, 1}});
  t.ok("trailers_framing_names_ignored",
       head +
           "1\r\nx\r\n0\r\nContent-Length: 99\r\nConnection: close\r\nTransfer-Encoding: x\r\n\r\n",
       {{200, true, 1}});
  t.ok("trailers_fold", head + "1\r\nx\r\n0\r\nX-Sum: 1\r\n 2\r\n\r\n", {{200, true, 1}});
  t.bad("trailers_fold_first", head + "1\r\nx\r\n0\r\n folded\r\n\r\n", ParseError::kBadHeader);
  t.bad("trailers_no_colon", head + "1\r\nx\r\n0\r\nnope\r\n\r\n", ParseError::kBadHeader);
  t.bad("trailers_too_large", head + "0\r\n" + repeat("X-T: 0123456789\r\n", 100) + "\r\n",
        ParseError::kHeaderTooLarge, 1024);
  t.bad("eof_in_chunk", head + "5\r\nhel", ParseError::kUnexpectedEof);
  t.bad("eof_in_trailers", head + "0\r\nX: y\r\n", ParseError::kUnexpectedEof);
  t.bad("eof_before_last_chunk", head + "1\r\nx\r\n", ParseError::kUnexpectedEof);
  return t.take();
}

// ---- interim responses ----

std::vector<Case> interim() {
  ConformanceCases t;
  const std::string final_response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  t.ok("continue", "HTTP/1.1 100 Continue\r\n\r\n" + final_response, {{200, true, 2}});
  t.ok("early_hints",
       "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n" + final_response,
       {{200, true, 2}});
  t.ok("several_interim",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
       "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" +
           final_response,
       {{200, true, 2}});
  t.ok("interim_framing_headers_ignored",
       "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n"
       "HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n" +
           final_response,
       {{200, true, 2}});
  t.ok("interim_then_empty_line", "HTTP/1.1 100 Continue\r\n\r\n\r\n" + final_response,
       {{200, true, 2}});
  t.ok("interim_then_chunked",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
       "2\r\nok\r\n0\r\n\r\n",
       {{200, true, 2}});
  t.ok("interim_then_close",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nConnection: close\r\n"
       "Content-Length: 2\r\n\r\nok",
       {{200, false, 2}});
  t.ok("interim_then_no_content", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
       {{204, true, 0}});
  t.head("interim_then_head_answer",
         "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n",
         {{200, true, 0}});
  t.ok("interim_http10", "HTTP/1.0 100 Continue\r\n\r\n" + final_response, {{200, true, 2}});
  t.bad("interim_endless", repeat("HTTP/1.1 100 Continue\r\n\r\n", 100),
        ParseError::kHeaderTooLarge, 1024);
  t.bad("interim_then_bad", "HTTP/1.1 100 Continue\r\n\r\nHTTP/9.9 200 OK\r\n\r\n",
        ParseError::kBadStatusLine);
  t.bad("eof_after_interim", "HTTP/1.1 103 Early Hints\r\n\r\n", ParseError::kUnexpectedEof);
  return t.take();
}

INSTANTIATE_TEST_SUITE_P(Framing, ConformanceTable, ::testing::ValuesIn(framing()), case_name);
INSTANTIATE_TEST_SUITE_P(Chunked, ConformanceTable, ::testing::ValuesIn(chunked_syntax()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(Interim, ConformanceTable, ::testing::ValuesIn(interim()), case_name);

}  // namespace
}  // namespace ringfire::parser_table
