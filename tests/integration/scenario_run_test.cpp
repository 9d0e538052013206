// Scenarios end to end against ringfire-target: label shares follow the weights, every label
// balances and the labels add up to the totals (expect_accounting), an expect refuses only its own
// label's responses, and the quick forms (several URLs, --url-file) and bad files behave.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

// A folder of its own for a test's files, removed afterwards.
class Files {
 public:
  Files() {
    char pattern[] = "/tmp/ringfire-scenario-XXXXXX";
    dir_ = mkdtemp(pattern) != nullptr ? pattern : "";
  }
  ~Files() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

 private:
  std::string dir_;
};

const json& label(const json& result, const std::string& name) {
  for (const json& l : result.at("labels")) {
    if (l.at("label") == name) return l;
  }
  static const json none;
  ADD_FAILURE() << "no label " << name << " in " << result.at("labels").dump();
  return none;
}

TEST(Scenario, LabelSharesFollowTheWeightsAndEveryLabelBalances) {
  Files files;
  const std::string scenario = files.write("s.json", R"({"requests": [
    {"label": "a", "path": "/a/{rand:1:50}", "weight": 1},
    {"label": "b", "path": "/b/{rand:100:199}?q={choice:x,y,z}", "weight": 2},
    {"label": "c", "method": "POST", "path": "/c?id={seq}", "body": "{{\"id\": {seq:7}}}", "weight": 7}
  ]})");
  TargetServer server({"--count-paths"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire(
      {"-c", "8", "-p", "2", "-t", "2", "-n", "20000", "--scenario", scenario, server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_TRUE(run.result.is_object());
  expect_accounting(run.result);
  const json& totals = run.result["totals"];
  EXPECT_EQ(u(totals, "completed"), 20000u);
  const double sent = static_cast<double>(u(totals, "sent"));
  const std::pair<const char*, double> weights[] = {{"a", 0.1}, {"b", 0.2}, {"c", 0.7}};
  for (const auto& [name, share] : weights) {
    const json& l = label(run.result, name);
    EXPECT_NEAR(static_cast<double>(u(l, "sent")) / sent, share, 0.02) << name;
    EXPECT_EQ(u(l, "failed"), 0u) << name;
  }
  // The server's own count per path: every random value within its range, and per label the
  // paths add up to the label's completed count (nothing in flight answered, with -n: the run
  // stops when the last response is in, and what is in flight is counted apart).
  const TargetServer::Report report = server.stop_and_report();
  ASSERT_TRUE(report.stopped);
  uint64_t a = 0, b = 0, c = 0;
  for (const auto& [path, figures] : report.paths) {
    const uint64_t n = figures.responses;
    if (path.rfind("/a/", 0) == 0) {
      const int v = std::stoi(path.substr(3));
      EXPECT_TRUE(v >= 1 && v <= 50) << path;
      a += n;
    } else if (path.rfind("/b/", 0) == 0) {
      const int v = std::stoi(path.substr(3));
      EXPECT_TRUE(v >= 100 && v <= 199) << path;
      b += n;
    } else {
      EXPECT_EQ(path, "/c");  // the target counts paths without their query
      c += n;
    }
  }
  const uint64_t in_flight = u(totals, "in_flight");
  EXPECT_GE(a, u(label(run.result, "a"), "completed"));
  EXPECT_GE(b, u(label(run.result, "b"), "completed"));
  EXPECT_GE(c, u(label(run.result, "c"), "completed"));
  EXPECT_EQ(a + b + c, 20000u + in_flight);
  EXPECT_EQ(report.counters.count("path_other") ? report.counters.at("path_other") : 0, 0);
  EXPECT_LE(a - u(label(run.result, "a"), "completed"), u(label(run.result, "a"), "in_flight"));
  EXPECT_LE(b - u(label(run.result, "b"), "completed"), u(label(run.result, "b"), "in_flight"));
  EXPECT_LE(c - u(label(run.result, "c"), "completed"), u(label(run.result, "c"), "in_flight"));
  EXPECT_GT(report.counters.at("request_body_bytes"), 0);  // c's bodies
  // The text report has the Aggregate table with a TOTAL row.
  EXPECT_NE(run.exit.out.find("samples"), std::string::npos) << run.exit.out;
  EXPECT_NE(run.exit.out.find("TOTAL"), std::string::npos) << run.exit.out;
}

TEST(Scenario, BigAndTemplatedBodiesArriveWhole) {
  Files files;
  files.write("big.bin", std::string(size_t{1} << 20, 'x'));
  const std::string scenario = files.write("s.json", R"({"requests": [
    {"label": "big", "method": "POST", "path": "/upload", "body_file": "big.bin"},
    {"label": "json", "method": "POST", "path": "/rows",
     "headers": {"Content-Type": "application/json"},
     "body": "{{\"id\": {rand:10:99}, \"tag\": \"{choice:ab,cd}\"}}"}
  ]})");
  TargetServer server({"--count-paths"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "2", "-n", "200", "--scenario", scenario, server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const TargetServer::Report report = server.stop_and_report();
  ASSERT_TRUE(report.stopped);
  // Every request the target read carried its whole body: 1 MiB, or {"id": NN, "tag": "xx"}.
  const uint64_t big = report.paths.count("/upload") ? report.paths.at("/upload").responses : 0;
  const uint64_t json_rows = report.paths.count("/rows") ? report.paths.at("/rows").responses : 0;
  EXPECT_EQ(big + json_rows, 200u);
  EXPECT_GT(big, 0u);
  EXPECT_GT(json_rows, 0u);
  EXPECT_EQ(
      static_cast<uint64_t>(report.counters.at("request_body_bytes")),
      big * (uint64_t{1} << 20) + json_rows * std::string(R"({"id": 12, "tag": "ab"})").size());
  // The label's bytes sent: the body and a head of some 100 bytes per request.
  const json& sent = label(run.result, "big");
  const uint64_t per_request = u(sent, "bytes_sent") / u(sent, "sent");
  EXPECT_GT(per_request, (uint64_t{1} << 20) + 40);
  EXPECT_LT(per_request, (uint64_t{1} << 20) + 200);
}

// Every label's bytes against the target's own count per path (the independent source), exactly:
// bytes_sent == the requests it read (head + body) and bytes_received == the responses it sent,
// for a plain GET, a templated POST body on a long path and a HEAD of random paths (request sizes
// vary; HEAD answers have no body), with plain and chunked response bodies. With -n nothing is in
// flight at the end, so both sides count the same requests.
TEST(Scenario, LabelBytesAreWhatTheTargetReadAndSentPerPath) {
  Files files;
  const std::string scenario = files.write("s.json", R"({"requests": [
    {"label": "get", "path": "/g", "weight": 2},
    {"label": "post", "method": "POST", "path": "/a/much/longer/path/to/post?id={seq}",
     "headers": {"Content-Type": "application/json"},
     "body": "{{\"id\": {rand:1:100000}, \"tag\": \"{choice:a,bcd,efghij}\"}}", "weight": 2},
    {"label": "head", "method": "HEAD", "path": "/r/{rand:1:1000000}", "weight": 1}
  ]})");
  const std::vector<std::string> target_options[] = {
      {"--body-size", "1000"}, {"--body-size", "700", "--chunked", "--chunk-size", "256"}};
  for (const std::vector<std::string>& options : target_options) {
    SCOPED_TRACE(options.size() > 2 ? "chunked" : "plain");
    std::vector<std::string> args = {"--count-paths", "--quiet"};
    args.insert(args.end(), options.begin(), options.end());
    TargetServer server(args);
    ASSERT_TRUE(server.ok());
    const RingfireRun run = run_ringfire(
        {"-c", "4", "-p", "2", "-t", "2", "-n", "3000", "--scenario", scenario, server.url()});
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    expect_accounting(run.result);
    const json& totals = run.result["totals"];
    ASSERT_EQ(u(totals, "in_flight"), 0u) << totals.dump();
    ASSERT_EQ(u(totals, "completed"), 3000u) << totals.dump();
    const TargetServer::Report report = server.stop_and_report();
    ASSERT_TRUE(report.stopped);
    EXPECT_EQ(report.counters.count("path_other"), 0u);
    // The target's figures per label: its paths are the scenario's without their query.
    std::map<std::string, TargetServer::PathFigures> target;
    for (const auto& [path, f] : report.paths) {
      const std::string name = path == "/g" ? "get" : path.rfind("/r/", 0) == 0 ? "head" : "post";
      if (name == "post") {
        EXPECT_EQ(path, "/a/much/longer/path/to/post");
      }
      target[name].responses += f.responses;
      target[name].request_bytes += f.request_bytes;
      target[name].response_bytes += f.response_bytes;
    }
    uint64_t sent = 0, received = 0;
    for (const char* name : {"get", "post", "head"}) {
      const json& l = label(run.result, name);
      EXPECT_EQ(u(l, "completed"), target[name].responses) << name;
      EXPECT_EQ(u(l, "bytes_sent"), target[name].request_bytes) << name;
      EXPECT_EQ(u(l, "bytes_received"), target[name].response_bytes) << name;
      sent += u(l, "bytes_sent");
      received += u(l, "bytes_received");
    }
    EXPECT_EQ(u(totals, "bytes_sent"), sent);
    EXPECT_EQ(u(totals, "bytes_received"), received);
    // The HTTP bytes (what was rendered, what the parser consumed) against the target's count too;
    // on plain TCP they are the wire bytes.
    EXPECT_EQ(u(totals, "http_bytes_sent"), sent);
    EXPECT_EQ(u(totals, "http_bytes_received"), received);
    // The sizes differ as meant: HEAD answers are heads only.
    ASSERT_GT(target["head"].responses, 0u);
    EXPECT_LT(target["head"].response_bytes / target["head"].responses,
              target["get"].response_bytes / target["get"].responses);
  }
}

TEST(Scenario, AnExpectRefusesOnlyItsOwnLabel) {
  Files files;
  const std::string scenario = files.write("s.json", R"({"requests": [
    {"label": "create", "path": "/items", "expect": {"status": 201}},
    {"label": "read", "path": "/items/{rand:1:9}", "expect": {"status": "2xx"}}
  ]})");
  TargetServer server;  // answers 200 to everything
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "4", "-n", "4000", "--scenario", scenario,
                                        "--threshold", "read:errors==0", server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  const json& create = label(run.result, "create");
  EXPECT_EQ(u(create, "completed"), 0u);
  EXPECT_GT(u(create, "failed"), 0u);
  EXPECT_EQ(create["errors"]["unexpected_status"].get<uint64_t>(), u(create, "failed"));
  const json& read = label(run.result, "read");
  EXPECT_GT(u(read, "completed"), 0u);
  EXPECT_EQ(u(read, "failed"), 0u);
  // -n counts answers: a refused response was one, and no replacement was sent for it.
  const json& totals = run.result["totals"];
  EXPECT_EQ(u(totals, "completed") + totals["errors"]["unexpected_status"].get<uint64_t>(), 4000u);
  EXPECT_EQ(server.stop_and_count(), 4000 + static_cast<int64_t>(u(totals, "in_flight")));
}

