// RFC 9112 conformance, part 1: the runner of every conformance case, and the tables for status
// lines (§4, and the empty lines before them, §2.2), header syntax (§5, obs-fold §5.2) and
// persistence (§9.3: HTTP/1.0 vs 1.1, Connection lists, case). Framing, chunked syntax and 1xx are
// in http_conformance_framing_test.cpp.
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "http_conformance.hpp"

namespace ringfire::parser_table {

std::optional<Case> tripled(const Case& c) {
  if (c.error == ParseError::kUnexpectedEof) return std::nullopt;
  Case t = c;
  t.name += "_x3";
  t.raw = repeat(c.raw, 3);
  if (c.error != ParseError::kNone) return t;
  if (c.until_close) {
    t.responses.back().body_bytes += 2 * c.raw.size();
    return t;
  }
  t.responses.clear();
  for (int i = 0; i < 3; ++i)
    t.responses.insert(t.responses.end(), c.responses.begin(), c.responses.end());
  return t;
}

namespace {

// Every split in two gives the table's answer, and the same header bytes as the whole.
void expect_every_split_matches(const Case& c) {
  const Outcome whole = run_whole(c);
  expect_matches_table(c, whole);
  for (size_t at = 1; at < c.raw.size(); ++at) {
    const Outcome split = run(c, {at});
    if (!(split == whole)) {
      ADD_FAILURE() << c.name << " split at " << at << ": " << split << "\nwhole: " << whole;
      return;
    }
  }
}

TEST_P(ConformanceTable, Whole) {
  expect_matches_table(GetParam(), run_whole(GetParam()));
}

TEST_P(ConformanceTable, EverySplitInTwo) {
  expect_every_split_matches(GetParam());
}

TEST_P(ConformanceTable, ByteByByte) {
  const Case& c = GetParam();
  expect_matches_table(c, run(c, std::vector<size_t>(c.raw.size(), 1)));
}

TEST_P(ConformanceTable, PipelinedThree) {
  const std::optional<Case> t = tripled(GetParam());
  // A response cut short by the close cannot be followed by two more.
  if (!t) GTEST_SKIP() << "an unexpected-EOF case has no pipelined form";
  expect_every_split_matches(*t);
}

// Not a test: writes every case into the directory $RINGFIRE_FUZZ_SEEDS as seeds for
// tests/fuzz/fuzz_http_parser.cpp (its input layout), fed as it is and as three copies with one
// empty line before each. Run with --gtest_also_run_disabled_tests --gtest_filter='*FuzzSeeds*'.
TEST_P(ConformanceTable, DISABLED_WriteFuzzSeeds) {
  const char* dir = std::getenv("RINGFIRE_FUZZ_SEEDS");
  if (dir == nullptr) GTEST_SKIP() << "RINGFIRE_FUZZ_SEEDS is not set";
  const Case& c = GetParam();
  const std::string suite = ::testing::UnitTest::GetInstance()->current_test_suite()->name();
  const std::string name = std::string(dir) + "/" + suite.substr(0, suite.find('/')) + "_" + c.name;
  const char options = c.head ? '\x80' : '\0';
  std::ofstream(name, std::ios::binary) << options << '\0' << c.raw;
  std::ofstream(name + "_x3", std::ios::binary) << options << '\x05' << c.raw;
}

// ---- status lines ----

std::vector<Case> status_lines() {
  ConformanceCases t;
  const std::string empty = "Content-Length: 0\r\n\r\n";
  t.ok("status_200", "HTTP/1.1 200 OK\r\n" + empty, {{200, true, 0}});
  t.ok("status_http10", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhi", {{200, false, 2}});
  t.ok("status_599", "HTTP/1.1 599 Custom\r\n" + empty, {{599, true, 0}});
  t.ok("status_999", "HTTP/1.1 999 Whatever\r\n" + empty, {{999, true, 0}});
  t.ok("status_no_reason", "HTTP/1.1 200\r\n" + empty, {{200, true, 0}});
  t.ok("status_empty_reason", "HTTP/1.1 404 \r\n" + empty, {{404, true, 0}});
  t.ok("status_reason_spaces_tabs_obs_text", "HTTP/1.1 200 Fine \t tr\xe8s  bien\r\n" + empty,
       {{200, true, 0}});
  t.ok("status_reason_looks_like_header", "HTTP/1.1 200 X: y\r\n" + empty, {{200, true, 0}});
  t.ok("status_bare_lf", "HTTP/1.1 200 OK\nContent-Length: 1\n\nx", {{200, true, 1}});
  t.ok("empty_line_before_status", "\r\nHTTP/1.1 200 OK\r\n" + empty, {{200, true, 0}});
  t.ok("bare_lf_before_status", "\nHTTP/1.1 200 OK\r\n" + empty, {{200, true, 0}});
  t.ok("empty_lines_before_status", "\r\n\n\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
       {{204, true, 0}});
  t.ok("empty_line_after_response", "HTTP/1.1 200 OK\r\n" + empty + "\r\n", {{200, true, 0}});
  t.ok("empty_lines_between_responses",
       "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc\r\n\r\nHTTP/1.1 201 Created\r\n" + empty,
       {{200, true, 3}, {201, true, 0}});
  for (const char* line :
       {"HTTP/1.1 20 OK",         "HTTP/1.1 2000 OK",     "HTTP/1.1 099 Low",
        "HTTP/1.1 000 Zero",      "HTTP/1.1 20x OK",      "HTTP/2 200 OK",
        "HTTP/2.0 200 OK",        "HTTP/1.2 200 OK",      "HTTP/1 200 OK",
        "HTTP/1.11 200 OK",       "http/1.1 200 OK",      "HTTP/1.1  200 OK",
        "HTTP/1.1\t200 OK",       "HTTP/1.1 200\tOK",     "HTTP/1.1 200OK",
        " HTTP/1.1 200 OK",       "\rHTTP/1.1 200 OK",    "\r\r\nHTTP/1.1 200 OK",
        "\r \r\nHTTP/1.1 200 OK", " \r\nHTTP/1.1 200 OK", "HTTP/1.1 200 O\x7fK\x01",
        "HTTP/1.1 200 OK\rX",     "ICY 200 OK",           "HTTP/1.1"}) {
    t.bad("bad_status_" + std::to_string(t.size()), std::string(line) + "\r\n" + empty,
          ParseError::kBadStatusLine);
  }
  t.bad("empty_lines_endless", repeat("\r\n", 600) + "HTTP/1.1 200 OK\r\n" + empty,
        ParseError::kHeaderTooLarge, 1024);
  t.bad("bare_lfs_endless", std::string(2000, '\n'), ParseError::kHeaderTooLarge, 1024);
  return t.take();
}

// ---- header syntax ----

std::vector<Case> header_syntax() {
  ConformanceCases t;
  const std::string ok = "HTTP/1.1 200 OK\r\n";
  t.ok("names_any_case", ok + "cOnTeNt-LeNgTh: 1\r\nCONNECTION: KEEP-ALIVE\r\n\r\nx",
       {{200, true, 1}});
  t.ok("values_ows_around", ok + "X-A:   a b  \t\r\nContent-Length:\t\t4 \r\n\r\nabcd",
       {{200, true, 4}});
  t.ok("values_empty_colons_obs_text",
       ok + "X-Empty:\r\nX-Colon: a:b:c\r\nX-High: \x80\xff\r\nX-Tab:\tx\ty\r\n"
            "Content-Length: 0\r\n\r\n",
       {{200, true, 0}});
  t.ok("names_tchar_oddities", ok + "X-!#$%&'*+.^_`|~: v\r\nContent-Length: 0\r\n\r\n",
       {{200, true, 0}});
  // obs-fold (§5.2): the line continues the value before it, as if a space.
  t.ok("fold_other_header",
       ok + "X-Long: part one\r\n part two\r\n\tpart three\r\nContent-Length: 2\r\n\r\nab",
       {{200, true, 2}});
  t.ok("fold_connection_close",
       ok + "Connection: keep-alive,\r\n close\r\nContent-Length: 1\r\n\r\nx", {{200, false, 1}});
  t.ok("fold_connection_close_after_token",
       ok + "Connection: keep-alive\r\n\t, close\r\nContent-Length: 1\r\n\r\nx", {{200, false, 1}});
  t.ok("fold_splits_a_token_in_two", ok + "Connection: clo\r\n se\r\nContent-Length: 1\r\n\r\nx",
       {{200, true, 1}});
  t.ok("fold_content_length", ok + "Content-Length:\r\n 3\r\n\r\nabc", {{200, true, 3}});
  t.ok("fold_whitespace_only", ok + "Content-Length: 3\r\n \r\n\t\r\n\r\nabc", {{200, true, 3}});
  t.ok("fold_transfer_encoding",
       ok + "Transfer-Encoding: gzip,\r\n chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n", {{200, true, 1}});
  t.until_close("fold_transfer_encoding_not_chunked_last",
                ok + "Transfer-Encoding: chunked,\r\n gzip\r\n\r\nzzz", 200, 3);
  t.ok("fold_bare_lf", ok + "Connection: keep-alive,\n close\nContent-Length: 0\n\n",
       {{200, false, 0}});
  t.ok("fold_after_fast_lines",
       ok + "Server: nginx\r\nDate: Fri, 27 Nov 2026 18:00:00 GMT\r\nConnection: keep-alive\r\n"
            " , close\r\nContent-Length: 0\r\n\r\n",
       {{200, false, 0}});
  t.bad("fold_makes_two_lengths", ok + "Content-Length: 1\r\n 2\r\n\r\nab",
        ParseError::kBadContentLength);
  t.bad("fold_before_any_header", ok + " folded: x\r\nContent-Length: 0\r\n\r\n",
        ParseError::kBadHeader);
  t.bad("fold_before_any_header_tab", "HTTP/1.1 200\r\n\tx\r\n\r\n", ParseError::kBadHeader);
  t.bad("fold_with_control", ok + "X: a\r\n b\x01\r\n\r\n", ParseError::kBadHeader);
  for (const char* line : {"NoColon", "Space Name: x", "Name : x", ": no name", "X\x01: v",
                           "X: a\rb", "X: \x7f\x1f", "X\x7f\x02: v", "Content-Length: 1\r"}) {
    t.bad("bad_header_" + std::to_string(t.size()), ok + line + "\r\nContent-Length: 0\r\n\r\n",
          ParseError::kBadHeader);
  }
  t.bad("bad_header_nul", ok + std::string("X: a\0b\r\n\r\n", 9), ParseError::kBadHeader);
  t.bad("bad_head_end_cr", ok + "Content-Length: 0\r\n\rX", ParseError::kBadHeader);
  t.bad("head_too_large", ok + "X: " + std::string(2000, 'a') + "\r\n\r\n",
        ParseError::kHeaderTooLarge, 1024);
  return t.take();
}

// ---- persistence (keep-alive) ----

std::vector<Case> keep_alive() {
  ConformanceCases t;
  const std::string body = "Content-Length: 1\r\n\r\nx";
  const auto v11 = [&](const std::string& headers) {
    return "HTTP/1.1 200 OK\r\n" + headers + body;
  };
  const auto v10 = [&](const std::string& headers) {
    return "HTTP/1.0 200 OK\r\n" + headers + body;
  };
  t.ok("http11_default", v11(""), {{200, true, 1}});
  t.ok("http11_close", v11("Connection: close\r\n"), {{200, false, 1}});
  t.ok("http11_close_any_case", v11("connection: cLoSe\r\n"), {{200, false, 1}});
  t.ok("http11_keep_alive", v11("Connection: keep-alive\r\n"), {{200, true, 1}});
  t.ok("http11_close_in_list", v11("Connection: Upgrade, close\r\n"), {{200, false, 1}});
  t.ok("http11_close_wins", v11("Connection: close, keep-alive\r\n"), {{200, false, 1}});
  t.ok("http11_close_in_second_field", v11("Connection: TE\r\nConnection: close\r\n"),
       {{200, false, 1}});
  t.ok("http11_list_ows_empty_elements", v11("Connection: , ,\t close \t, ,\r\n"),
       {{200, false, 1}});
  t.ok("http11_not_close", v11("Connection: closed, xclose, clos, close-it\r\n"), {{200, true, 1}});
  t.ok("http11_empty_connection", v11("Connection:\r\n"), {{200, true, 1}});
  t.ok("http10_default", v10(""), {{200, false, 1}});
  t.ok("http10_keep_alive", v10("Connection: keep-alive\r\n"), {{200, true, 1}});
  t.ok("http10_keep_alive_any_case", v10("CONNECTION: Keep-Alive\r\n"), {{200, true, 1}});
  t.ok("http10_keep_alive_in_list", v10("Connection: foo,keep-alive\r\n"), {{200, true, 1}});
  t.ok("http10_keep_alive_then_close", v10("Connection: keep-alive\r\nConnection: close\r\n"),
       {{200, false, 1}});
  t.ok("http10_not_keep_alive", v10("Connection: keep-alive2, keepalive\r\n"), {{200, false, 1}});
  t.ok("http10_keep_alive_header_is_not_connection", v10("Keep-Alive: timeout=5\r\n"),
       {{200, false, 1}});
  t.ok("connection_other_names_ignored", v11("Connections: close\r\nX-Connection: close\r\n"),
       {{200, true, 1}});
  t.until_close("body_until_close_is_not_kept",
                "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\n\r\nab", 200, 2);
  t.ok("switching_protocols_is_not_kept",
       "HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: x\r\n\r\n",
       {{101, false, 0}});
  return t.take();
}

INSTANTIATE_TEST_SUITE_P(StatusLine, ConformanceTable, ::testing::ValuesIn(status_lines()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(HeaderSyntax, ConformanceTable, ::testing::ValuesIn(header_syntax()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(KeepAlive, ConformanceTable, ::testing::ValuesIn(keep_alive()), case_name);

}  // namespace
}  // namespace ringfire::parser_table
