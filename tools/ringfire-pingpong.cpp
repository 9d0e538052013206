// ringfire-pingpong: the latency floor of this box. One connection, one thread, plain blocking
// send() and recv(), one request at a time: nothing batches, nothing polls, nothing is in between.
// The light-load case of scripts/bench/bench-vs-wrk.sh compares ringfire's 1-connection latency
// with this one (the Speed issue asks ringfire's to stay within 20 µs of it).
//
// Latency is timed like ringfire's: from just before the request is handed to the kernel to just
// after the last byte of its response has been read; the same request bytes, the same parser.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ringfire/base/clock.hpp"
#include "ringfire/http/http_parser.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/metrics/histogram.hpp"
#include "ringfire/run/config.hpp"
#include "ringfire/scenario/request_mix.hpp"

namespace {

using namespace ringfire;

int fail(const std::string& message) {
  std::fprintf(stderr, "ringfire-pingpong: %s\n", message.c_str());
  return 1;
}

bool send_all(int fd, std::span<const char> bytes) {
  while (!bytes.empty()) {
    const ssize_t n = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<size_t>(n));
  }
  return true;
}

// Reads until one whole response has been parsed. Responses arrive one at a time (nothing is
// pipelined), so bytes past the end of it would be a protocol error, not the next response.
bool receive_response(int fd, ResponseParser& parser, std::vector<char>& buffer) {
  for (;;) {
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return false;
    const auto r = parser.feed({buffer.data(), static_cast<size_t>(n)});
    if (r.status == ResponseParser::Status::kComplete) return r.consumed == static_cast<size_t>(n);
    if (r.status == ResponseParser::Status::kError) return false;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ringfire-pingpong: blocking one-connection ping-pong, the latency floor of this box"};
  std::string url_text;
  std::string duration_text = "3s";
  uint64_t max_requests = 0;
  std::string json_path;
  app.add_option("url", url_text, "Target URL: http://host[:port]/path")->required();
  app.add_option("-d,--duration", duration_text, "How long to run (default 3s)");
  app.add_option("-n,--requests", max_requests, "Stop after this many responses");
  app.add_option("--json", json_path, "Write the result as JSON to this file");
  CLI11_PARSE(app, argc, argv);

  RunConfig config;
  UrlError url_error;
  if (!parse_url(url_text, config.url, url_error)) return fail(url_error.message);
  if (!parse_duration(duration_text, config.duration) || config.duration.count() <= 0) {
    return fail("bad --duration '" + duration_text + "' (want e.g. 500ms, 3s)");
  }
  std::string error;
  std::vector<Endpoint> endpoints;
  if (!resolve(config.url, endpoints, error)) return fail(error);
  const int chosen = first_reachable(endpoints, std::chrono::seconds(2), error);
  if (chosen < 0) return fail(error);
  const Endpoint& endpoint = endpoints[static_cast<size_t>(chosen)];

  const int fd = socket(endpoint.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail("cannot create a socket");
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // A stalled server must not hang the baseline: a blocked recv gives up after 2 s.
  const timeval limit{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&endpoint.addr), endpoint.len) != 0) {
    return fail("cannot connect to " + endpoint.text());
  }

  // The same bytes ringfire sends for this URL: its one-label scenario, rendered by RequestMix.
  RequestMix mix;
  if (!RequestMix::build(single_url_scenario(config), config.url, MixOptions{}, mix, error)) {
    close(fd);
    return fail(error);
  }
  const std::span<const char> request = mix.static_batch(1);
  ResponseParser parser;
  std::vector<char> buffer(64 * 1024);
  Histogram latency;
  const uint64_t start = now_ns();
  const uint64_t stop = start + static_cast<uint64_t>(config.duration.count());
  uint64_t completed = 0;
  for (uint64_t now = start; now < stop && (max_requests == 0 || completed < max_requests);) {
    if (!send_all(fd, request) || !receive_response(fd, parser, buffer)) {
      close(fd);
      return fail("the server closed, reset, stalled or sent something unparsable after " +
                  std::to_string(completed) + " responses");
    }
    const uint64_t done = now_ns();
    latency.record(done - now);
    ++completed;
    now = done;
  }
  close(fd);

  const double seconds = static_cast<double>(now_ns() - start) / 1e9;
  const auto us = [&](double p) {
    return static_cast<double>(latency.value_at_percentile(p)) / 1e3;
  };
  std::printf(
      "ping-pong %s: %llu responses in %.2f s, %.0f req/s, latency p50 %.1f us, p99 %.1f us\n",
      endpoint.text().c_str(), static_cast<unsigned long long>(completed), seconds,
      static_cast<double>(completed) / seconds, us(50), us(99));
  if (!json_path.empty()) {
    const nlohmann::json out = {{"completed", completed},
                                {"seconds", seconds},
                                {"requests_per_second", static_cast<double>(completed) / seconds},
                                {"latency_ns",
                                 {{"p50", latency.value_at_percentile(50)},
                                  {"p99", latency.value_at_percentile(99)},
                                  {"min", latency.min()},
                                  {"max", latency.max()}}}};
    std::ofstream(json_path) << out.dump(1) << "\n";
  }
  return 0;
}