TEST(Scenario, OpenLoopAcrossWorkersWithPipelining) {
  Files files;
  const std::string scenario = files.write("s.json", R"({"requests": [
    {"label": "x", "path": "/x/{uuid}", "weight": 3},
    {"label": "y", "method": "HEAD", "path": "/y", "weight": 1}
  ]})");
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "4", "-t", "2", "-p", "4", "-R", "4000", "-d", "1s",
                                        "--scenario", scenario, server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  EXPECT_EQ(run.result["totals"]["failed"], 0u) << run.result["totals"].dump();
  EXPECT_GT(u(label(run.result, "y"), "completed"), 0u);  // HEAD answers framed without a body
  server.stop_and_count();
}

TEST(Scenario, SeveralUrlsAndAUrlFile) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const std::string base = server.url();  // "http://127.0.0.1:PORT/"
  const RingfireRun urls = run_ringfire({"-c", "2", "-n", "2000", base + "one", base + "two?k=1"});
  ASSERT_EQ(urls.exit.exit_code, 0) << urls.exit.err;
  expect_accounting(urls.result);
  EXPECT_NEAR(static_cast<double>(u(label(urls.result, "/one"), "sent")), 1000, 150);
  EXPECT_NEAR(static_cast<double>(u(label(urls.result, "/two?k=1"), "sent")), 1000, 150);

  Files files;
  files.write("body.json", R"({"a": 1})");
  const std::string list =
      files.write("urls.txt", "# targets\n" + base + "get\n\nPOST " + base + "post @body.json\n");
  const RingfireRun file = run_ringfire({"-c", "2", "-n", "1000", "--url-file", list});
  ASSERT_EQ(file.exit.exit_code, 0) << file.exit.err;
  expect_accounting(file.result);
  EXPECT_GT(u(label(file.result, "POST /post"), "completed"), 0u);
  EXPECT_GT(u(label(file.result, "/get"), "completed"), 0u);
  server.stop_and_count();
}

