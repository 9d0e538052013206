// ringfire-target --fault: what a raw client sees on the wire in each mode, and that the counts
// the server prints at exit (requests read, responses complete and partial) are what the client
// did. The --fault modes are what ringfire's own error handling is tested against, so these
// tests pin down the server's side of it.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "target_client.hpp"

namespace {

using namespace ringfire::target_testing;
using End = Client::End;

// The head of a response in `bytes` (through its blank line), or "" if there is none.
std::string head_of(const std::string& bytes) {
  const size_t end = bytes.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : bytes.substr(0, end + 4);
}

void expect_counts(const Counts& counts, uint64_t read, uint64_t responses, uint64_t partial) {
  EXPECT_EQ(counts.requests_read, read);
  EXPECT_EQ(counts.responses, responses);
  EXPECT_EQ(counts.responses_partial, partial);
}

TEST(TargetFault, ResponseBeforeRequest) {
  Target target({"--fault", "response-before-request"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    auto early = client.read_response();  // nothing has been sent yet
    ASSERT_TRUE(early);
    EXPECT_EQ(early->status, 200);
    EXPECT_EQ(early->body, "Hello, world!");
    for (int i = 0; i < 2; ++i) {
      client.send_all(kGet);
      ASSERT_TRUE(client.read_response()) << "answer " << i;
    }
  }
  const Counts counts = target.stop_and_counts();
  expect_counts(counts, 2, 3, 0);
  EXPECT_EQ(counts.connections, 1u);
}

TEST(TargetFault, JunkAfterResponse) {
  Target target({"--fault", "junk-after-response"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    std::string junk;
    client.send_all(kGet);
    ASSERT_TRUE(client.read_response());
    ASSERT_TRUE(client.read_bytes(5, junk));
    EXPECT_EQ(junk, "XYZ\r\n");
    client.send_all(kGet + kGet);  // pipelined: response, junk, response, junk
    for (int i = 0; i < 2; ++i) {
      auto r = client.read_response();
      ASSERT_TRUE(r) << "response " << i;
      EXPECT_EQ(r->body, "Hello, world!");
      ASSERT_TRUE(client.read_bytes(5, junk));
      EXPECT_EQ(junk, "XYZ\r\n");
    }
    End end{};
    EXPECT_EQ(client.read_until_end(end, 1, 100ms), "");  // nothing more, connection open
    EXPECT_EQ(end, End::kTimeout);
  }
  expect_counts(target.stop_and_counts(), 3, 3, 0);
}

TEST(TargetFault, ShutWriteAfterResponseKeepsReading) {
  Target target({"--fault", "shut-write-after-response"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet);
    ASSERT_TRUE(client.read_response());
    EXPECT_TRUE(client.at_eof());  // FIN right after the response
    client.send_all(kGet + kGet);  // read and counted, never answered
    // Longer than the 1 s a well-behaved close lingers: this connection stays readable until
    // the client closes it (a closed one would answer these bytes with RST).
    std::this_thread::sleep_for(1200ms);
    client.send_all(kGet);
    End end{};
    EXPECT_EQ(client.read_until_end(end, 1, 200ms), "");
    EXPECT_EQ(end, End::kEof);
  }
  expect_counts(target.stop_and_counts(), 4, 1, 0);
}

TEST(TargetFault, EmptyLinesBetweenResponses) {
  Target target({"--fault", "empty-lines"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet);
    ASSERT_TRUE(client.read_response());  // the first: no empty line before it
    client.send_all(kGet + kGet);
    for (int i = 0; i < 2; ++i) {
      std::string line;
      ASSERT_TRUE(client.read_bytes(2, line));
      EXPECT_EQ(line, "\r\n") << "before response " << i + 2;
      ASSERT_TRUE(client.read_response());
    }
  }
  expect_counts(target.stop_and_counts(), 3, 3, 0);
}

// One GET on a fresh connection to a server started with `args`: every byte that came back until
// the server ended the connection (or `limit` bytes), how it ended, and the server's counts.
struct OneGet {
  std::string bytes;
  End end = End::kError;
  Counts counts;
};

OneGet one_get(std::vector<std::string> args, size_t limit = 1 << 20) {
  OneGet result;
  Target target(std::move(args));
  if (!target.ok()) return result;
  {
    Client client(target.port());
    client.send_all(kGet);
    result.bytes = client.read_until_end(result.end, limit);
  }  // the client closes; an endless response ends when the server's next send fails
  result.counts = target.stop_and_counts();
  return result;
}

TEST(TargetFault, ResetMidBody) {
  const OneGet got = one_get({"--fault", "reset-mid-body", "--body-size", "1000"});
  EXPECT_EQ(got.end, End::kReset);
  const std::string head = head_of(got.bytes);
  ASSERT_FALSE(head.empty()) << got.bytes;
  EXPECT_NE(head.find("Content-Length: 1000\r\n"), std::string::npos) << head;
  EXPECT_EQ(got.bytes.size() - head.size(), 500u);  // half the body, then RST
  expect_counts(got.counts, 1, 0, 1);
}

TEST(TargetFault, CloseAfterHeaders) {
  const OneGet got = one_get({"--fault", "close-after-headers"});
  EXPECT_EQ(got.end, End::kEof);
  EXPECT_EQ(head_of(got.bytes), got.bytes);  // the head and nothing after it
  EXPECT_NE(got.bytes.find("Content-Length: 13\r\n"), std::string::npos) << got.bytes;
  expect_counts(got.counts, 1, 0, 1);
}

TEST(TargetFault, CloseBeforeAnyByte) {
  const OneGet got = one_get({"--fault", "close-before-any-byte"});
  EXPECT_EQ(got.bytes, "");
  EXPECT_EQ(got.end, End::kEof);  // FIN, not RST
  expect_counts(got.counts, 1, 0, 0);
}

TEST(TargetFault, EndlessHeaders) {
  const OneGet got = one_get({"--fault", "endless-headers"});
  ASSERT_EQ(got.end, End::kLimit);
  const std::string& bytes = got.bytes;
  EXPECT_EQ(bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_EQ(bytes.find("\r\n\r\n"), std::string::npos);  // a megabyte and no end of the head
  const size_t last_line = bytes.rfind("\r\n", bytes.size() - 3);
  EXPECT_EQ(bytes.compare(last_line + 2, 11, "X-Endless: "), 0);
  expect_counts(got.counts, 1, 0, 1);
}

TEST(TargetFault, EndlessChunked) {
  const OneGet got = one_get({"--fault", "endless-chunked", "--chunk-size", "1k"});
  ASSERT_EQ(got.end, End::kLimit);
  const std::string& bytes = got.bytes;
  const std::string head = head_of(bytes);
  ASSERT_FALSE(head.empty());
  EXPECT_NE(head.find("Transfer-Encoding: chunked\r\n"), std::string::npos) << head;
  // Chunks of 1 KiB, one after the other, and never the last (empty) chunk.
  size_t at = head.size();
  size_t chunks = 0;
  while (bytes.size() - at > 1024 + 16) {
    ASSERT_EQ(bytes.compare(at, 5, "400\r\n"), 0) << "at " << at;
    at += 5 + 1024;
    ASSERT_EQ(bytes.compare(at, 2, "\r\n"), 0) << "at " << at;
    at += 2;
    ++chunks;
  }
  EXPECT_GT(chunks, 900u);
  expect_counts(got.counts, 1, 0, 1);
}

TEST(TargetFault, CloseAnnounced) {
  Target target({"--fault", "close-announced"});
  ASSERT_TRUE(target.ok());
  {
    Client client(target.port());
    client.send_all(kGet + kGet + kGet);  // two behind the first: read, never answered
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(lower(r->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  {
    Client client(target.port());
    client.send_all(kGet);
    auto r = client.read_response();
    ASSERT_TRUE(r);
    EXPECT_EQ(lower(r->header("connection")), "close");
    EXPECT_TRUE(client.at_eof());
  }
  const Counts counts = target.stop_and_counts();
  expect_counts(counts, 4, 2, 0);
  EXPECT_EQ(counts.connections, 2u);
}

// Polls until connecting gives `want` (0: accepted; ECONNREFUSED: nobody listens), for at most
// `limit`; counts the connections that were made meanwhile.
bool wait_for_connect_result(uint16_t port, int want, std::chrono::milliseconds limit,
                             uint64_t& made) {
  const auto deadline = Clock::now() + limit;
  while (Clock::now() < deadline) {
    const int rc = try_connect(port);
    if (rc == 0) ++made;
    if (rc == want) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(TargetFault, ListenerFlap) {
  Target target({"--fault", "listener-flap", "--flap-every", "300ms", "--threads", "2"});
  ASSERT_TRUE(target.ok());
  uint64_t made = 0;
  {
    Client before(target.port());
    ++made;
    before.send_all(kGet);
    ASSERT_TRUE(before.read_response());
    // Down: every listener of the port is closed, and the open connection is reset.
    ASSERT_TRUE(wait_for_connect_result(target.port(), ECONNREFUSED, 1000ms, made));
    End end{};
    EXPECT_EQ(before.read_until_end(end), "");
    EXPECT_EQ(end, End::kReset);
    // Up again on the same port, and serving.
    ASSERT_TRUE(wait_for_connect_result(target.port(), 0, 1000ms, made));
    Client after(target.port());
    ++made;
    after.send_all(kGet);
    ASSERT_TRUE(after.read_response());
  }
  const Counts counts = target.stop_and_counts();
  expect_counts(counts, 2, 2, 0);
  // A probe that connected just as the listener went down was never accepted.
  EXPECT_GE(counts.connections, 2u);
  EXPECT_LE(counts.connections, made);
}

// The stop reads what the kernel holds: requests sent after the server's FIN, on connections the
// client never closed, still count, across threads.
TEST(TargetFault, CountsAtStopAreExactAcrossThreads) {
  Target target({"--fault", "shut-write-after-response", "--threads", "2"});
  ASSERT_TRUE(target.ok());
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 8; ++i) {
    clients.push_back(std::make_unique<Client>(target.port()));
    clients.back()->send_all(kGet);
    ASSERT_TRUE(clients.back()->read_response());
    ASSERT_TRUE(clients.back()->at_eof());
    clients.back()->send_all(kGet + kGet);
  }
  const Counts counts = target.stop_and_counts();  // the clients are still open
  expect_counts(counts, 24, 8, 0);
  EXPECT_EQ(counts.connections, 8u);
}

TEST(TargetFault, UnknownModeIsRefusedWithTheList) {
  auto process = Subprocess::start({RINGFIRE_TARGET_BIN, "--fault", "sometimes", "--port", "0"});
  ASSERT_TRUE(process);
  const ExitResult r = process->wait(5s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(r.out.empty()) << r.out;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "want one line, got: " << r.err;
  for (const char* mode : {"response-before-request", "endless-chunked", "close-announced"}) {
    EXPECT_NE(r.err.find(mode), std::string::npos) << r.err;
  }
}

TEST(TargetFault, IncoherentOptionsAreRefused) {
  const std::vector<std::vector<std::string>> cases = {
      {"--flap-every", "1s"},                                 // without listener-flap
      {"--fault", "reset-mid-body", "--body-size", "0"},      // no body to cut
      {"--fault", "close-after-headers", "--status", "204"},  // no body to announce
      {"--fault", "endless-chunked", "--http10"},             // no chunked in HTTP/1.0
      {"--fault", "listener-flap", "--flap-every", "0s"},
  };
  for (const auto& args : cases) {
    std::vector<std::string> argv = {RINGFIRE_TARGET_BIN, "--port", "0"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto process = Subprocess::start(argv);
    ASSERT_TRUE(process);
    const ExitResult r = process->wait(5s);
    EXPECT_EQ(r.exit_code, 2) << args.back() << ": " << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "want one line, got: " << r.err;
  }
}

}  // namespace
