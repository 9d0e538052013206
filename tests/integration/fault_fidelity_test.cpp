// Numbers stay true under faults: ringfire against ringfire-target's fault modes, in closed and
// open loop, with and without pipelining. For every mode the accounting identity holds, the
// server's own count of requests read lies between ringfire's completed and sent, the errors are
// of the class the fault makes, and no latency exceeds the run.
#include <gtest/gtest.h>

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

struct Fault {
  const char* mode;
  std::set<std::string> classes;  // request error classes this fault may cause
};

std::string name_of(const char* mode) {
  std::string s;
  for (const char* p = mode; *p != '\0'; ++p) s += *p == '-' ? '_' : *p;
  return s;
}

// Errors other than those the fault explains, as "class=N" (connect errors count attempts).
std::string unexpected_errors(const json& totals, const std::set<std::string>& allowed) {
  std::string out;
  for (const auto& [name, count] : totals.at("errors").items()) {
    if (name == "connect" || allowed.count(name) != 0 || count.get<uint64_t>() == 0) continue;
    out += name + "=" + std::to_string(count.get<uint64_t>()) + " ";
  }
  return out;
}

const Fault kFaults[] = {
    {"response-before-request", {"unsolicited"}},
    {"junk-after-response", {"parse"}},
    {"shut-write-after-response", {"closed"}},
    {"empty-lines", {}},
    // A reset can meet the next send first: then it is that send that fails.
    {"reset-mid-body", {"read", "closed", "write"}},
    {"close-after-headers", {"closed"}},
    {"close-before-any-byte", {"closed"}},
    {"endless-headers", {"parse"}},
    {"endless-chunked", {"timeout"}},
    {"listener-flap", {"read", "closed", "write"}},
    {"close-announced", {"after_close"}},
};

struct Case {
  Fault fault;
  bool open_loop;
  int pipeline;
};

std::vector<Case> cases() {
  std::vector<Case> all;
  for (const Fault& f : kFaults) {
    for (const bool open : {false, true}) {
      for (const int p : {1, 8}) all.push_back({f, open, p});
    }
  }
  return all;
}

void PrintTo(const Case& c, std::ostream* os) {
  *os << c.fault.mode << (c.open_loop ? " open" : " closed") << " -p " << c.pipeline;
}

class FaultFidelity : public ::testing::TestWithParam<Case> {};

TEST_P(FaultFidelity, CountsReconcileWithTheServers) {
  const Case& c = GetParam();
  // 1 s runs (44 cases, twice in CI): at 4,000 req/s, or closed loop on loopback, each fault
  // strikes hundreds of times; the flap and the timeout are shortened to strike several times too.
  std::vector<std::string> target_args = {"--fault", c.fault.mode};
  if (std::string(c.fault.mode) == "listener-flap") {
    target_args.insert(target_args.end(), {"--flap-every", "200ms"});
  }
  TargetServer server(target_args);
  ASSERT_TRUE(server.ok());
  std::vector<std::string> args = {
      "-c", "8", "-d", "1s", "--timeout", "300ms", "-p", std::to_string(c.pipeline), "-t", "1"};
  if (c.open_loop) args.insert(args.end(), {"-R", "4000"});
  args.push_back(server.url());
  const RingfireRun run = run_ringfire(args, std::chrono::seconds(30));
  const auto counts = server.stop_and_counts();
  ASSERT_FALSE(run.exit.timed_out);
  ASSERT_TRUE(run.exit.exited) << run.exit.err;
  // 0, or 1 when the fault let nothing complete (said in one line); never a crash.
  EXPECT_TRUE(run.exit.exit_code == 0 || run.exit.exit_code == 1) << run.exit.err;
  ASSERT_TRUE(run.result.is_object()) << run.exit.err;
  expect_accounting(run.result);
  const json& t = run.result.at("totals");
  const json& w = run.result.at("warmup");
  ASSERT_TRUE(counts.count("requests_read")) << "target printed no requests_read";
  const uint64_t read = static_cast<uint64_t>(counts.at("requests_read"));
  EXPECT_LE(read, u(t, "sent") + u(w, "sent")) << t.dump();
  EXPECT_GE(read, u(t, "completed") + u(w, "completed")) << t.dump();
  EXPECT_EQ(unexpected_errors(t, c.fault.classes), "") << t.dump();
  // A latency is measured from a send that happened in this run.
  EXPECT_LE(run.result.at("latency_ns").at("max").get<double>(), run.seconds * 1e9);
}