TEST(Scenario, BadFilesAreUsageErrorsOfOneLine) {
  Files files;
  const struct {
    const char* text;
    const char* says;
  } cases[] = {
      {R"({"requests": [{"label": "a", "path": "/", "wieght": 2}]})", "wieght"},
      {R"({"requests": [{"label": "a"}]})", "path"},
      {R"({"requests": [{"label": "a", "path": "/{rand:9}"}]})", "position"},
      {R"({"requests": [{"label": "a", "path": "/", "weight": -1}]})", "weight"},
      {R"({"requests": [{"label": "a", "path": "/", "body_file": "missing.bin"}]})", "missing.bin"},
  };
  for (const auto& c : cases) {
    const std::string path = files.write("bad.json", c.text);
    const RingfireRun run = run_ringfire({"--scenario", path, "http://127.0.0.1:1/"});
    EXPECT_EQ(run.exit.exit_code, 2) << c.text << "\n" << run.exit.err;
    EXPECT_NE(run.exit.err.find(c.says), std::string::npos) << run.exit.err;
    EXPECT_EQ(std::count(run.exit.err.begin(), run.exit.err.end(), '\n'), 1) << run.exit.err;
  }
}

// A .yaml scenario runs as its JSON twin would; a YAML syntax error is one line, exit 2.
TEST(Scenario, AYamlFileRunsAndItsErrorsAreOneLine) {
  Files files;
  const std::string scenario = files.write("s.yaml",
                                           "requests:\n"
                                           "  - {label: a, path: /a, expect: {status: 200}}\n"
                                           "  - label: b\n"
                                           "    method: POST\n"
                                           "    path: /b/{seq}\n"
                                           "    body: '{{\"k\": {seq}}}'\n");
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "2", "-n", "400", "--scenario", scenario, server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  expect_accounting(run.result);
  EXPECT_GT(u(label(run.result, "a"), "completed"), 0u);
  EXPECT_GT(u(label(run.result, "b"), "completed"), 0u);
  server.stop_and_count();
  const std::string bad = files.write("bad.yml", "requests:\n  - {label: a\n");
  const RingfireRun refused = run_ringfire({"--scenario", bad, "http://127.0.0.1:1/"});
  EXPECT_EQ(refused.exit.exit_code, 2) << refused.exit.err;
  EXPECT_NE(refused.exit.err.find("invalid YAML at line 3, column 1"), std::string::npos)
      << refused.exit.err;
  EXPECT_EQ(std::count(refused.exit.err.begin(), refused.exit.err.end(), '\n'), 1)
      << refused.exit.err;
}

}  // namespace
}  // namespace ringfire::testing
