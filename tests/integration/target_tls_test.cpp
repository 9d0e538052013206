// ringfire-target --tls-cert: the bundled server speaks HTTPS through the load generator's own
// TLS transport (server mode). ringfire against it over TLS: completed equals the server's own
// count, with keep-alive, with a handshake per request and with bodies sealed in many records;
// and its fault modes behind TLS keep the accounting identity as they do in plain text
// (fault_fidelity_test.cpp).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "harness.hpp"
#include "tls_certs.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

std::vector<std::string> tls_target_args(const TlsCerts& certs, std::vector<std::string> more) {
  std::vector<std::string> args = {"--tls-cert", certs.cert(), "--tls-key", certs.key()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

std::string https_url(const TargetServer& server) {
  return "https://127.0.0.1:" + std::to_string(server.port()) + "/";
}

struct ExactCase {
  const char* name;
  std::vector<std::string> target_args;
  std::vector<std::string> ringfire_args;
};

void PrintTo(const ExactCase& c, std::ostream* os) {
  *os << c.name;
}

class TargetTlsExact : public ::testing::TestWithParam<ExactCase> {};

TEST_P(TargetTlsExact, CompletedEqualsTheServersCount) {
  const ExactCase& c = GetParam();
  TlsCerts certs;
  ASSERT_TRUE(certs.ok()) << "the openssl CLI could not make a certificate";
  TargetServer server(tls_target_args(certs, c.target_args));
  ASSERT_TRUE(server.ok());
  std::vector<std::string> args = {"--cacert", certs.cert(), "-t", "1"};
  args.insert(args.end(), c.ringfire_args.begin(), c.ringfire_args.end());
  args.push_back(https_url(server));
  const RingfireRun run = run_ringfire(args, std::chrono::seconds(30));
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const json& t = run.result.at("totals");
  EXPECT_EQ(u(t, "completed"), 600u) << t.dump();
  EXPECT_EQ(static_cast<uint64_t>(served), u(t, "completed"));
  const json& tls = run.result.at("tls");
  EXPECT_GT(u(tls, "full") + u(tls, "resumed"), 0u) << tls.dump();
  EXPECT_EQ(tls.at("failure_reasons").size(), 0u) << tls.dump();
}

INSTANTIATE_TEST_SUITE_P(
    Modes, TargetTlsExact,
    ::testing::Values(
        ExactCase{"keep_alive_pipelined", {}, {"-c", "8", "-n", "600", "-p", "3"}},
        // A handshake per request: the server's tickets make most of them resumed.
        ExactCase{
            "handshake_per_request", {}, {"-c", "4", "-n", "600", "--keepalive-requests", "1"}},
        // 100 KiB bodies: every response is sealed in several records, sent in several parts.
        ExactCase{"big_bodies", {"--body-size", "100k"}, {"-c", "4", "-n", "600", "-p", "2"}}),
    [](const ::testing::TestParamInfo<ExactCase>& p) { return std::string(p.param.name); });

// With a handshake per request and --tls-resume 1, the server's tickets are used: handshakes
// resume (the ratio of resumed to all is the server's business; that some do is ours).
TEST(TargetTls, ResumesWithTheServersTickets) {
  TlsCerts certs;
  ASSERT_TRUE(certs.ok());
  TargetServer server(tls_target_args(certs, {}));
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"--cacert", certs.cert(), "-t", "1", "-c", "2", "-n", "100",
                                        "--keepalive-requests", "1", https_url(server)});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& tls = run.result.at("tls");
  EXPECT_GE(u(tls, "full") + u(tls, "resumed"), 100u) << tls.dump();
  EXPECT_GT(u(tls, "resumed"), 50u) << tls.dump();
}

struct Fault {
  const char* mode;
  std::set<std::string> classes;  // request error classes the fault may cause
};

void PrintTo(const Fault& f, std::ostream* os) {
  *os << f.mode;
}

class TargetTlsFault : public ::testing::TestWithParam<Fault> {};

// As FaultFidelity does in plain text, 1 s closed loop: the identity holds, the server's count of
// requests read lies between completed and sent, and the errors are the fault's own.
TEST_P(TargetTlsFault, KeepsTheAccountingIdentity) {
  const Fault& f = GetParam();
  TlsCerts certs;
  ASSERT_TRUE(certs.ok());
  TargetServer server(tls_target_args(certs, {"--fault", f.mode}));
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"--cacert", certs.cert(), "-c", "8", "-d", "1s",
                                        "--timeout", "300ms", "-t", "1", https_url(server)},
                                       std::chrono::seconds(30));
  const auto counts = server.stop_and_counts();
  ASSERT_FALSE(run.exit.timed_out);
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  EXPECT_TRUE(run.exit.exit_code == 0 || run.exit.exit_code == 1) << run.exit.err;
  ASSERT_TRUE(run.result.is_object()) << run.exit.err;
  expect_accounting(run.result);
  const json& t = run.result.at("totals");
  const json& w = run.result.at("warmup");
  ASSERT_TRUE(counts.count("requests_read")) << "target printed no requests_read";
  const auto read = static_cast<uint64_t>(counts.at("requests_read"));
  EXPECT_LE(read, u(t, "sent") + u(w, "sent")) << t.dump();
  EXPECT_GE(read, u(t, "completed") + u(w, "completed")) << t.dump();
  EXPECT_GT(u(t, "completed") + u(t, "failed"), 0u) << t.dump();  // the fault was met
  for (const auto& [name, count] : t.at("errors").items()) {
    if (name == "connect" || f.classes.count(name) != 0) continue;
    EXPECT_EQ(count.get<uint64_t>(), 0u) << name << " " << t.dump();
  }
  EXPECT_EQ(u(run.result.at("tls").at("failed"), "protocol"), 0u) << run.result.at("tls").dump();
}

INSTANTIATE_TEST_SUITE_P(Modes, TargetTlsFault,
                         ::testing::Values(Fault{"junk-after-response", {"parse"}},
                                           Fault{"reset-mid-body", {"read", "closed", "write"}},
                                           Fault{"close-announced", {"after_close"}},
                                           Fault{"response-before-request", {"unsolicited"}}),
                         [](const ::testing::TestParamInfo<Fault>& p) {
                           std::string s;
                           for (const char* q = p.param.mode; *q != '\0'; ++q) {
                             s += *q == '-' ? '_' : *q;
                           }
                           return s;
                         });

}  // namespace
}  // namespace ringfire::testing
