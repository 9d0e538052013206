// Connect errors by cause: the errno mapping, the ledger's counting as connect errors, and
// the merge.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "ringfire/engine/ledger.hpp"
#include "ringfire/metrics/stats.hpp"

namespace ringfire {
namespace {

constexpr uint64_t kS = 1'000'000'000;

TEST(ConnectFailure, ErrnoMapsToItsCause) {
  const struct {
    int err;
    ConnectFailure cause;
    const char* name;
  } table[] = {
      {ECONNREFUSED, ConnectFailure::kRefused, "ECONNREFUSED"},
      {ETIMEDOUT, ConnectFailure::kTimedOut, "ETIMEDOUT"},
      {EADDRNOTAVAIL, ConnectFailure::kNoLocalPort, "EADDRNOTAVAIL"},
      {EMFILE, ConnectFailure::kTooManyFiles, "EMFILE"},
      {ENFILE, ConnectFailure::kTooManyFiles, "EMFILE"},
      {ENETUNREACH, ConnectFailure::kUnreachable, "EHOSTUNREACH"},
      {EHOSTUNREACH, ConnectFailure::kUnreachable, "EHOSTUNREACH"},
      {ECONNRESET, ConnectFailure::kReset, "ECONNRESET"},
      {EPROTO, ConnectFailure::kHandshake, "handshake"},
      {EACCES, ConnectFailure::kOther, "other"},
      {0, ConnectFailure::kOther, "other"},
  };
  for (const auto& row : table) {
    EXPECT_EQ(connect_failure_of(row.err), row.cause) << row.err;
    EXPECT_STREQ(to_string(connect_failure_of(row.err)), row.name) << row.err;
  }
  EXPECT_STREQ(meaning(ConnectFailure::kNoLocalPort), "no free local port");
  EXPECT_STREQ(meaning(ConnectFailure::kRefused), "nothing listens there");
  for (size_t i = 0; i < kConnectFailures; ++i) {
    EXPECT_STRNE(meaning(static_cast<ConnectFailure>(i)), "?");
    EXPECT_STRNE(to_string(static_cast<ConnectFailure>(i)), "?");
  }
}

TEST(ConnectFailure, LedgerCountsTheCauseBesideTheTotalInItsEpoch) {
  LedgerPlan p;
  p.connections = 1;
  p.measure_start_ns = 10 * kS;
  p.stop_ns = 12 * kS;
  RequestLedger l(p);
  l.connect_failed(ECONNREFUSED, 9 * kS);  // warm-up
  l.connect_failed(EADDRNOTAVAIL, 10 * kS + 1);
  l.connect_failed(EADDRNOTAVAIL, 11 * kS);
  l.connect_failed(ETIMEDOUT, 11 * kS + 1);
  l.finish(12 * kS);
  const LedgerResult& r = l.result();
  EXPECT_EQ(r.warmup.connect_errors(), 1u);
  EXPECT_EQ(r.warmup.connect_failures[static_cast<size_t>(ConnectFailure::kRefused)], 1u);
  const Counters& m = r.measured;
  EXPECT_EQ(m.connect_errors(), 3u);
  EXPECT_EQ(m.connect_failures[static_cast<size_t>(ConnectFailure::kNoLocalPort)], 2u);
  EXPECT_EQ(m.connect_failures[static_cast<size_t>(ConnectFailure::kTimedOut)], 1u);
  EXPECT_EQ(m.connect_failures[static_cast<size_t>(ConnectFailure::kRefused)], 0u);
  EXPECT_EQ(m.dominant_connect_failure(), ConnectFailure::kNoLocalPort);
  ASSERT_EQ(r.seconds.size(), 2u);
  EXPECT_EQ(r.seconds[0].connect_errors + r.seconds[1].connect_errors, 3u);

  Counters merged = r.measured;
  merged.add(r.warmup);
  EXPECT_EQ(merged.connect_errors(), 4u);
  // Attempts are not requests: no request failed.
  EXPECT_EQ(merged.failed(), 0u);
}

TEST(ConnectFailure, NoErrorsHaveNoDominantCause) {
  EXPECT_EQ(Counters{}.dominant_connect_failure(), ConnectFailure::kOther);
}

}  // namespace
}  // namespace ringfire
