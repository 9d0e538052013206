// ringfire-target end to end: the real binary as a subprocess, spoken to with plain blocking
// sockets on loopback. Each test checks the wire bytes and, at SIGTERM, the server's own count.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <string>
#include <thread>
#include <vector>

#include "target_client.hpp"

namespace {

using namespace ringfire::target_testing;

TEST(Target, KeepAliveGet) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    for (int i = 0; i < 3; ++i) {
      client.send_all(kGet);
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->version, "HTTP/1.1");
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->header("server"), "ringfire-target");
      EXPECT_EQ(r->header("content-length"), "13");
      EXPECT_FALSE(r->has("connection"));
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), 3u);
  EXPECT_EQ(connections, 1u);
}

TEST(Target, TenPipelinedRequestsInOneWrite) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    std::string batch;
    for (int i = 0; i < 10; ++i) batch += kGet;
    client.send_all(batch);
    for (int i = 0; i < 10; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r) << "response " << i;
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 10u);
}

TEST(Target, RequestSplitByteByByte) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    const std::string request = "GET /split HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
    for (char c : request) {
      client.send_all(std::string(1, c));
      std::this_thread::sleep_for(1ms);  // makes separate segments (and reads) likely
    }
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    client.send_all(kGet);  // the connection's framing state is clean afterwards
    ASSERT_TRUE(client.read_response());
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, PostBodyIsSkippedAcrossReads) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    const std::string body(100000, 'b');
    client.send_all("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" +
                    body.substr(0, 30000));
    std::this_thread::sleep_for(20ms);
    client.send_all(body.substr(30000) + kGet);  // the rest of the body, then a pipelined GET
    for (int i = 0; i < 2; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r) << "response " << i;
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->body, "Hello, world!");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, HeadGetsHeadersOnly) {
  Target target({"--body-size", "1000"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n" + kGet);
    auto head = client.read_response(/*head_request=*/true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->header("content-length"), "1000");
    // Had the HEAD response carried a body, this would read body bytes as a status line.
    auto get = client.read_response();
    ASSERT_TRUE(get);
    EXPECT_EQ(get->status, 200);
    EXPECT_EQ(get->body.size(), 1000u);
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, ChunkedFraming) {
  Target target({"--chunked", "--body-size", "10000", "--chunk-size", "4096"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + kGet);
    for (int i = 0; i < 2; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->header("transfer-encoding"), "chunked");
      EXPECT_FALSE(r->has("content-length"));
      EXPECT_EQ(r->chunk_sizes, (std::vector<size_t>{4096, 4096, 1808}));
      ASSERT_EQ(r->body.size(), 10000u);
      EXPECT_EQ(r->body.substr(0, 14), "Hello, world!\n");
    }
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, LargeBodySurvivesShortSends) {
  Target target({"--body-size", "4MiB"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + kGet + kGet);
    for (int i = 0; i < 3; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(r->body.size(), 4u << 20);
    }
  }
  EXPECT_EQ(target.stop_and_count(), 3u);
}

TEST(Target, CloseEveryThirdResponse) {
  Target target({"--close-every", "3"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    for (int i = 1; i <= 3; ++i) {
      client.send_all(kGet);
      auto r = client.read_response();
      ASSERT_TRUE(r);
      EXPECT_EQ(lower(r->header("connection")), i == 3 ? "close" : "") << "response " << i;
    }
    EXPECT_TRUE(client.at_eof());
  }
  {
    // Pipelined past the closing response: exactly 3 answers, then EOF (not a reset).
    Client client(target.port());
    client.send_all(kGet + kGet + kGet + kGet + kGet);
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.read_response());
    EXPECT_TRUE(client.at_eof());
  }
  uint64_t connections = 0;
  EXPECT_EQ(target.stop_and_count(&connections), 6u);
  EXPECT_EQ(connections, 2u);
}

TEST(Target, ConnectionCloseRequestIsHonoured) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(lower(r->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 1u);
}

TEST(Target, Http10Mode) {
  Target target({"--http10"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    auto kept = client.read_response();
    ASSERT_TRUE(kept);
    EXPECT_EQ(kept->version, "HTTP/1.0");
    EXPECT_EQ(lower(kept->header("connection")), "keep-alive");
    client.send_all("GET / HTTP/1.0\r\n\r\n");
    auto last = client.read_response();
    ASSERT_TRUE(last);
    EXPECT_EQ(lower(last->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

TEST(Target, DelayHoldsEachResponse) {
  Target target({"--delay", "50ms"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    auto t0 = Clock::now();
    client.send_all(kGet);
    ASSERT_TRUE(client.read_response());
    const double one = ms_since(t0);
    EXPECT_GE(one, 50.0);
    EXPECT_LT(one, 500.0);

    // Pipelined requests arrive together, so their delays run concurrently, in order.
    t0 = Clock::now();
    client.send_all(kGet + kGet + kGet + kGet + kGet);
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.read_response());
    const double five = ms_since(t0);
    EXPECT_GE(five, 50.0);
    EXPECT_LT(five, 200.0);  // 250 ms or more would mean the delays were served one by one
  }
  {
    // Ten connections delayed at once: a sleeping server thread would take 500 ms.
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < 10; ++i) clients.push_back(std::make_unique<Client>(target.port()));
    const auto t0 = Clock::now();
    for (auto& c : clients) c->send_all(kGet);
    for (auto& c : clients) ASSERT_TRUE(c->read_response());
    const double ten = ms_since(t0);
    EXPECT_GE(ten, 50.0);
    EXPECT_LT(ten, 400.0);
  }
  EXPECT_EQ(target.stop_and_count(), 16u);
}

TEST(Target, StallHoldsResponsesUntilItEnds) {
  // The stall covers [500 ms, 1500 ms) after start.
  Target target({"--stall-at", "500ms", "--stall-for", "1s"});
  ASSERT_TRUE(target.ok());
  const auto started = Clock::now();  // no earlier than the server's own start
  Client client(target.port());
  auto t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  EXPECT_LT(ms_since(t0), 300.0);  // before the stall: prompt

  std::this_thread::sleep_until(started + 800ms);
  t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  const double held = ms_since(t0);
  EXPECT_GE(held, 400.0);  // held until ~1500 ms after start, i.e. ~700 ms here
  EXPECT_LT(held, 1500.0);

  t0 = Clock::now();
  client.send_all(kGet);
  ASSERT_TRUE(client.read_response());
  EXPECT_LT(ms_since(t0), 300.0);  // after the stall: prompt again (it happens once)
  EXPECT_EQ(target.stop_and_count(), 3u);
}

TEST(Target, StatusCode) {
  Target target({"--status", "503"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet);
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 503);
    EXPECT_EQ(r->body, "Hello, world!");
  }
  EXPECT_EQ(target.stop_and_count(), 1u);
}

TEST(Target, GarbageGets400AndClose) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + "\x01\x02 this is not http\r\n\r\n");
    auto ok = client.read_response();
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_EQ(lower(bad->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  {
    Client client(target.port());  // refused at the request line, before any blank line
    client.send_all("NOT A REQUEST\r\n");
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_TRUE(client.at_eof());
  }
  EXPECT_EQ(target.stop_and_count(), 3u);  // a 400 is a response too
}

TEST(Target, OversizedHeaderBlockGets400) {
  Target target({});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
    while (request.size() <= 70 * 1024) request += "X-Filler: " + std::string(100, 'f') + "\r\n";
    client.send_all(request);  // never finished: the server must give up at 64 KiB
    auto bad = client.read_response();
    ASSERT_TRUE(bad);
    EXPECT_EQ(bad->status, 400);
    EXPECT_TRUE(client.at_eof());
  }
  {
    Client client(target.port());  // just under the limit is fine
    std::string request = "GET / HTTP/1.1\r\nHost: x\r\n";
    while (request.size() <= 60 * 1024) request += "X-Filler: " + std::string(100, 'f') + "\r\n";
    client.send_all(request + "\r\n");
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(target.stop_and_count(), 2u);
}

}  // namespace
