// The one submit path (engine/ring.hpp, Worker::before_submit): with the submission queue forced
// small, a reap that answers hundreds of connections fills it many times over, and each of those
// submissions must stamp what it hands over first. A server that answers no request sooner than
// 50 ms after reading it then bounds every latency sample from below: a request stamped after its
// bytes left would show less.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

// Sets an environment variable for the runs of one test (the ringfire child inherits it).
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { setenv(name, value, 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

TEST(SubmitPath, AFullSqMidReapStampsFirstAndKeepsTheAccounts) {
  TargetServer server({"--delay", "50ms", "--quiet"});
  ASSERT_TRUE(server.ok());
  const ScopedEnv small_sq("RINGFIRE_SQ_ENTRIES", "64");
  const RingfireRun run = run_ringfire({"-c", "300", "-t", "1", "-d", "1500ms", server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const auto& totals = run.result["totals"];
  ASSERT_GT(totals["completed"].get<uint64_t>(), 300u) << totals.dump();
  // The SQ (64) filled while the reap answered 300 connections: submissions were forced mid-reap.
  EXPECT_GT(run.result["run"]["full_sq_submits"].get<uint64_t>(), 0u);
  // No sample below the server's own delay: every request was stamped before it left.
  EXPECT_GE(run.result["latency_ns"]["min"].get<uint64_t>(), 50'000'000u);
  EXPECT_GE(run.result["service_ns"]["min"].get<uint64_t>(), 50'000'000u);
}

// With SQPOLL the kernel thread takes submitted entries when it runs, so a full SQ stays full for
// a moment after the submit: sqe() must wait for room (it crashed, and then called the ring
// broken, before). 100 connections fill the 200-entry SQ at the start.
TEST(SubmitPath, SqpollWaitsForRoomInTheSq) {
  TargetServer server({"--quiet"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "100", "-t", "1", "-d", "1s", "--sqpoll", server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  EXPECT_GT(run.result["totals"]["completed"].get<uint64_t>(), 100u);
  EXPECT_EQ(run.result["config"]["sqpoll"], true);
}

}  // namespace
}  // namespace ringfire::testing