INSTANTIATE_TEST_SUITE_P(Modes, FaultFidelity, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           const Case& c = param.param;
                           return name_of(c.fault.mode) + (c.open_loop ? "_open" : "_closed") +
                                  "_p" + std::to_string(c.pipeline);
                         });

// The Flask development server's habit: Connection: close on every response. Requests pipelined
// behind it are never processed: counted apart (not as server failures), closes counted as the
// server's, and pipelining stops.
TEST(AnnouncedClose, PipelinedRequestsAreCountedApartAndPipeliningStops) {
  TargetServer server({"--close-every", "1"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "8", "-d", "1s", "-p", "10", "-t", "1", server.url()});
  const int64_t served = server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const json& t = run.result.at("totals");
  const json& errors = t.at("errors");
  EXPECT_EQ(u(errors, "closed"), 0u) << t.dump();
  EXPECT_EQ(u(errors, "read"), 0u) << t.dump();
  EXPECT_GT(u(t, "completed"), 100u);
  // Every response announced its close, and every one was counted as the server's close.
  EXPECT_EQ(u(t, "peer_closes") + u(run.result.at("warmup"), "peer_closes"),
            u(t, "completed") + u(run.result.at("warmup"), "completed"));
  EXPECT_LE(u(errors, "after_close"), 8u * 9u);  // only the first batch of each connection
  EXPECT_TRUE(run.result.at("run").at("pipelining_stopped").get<bool>());
  EXPECT_NE(run.exit.out.find("pipelining stopped"), std::string::npos);
  EXPECT_GE(static_cast<uint64_t>(served), u(t, "completed"));
}

// A server that dies mid-run: the report says when it went silent, and the run fails.
TEST(ServerStops, MidRunIsAFailureWithTheTime) {
  auto server = std::make_unique<TargetServer>();
  ASSERT_TRUE(server->ok());
  const std::string json_path = "/tmp/ringfire-stops-" + std::to_string(getpid()) + ".json";
  auto process = Subprocess::start(
      {RINGFIRE_BIN, "-c", "20", "-d", "5s", "-t", "1", "--json", json_path, server->url()});
  ASSERT_TRUE(process);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  server->kill();
  const ExitResult r = process->wait(std::chrono::seconds(20));
  ASSERT_TRUE(r.exited);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("stopped answering"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("FAILED"), std::string::npos) << r.out;
  std::ifstream f(json_path);
  const json result = json::parse(f, nullptr, false);
  keep_for_schema_check(json_path);
  std::remove(json_path.c_str());
  ASSERT_TRUE(result.is_object());
  const json& outcome = result.at("run").at("outcome");
  EXPECT_EQ(outcome.at("kind"), "server_stopped");
  const double at = outcome.at("silent_from_s").get<double>();
  EXPECT_GT(at, 1.0);
  EXPECT_LT(at, 3.5);
  expect_accounting(result);
}

// A slow server that answers rarely has not stopped.
TEST(ServerStops, SlowButAnsweringIsNot) {
  TargetServer server({"--delay", "1500ms"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "1", "-d", "4s", "-t", "1", "--timeout", "3s", server.url()});
  server.stop_and_count();
  EXPECT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(run.result.at("run").at("outcome").at("kind"), "ok");
}

}  // namespace
}  // namespace ringfire::testing

namespace ringfire::testing {
namespace {

// The series has one row per measured second (no near-empty trailing row), and connections opened
// during the warm-up are reported as open when measuring began.
TEST(Series, OneRowPerSecondAndWarmupConnections) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "6", "-d", "2s", "--warmup", "1s", "-t", "1", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(run.result.at("timeseries").size(), 2u);
  EXPECT_EQ(run.result.at("run").at("connections_at_measure_start").get<uint64_t>(), 6u);
  EXPECT_EQ(run.result.at("warmup").at("connects").get<uint64_t>(), 6u);
  for (const nlohmann::json& row : run.result.at("timeseries")) {
    EXPECT_GT(row.at("completed").get<uint64_t>(), 0u) << row.dump();
  }
  expect_accounting(run.result);
}

}  // namespace
}  // namespace ringfire::testing
