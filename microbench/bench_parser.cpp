// ResponseParser cost per response: a typical 150-byte response, the same split in two buffers in
// the middle of a header line (the slow path's share), 16 of them pipelined in one buffer, and a
// 120 KB chunked body. With RINGFIRE_HAVE_HTTP_PARSER the same bytes also go through
// Debian's libhttp-parser (the nodejs parser), with minimal callbacks, as a yardstick.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "ringfire/http/http_parser.hpp"

#ifdef RINGFIRE_HAVE_HTTP_PARSER
#include <http_parser.h>
#endif

namespace {

using ringfire::ResponseParser;

const std::string kResponse =
    "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nDate: Fri, 27 Nov 2026 18:00:00 GMT\r\n"
    "Content-Type: text/plain\r\nContent-Length: 13\r\nConnection: keep-alive\r\n\r\n"
    "Hello, world!";

constexpr int kPipelined = 16;

std::string pipelined() {
  std::string out;
  for (int i = 0; i < kPipelined; ++i) out += kResponse;
  return out;
}

// 120 KB of chunk data in 4 KB chunks, every other one with an extension, and one trailer.
std::string chunked_response() {
  std::string out = "HTTP/1.1 200 OK\r\nServer: nginx\r\nTransfer-Encoding: chunked\r\n\r\n";
  constexpr size_t kChunk = 4096;
  for (size_t i = 0; i < 120 * 1024 / kChunk; ++i) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", kChunk);
    out += size;
    if (i % 2 == 0) out += ";ext=1";
    out += "\r\n" + std::string(kChunk, 'x') + "\r\n";
  }
  return out + "0\r\nX-Trailer: 1\r\n\r\n";
}

// Parses every response in `bytes` with one parser (one keep-alive connection); returns how many.
int parse_all(ResponseParser& parser, const std::string& bytes) {
  std::span<const char> in(bytes);
  int responses = 0;
  while (!in.empty()) {
    const ResponseParser::Result r = parser.feed(in);
    if (r.status != ResponseParser::Status::kComplete) std::abort();
    ++responses;
    in = in.subspan(r.consumed);
  }
  return responses;
}

// Feeds the response in two pieces, cut at `at`; the parser must complete it at the second.
void run_ringfire_split(benchmark::State& state, const std::string& bytes, size_t at) {
  ResponseParser parser;
  const std::span<const char> all(bytes);
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    if (parser.feed(all.first(at)).status != ResponseParser::Status::kNeedMore) std::abort();
    if (parser.feed(all.subspan(at)).status != ResponseParser::Status::kComplete) std::abort();
    benchmark::DoNotOptimize(parser.info().body_bytes);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

// In the middle of the Date line.
constexpr size_t kSplitAt = 60;

void run_ringfire(benchmark::State& state, const std::string& bytes, int responses) {
  ResponseParser parser;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    if (parse_all(parser, bytes) != responses) std::abort();
    benchmark::DoNotOptimize(parser.info().body_bytes);
  }
  state.SetItemsProcessed(state.iterations() * responses);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

void BM_Ringfire_Response150(benchmark::State& state) {
  run_ringfire(state, kResponse, 1);
}
void BM_Ringfire_SplitHead(benchmark::State& state) {
  run_ringfire_split(state, kResponse, kSplitAt);
}
void BM_Ringfire_Pipelined16(benchmark::State& state) {
  run_ringfire(state, pipelined(), kPipelined);
}
void BM_Ringfire_Chunked120K(benchmark::State& state) {
  run_ringfire(state, chunked_response(), 1);
}
BENCHMARK(BM_Ringfire_Response150);
BENCHMARK(BM_Ringfire_SplitHead);
BENCHMARK(BM_Ringfire_Pipelined16);
BENCHMARK(BM_Ringfire_Chunked120K);

#ifdef RINGFIRE_HAVE_HTTP_PARSER

int count_message(http_parser* p) {
  ++*static_cast<int*>(p->data);
  return 0;
}

void run_http_parser(benchmark::State& state, const std::string& bytes, int responses) {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_message_complete = count_message;
  http_parser parser;
  http_parser_init(&parser, HTTP_RESPONSE);
  int completed = 0;
  parser.data = &completed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(bytes.data());
    completed = 0;
    const size_t used = http_parser_execute(&parser, &settings, bytes.data(), bytes.size());
    if (used != bytes.size() || completed != responses) std::abort();
  }
  state.SetItemsProcessed(state.iterations() * responses);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}

void BM_HttpParser_Response150(benchmark::State& state) {
  run_http_parser(state, kResponse, 1);
}
void BM_HttpParser_SplitHead(benchmark::State& state) {
  http_parser_settings settings;
  http_parser_settings_init(&settings);
  settings.on_message_complete = count_message;
  http_parser parser;
  http_parser_init(&parser, HTTP_RESPONSE);
  int completed = 0;
  parser.data = &completed;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kResponse.data());
    completed = 0;
    http_parser_execute(&parser, &settings, kResponse.data(), kSplitAt);
    http_parser_execute(&parser, &settings, kResponse.data() + kSplitAt,
                        kResponse.size() - kSplitAt);
    if (completed != 1) std::abort();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kResponse.size()));
}
void BM_HttpParser_Pipelined16(benchmark::State& state) {
  run_http_parser(state, pipelined(), kPipelined);
}
void BM_HttpParser_Chunked120K(benchmark::State& state) {
  run_http_parser(state, chunked_response(), 1);
}
BENCHMARK(BM_HttpParser_Response150);
BENCHMARK(BM_HttpParser_SplitHead);
BENCHMARK(BM_HttpParser_Pipelined16);
BENCHMARK(BM_HttpParser_Chunked120K);

#endif  // RINGFIRE_HAVE_HTTP_PARSER

}  // namespace
