// ringfire-target --count-paths and request_body_bytes: what the server prints at exit, checked
// exactly against what a plain blocking client sent (the independent source), for paths with and
// without query strings, pipelined and split, and for request bodies of 0, 10 and 1 MiB bytes.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "target_client.hpp"

namespace {

using namespace ringfire::target_testing;

std::string get(const std::string& target) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
}

std::string post(const std::string& target, const std::string& body) {
  return "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
         "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

void read_ok(Client& client, int n, bool head = false) {
  for (int i = 0; i < n; ++i) {
    auto r = client.read_response(head);
    ASSERT_TRUE(r) << "response " << i;
    EXPECT_EQ(r->status, 200) << "response " << i;
  }
}

TEST(TargetPaths, PipelinedPathsCountWithoutTheirQuery) {
  Target target({"--count-paths"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(get("/fib/5") + get("/fib/5?x=1") + get("/isprime/7?n=2&m=3") + get("/") +
                    get("/?q") + get("/fib/5?") + get("/fib/50"));
    read_ok(client, 7);
    client.send_all("HEAD /fib/5?h HTTP/1.1\r\nHost: x\r\n\r\n");
    read_ok(client, 1, /*head=*/true);
  }
  {
    Client other(target.port());  // a second connection adds to the same table
    other.send_all(get("/isprime/7"));
    read_ok(other, 1);
  }
  const Counts counts = target.stop_and_counts();
  const std::map<std::string, uint64_t> expected = {
      {"/", 2}, {"/fib/5", 4}, {"/fib/50", 1}, {"/isprime/7", 2}};
  EXPECT_EQ(counts.paths, expected);
  EXPECT_EQ(counts.path_other, 0u);
  EXPECT_EQ(counts.responses, 9u);
  EXPECT_EQ(counts.requests_read, 9u);
  EXPECT_EQ(counts.request_body_bytes, 0u);
}

// Bodies of 0, 10 and 1 MiB bytes, the big one split across many writes and made of request
// lines: skipped as a body, not one of them may be framed (and counted) as a request.
TEST(TargetPaths, BodiesOfZeroTenAndOneMebibyteArriveWhole) {
  Target target({"--count-paths"});
  ASSERT_TRUE(target.ok());
  std::string big;
  while (big.size() < (1u << 20)) big += get("/inside-body");
  big.resize(1u << 20);
  const std::string json = R"({"id": 12345})";  // what a templated JSON body turns into
  ASSERT_EQ(json.size(), 13u);
  {
    Client client(target.port());
    client.send_all(post("/users", "") + post("/users?x=1", "0123456789") + post("/json", json));
    read_ok(client, 3);
    const std::string request = post("/upload?name=big", big) + get("/after");
    const size_t kPiece = 50'000;  // about 21 writes, each likely its own read on the server
    for (size_t at = 0; at < request.size(); at += kPiece) {
      client.send_all(request.substr(at, kPiece));
      std::this_thread::sleep_for(1ms);
    }
    read_ok(client, 2);
  }
  const Counts counts = target.stop_and_counts();
  const std::map<std::string, uint64_t> expected = {
      {"/after", 1}, {"/json", 1}, {"/upload", 1}, {"/users", 2}};
  EXPECT_EQ(counts.paths, expected);
  EXPECT_EQ(counts.path_bytes.at("/upload").first, post("/upload?name=big", big).size());
  EXPECT_EQ(counts.request_body_bytes, 0u + 10u + 13u + (1u << 20));
  EXPECT_EQ(counts.requests_read, 5u);
  EXPECT_EQ(counts.responses, 5u);
}

// The same request split in two at every offset: the path and the body bytes are counted once each.
TEST(TargetPaths, RequestSplitAtEveryOffset) {
  Target target({"--count-paths"});
  ASSERT_TRUE(target.ok());
  const std::string request = post("/split/path?q=1&r=2", "hello body");
  {
    Client client(target.port());
    for (size_t cut = 1; cut < request.size(); ++cut) {
      client.send_all(request.substr(0, cut));
      std::this_thread::sleep_for(200us);  // makes two segments (and two reads) likely
      client.send_all(request.substr(cut));
      read_ok(client, 1);
    }
  }
  const uint64_t n = request.size() - 1;
  const Counts counts = target.stop_and_counts();
  EXPECT_EQ(counts.paths, (std::map<std::string, uint64_t>{{"/split/path", n}}));
  EXPECT_EQ(counts.path_bytes.at("/split/path").first, n * request.size());
  EXPECT_EQ(counts.request_body_bytes, n * 10);
  EXPECT_EQ(counts.responses, n);
}

// Each path's REQUEST_BYTES and RESPONSE_BYTES are what a plain client wrote and read for it:
// GET, HEAD (a head-only answer), POST bodies, queries, a stray CRLF after a body (no part of any
// request) and a 400 at the end (it answers no path).
TEST(TargetPaths, PathBytesAreWhatThePlainClientWroteAndRead) {
  Target target({"--count-paths", "--body-size", "100"});
  ASSERT_TRUE(target.ok());
  const struct {
    const char* path;
    std::string request;
    bool head;
  } requests[] = {
      {"/a", get("/a?a=long-query"), false},
      {"/bb", post("/bb", "0123456789") + "\r\n", false},
      {"/a", "HEAD /a HTTP/1.1\r\nHost: x\r\n\r\n", true},
      {"/bb", post("/bb?x", std::string(5000, 'y')), false},
  };
  std::map<std::string, std::pair<uint64_t, uint64_t>> expected;
  {
    Client client(target.port());
    std::string all;
    for (const auto& r : requests) all += r.request;
    client.send_all(all);
    for (const auto& r : requests) {
      const uint64_t before = client.consumed();
      read_ok(client, 1, r.head);
      expected[r.path].first += r.request.size();
      expected[r.path].second += client.consumed() - before;
    }
    expected["/bb"].first -= 2;  // the stray CRLF
    client.send_all("garbage\r\n\r\n");
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
  }
  const Counts counts = target.stop_and_counts();
  EXPECT_EQ(counts.path_bytes, expected);
  EXPECT_EQ(counts.paths, (std::map<std::string, uint64_t>{{"/a", 2}, {"/bb", 2}}));
  EXPECT_EQ(counts.responses, 5u);
}

// Without --count-paths: no path lines, but the body bytes are counted all the same.
TEST(TargetPaths, BodyBytesWithoutCountPaths) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(post("/a?b", std::string(1000, 'x')) + get("/c"));
    read_ok(client, 2);
  }
  const Counts counts = target.stop_and_counts();
  EXPECT_TRUE(counts.paths.empty());
  EXPECT_EQ(counts.request_body_bytes, 1000u);
  EXPECT_EQ(counts.responses, 2u);
}

