// The client verdict's TLS evidence: an https:// run's handshakes/s and resumed share reach the
// evidence as given, its JSON and one text line; a plain run has neither.
#include <gtest/gtest.h>

#include "ringfire/machine/verdict.hpp"
#include "verdict_series.hpp"

namespace ringfire {
namespace {

using verdict_testing::quiet_series;

TEST(VerdictTls, EvidenceJsonAndLine) {
  auto series = quiet_series(5);
  RunFacts facts;
  facts.workers = 2;
  facts.requests_per_s = 4000;
  facts.tls = true;
  facts.handshakes_per_s = 812;
  facts.resumed_share = 0.75;
  const Verdict v = judge(series, facts);
  EXPECT_TRUE(v.evidence.tls);
  EXPECT_DOUBLE_EQ(v.evidence.handshakes_per_s, 812);
  EXPECT_DOUBLE_EQ(v.evidence.resumed_share, 0.75);
  EXPECT_EQ(v.tls_work.rfind("TLS work: 812.0 handshakes/s, 75% resumed", 0), 0u) << v.tls_work;
  EXPECT_EQ(v.tls_work.find('\n'), std::string::npos);
  const nlohmann::json j = to_json(v);
  EXPECT_DOUBLE_EQ(j.at("evidence").at("tls_handshakes_per_s").get<double>(), 812);
  EXPECT_DOUBLE_EQ(j.at("evidence").at("tls_resumed_share").get<double>(), 0.75);
}

TEST(VerdictTls, APlainRunHasNone) {
  auto series = quiet_series(5);
  const Verdict v = judge(series, 2, 4000);
  EXPECT_FALSE(v.evidence.tls);
  EXPECT_TRUE(v.tls_work.empty());
  const nlohmann::json j = to_json(v);
  EXPECT_TRUE(j.at("evidence").at("tls_handshakes_per_s").is_null());
  EXPECT_TRUE(j.at("evidence").at("tls_resumed_share").is_null());
}

}  // namespace
}  // namespace ringfire