// Request bodies are framed by Content-Length only: a chunked one gets 400 (and the connection is
// closed) rather than being misframed; a 400 answers no path.
TEST(TargetPaths, ChunkedRequestBodyIsRefusedWith400) {
  Target target({"--count-paths"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(get("/before"));
    read_ok(client, 1);
    client.send_all(
        "POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
        "chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400);
    EXPECT_EQ(lower(r->header("connection")), "close");
    Client::End end{};
    client.read_until_end(end);
    EXPECT_EQ(end, Client::End::kEof);
  }
  const Counts counts = target.stop_and_counts();
  EXPECT_EQ(counts.paths, (std::map<std::string, uint64_t>{{"/before", 1}}));
  EXPECT_EQ(counts.responses, 2u);  // the 400 included
  EXPECT_EQ(counts.requests_read, 1u);
  EXPECT_EQ(counts.request_body_bytes, 0u);
}

// `paths` distinct paths on one connection, sent and answered 100 at a time (a pipelined batch
// fits the server's response queue, so neither side waits on the other's buffers).
void send_distinct(uint16_t port, const std::string& prefix, int paths) {
  Client client(port);
  for (int first = 0; first < paths; first += 100) {
    std::string batch;
    const int last = std::min(paths, first + 100);
    for (int i = first; i < last; ++i) batch += get(prefix + std::to_string(i) + "?v=" + prefix);
    client.send_all(batch);
    read_ok(client, last - first);
  }
}

TEST(TargetPaths, TableHoldsTenThousandPathsTheRestCountAsOther) {
  Target target({"--count-paths"});
  ASSERT_TRUE(target.ok());
  send_distinct(target.port(), "/p/", 10'050);
  const Counts counts = target.stop_and_counts();
  // One thread sees them in order: the first 10,000 get entries, the last 50 count as other.
  ASSERT_EQ(counts.paths.size(), 10'000u);
  EXPECT_EQ(counts.path_other, 50u);
  EXPECT_EQ(counts.paths.count("/p/9999"), 1u);
  EXPECT_EQ(counts.paths.count("/p/10000"), 0u);
  uint64_t sum = counts.path_other;
  for (const auto& [path, n] : counts.paths) {
    EXPECT_EQ(n, 1u) << path;
    sum += n;
  }
  EXPECT_EQ(sum, 10'050u);
  EXPECT_EQ(counts.responses, 10'050u);
}

// Two threads (each connection lands on either): together at most 10,000 paths are printed,
// every response is counted once, in a path line or in path_other.
TEST(TargetPaths, TableCapHoldsAcrossThreads) {
  Target target({"--count-paths", "--threads", "2"});
  ASSERT_TRUE(target.ok());
  std::thread a([&] { send_distinct(target.port(), "/a/", 6'000); });
  std::thread b([&] { send_distinct(target.port(), "/b/", 6'000); });
  a.join();
  b.join();
  const Counts counts = target.stop_and_counts();
  EXPECT_EQ(counts.paths.size(), 10'000u);
  EXPECT_EQ(counts.path_other, 2'000u);
  EXPECT_EQ(counts.responses, 12'000u);
}

// What the ringfire tests read: the shared harness parses the same lines.
TEST(TargetPaths, HarnessReportHasPathsAndBodyBytes) {
  ringfire::testing::TargetServer server({"--count-paths", "--quiet"});
  ASSERT_TRUE(server.ok());
  {
    Client client(server.port());
    client.send_all(get("/x?1") + post("/y", "12345") + get("/x"));
    read_ok(client, 3);
  }
  const auto report = server.stop_and_report();
  ASSERT_TRUE(report.stopped);
  ASSERT_EQ(report.paths.size(), 2u);
  EXPECT_EQ(report.paths.at("/x").responses, 2u);
  EXPECT_EQ(report.paths.at("/y").responses, 1u);
  EXPECT_EQ(report.paths.at("/x").request_bytes, get("/x?1").size() + get("/x").size());
  EXPECT_EQ(report.paths.at("/y").request_bytes, post("/y", "12345").size());
  EXPECT_EQ(report.paths.at("/x").response_bytes, 2 * report.paths.at("/y").response_bytes);
  EXPECT_EQ(report.counters.at("request_body_bytes"), 5);
  EXPECT_EQ(report.counters.at("responses"), 3);
  EXPECT_EQ(report.counters.count("path_other"), 0u);
}

}  // namespace
