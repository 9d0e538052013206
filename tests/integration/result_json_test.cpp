// The result file end to end: what ringfire writes, from_json reads, and to_json writes again
// byte for byte (labels, pipelining, open loop); and the --timeseries CSV says what the JSON's
// series and totals say.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "ringfire/result/read_json.hpp"
#include "ringfire/result/report.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

class TempDir {
 public:
  TempDir() {
    char pattern[] = "/tmp/ringfire-result-XXXXXX";
    dir_ = mkdtemp(pattern) != nullptr ? pattern : "";
  }
  ~TempDir() { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }

 private:
  std::string dir_;
};

// The file as ringfire wrote it, read and written again (as tools/ringfire_outputs.cpp writes).
void expect_round_trip(const RingfireRun& run) {
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_FALSE(run.result_text.empty());
  Result read;
  std::string error;
  ASSERT_TRUE(from_json(json::parse(run.result_text), read, error)) << error;
  const std::string again = to_json(read).dump(2) + "\n";
  EXPECT_EQ(again, run.result_text);
  ASSERT_EQ(read.sources.size(), 1u);
  EXPECT_FALSE(read.sources[0].host.empty());
  EXPECT_EQ(read.measured.sent, u(run.result.at("totals"), "sent"));
}

TEST(ResultRoundTrip, LabelsPipelinedAcrossThreads) {
  TempDir dir;
  const std::string scenario = dir.path("s.json");
  std::ofstream(scenario) << R"({"requests": [
    {"label": "a", "path": "/a/{rand:1:50}", "weight": 1},
    {"label": "b", "path": "/b?q={seq}", "weight": 3, "expect": {"status": [200]}}]})";
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-c", "6", "-t", "2", "-d", "2s", "--scenario", scenario, server.url()});
  ASSERT_EQ(run.result.at("labels").size(), 2u);
  expect_round_trip(run);
}

TEST(ResultRoundTrip, Pipelined) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  expect_round_trip(run_ringfire({"-c", "4", "-p", "8", "-t", "2", "-d", "2s", server.url()}));
}

TEST(ResultRoundTrip, OpenLoop) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-R", "2000", "-c", "8", "-t", "2", "-d", "2s", "--arrival",
                                        "poisson", "--threshold", "p99<5s", server.url()});
  ASSERT_TRUE(run.result.at("schedule").is_object());
  expect_round_trip(run);
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  return cells;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

TEST(TimeseriesCsv, RowsAreTheJsonSeriesAndAddUpToTheTotals) {
  TempDir dir;
  const std::string csv_path = dir.path("series.csv"), html_path = dir.path("run.html");
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-c", "4", "-t", "2", "-d", "3s", "--timeseries", csv_path,
                                        "--html", html_path, server.url()});
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  // --html: the same run as one page, a table row per second as the CSV has.
  std::stringstream page;
  page << std::ifstream(html_path).rdbuf();
  EXPECT_NE(page.str().find("<svg"), std::string::npos);
  size_t html_rows = 0;
  for (size_t at = page.str().find("<tr><td>"); at != std::string::npos;
       at = page.str().find("<tr><td>", at + 1)) {
    ++html_rows;
  }
  EXPECT_EQ(html_rows, run.result.at("timeseries").size());
  std::ifstream csv(csv_path);
  std::string line;
  ASSERT_TRUE(std::getline(csv, line));
  const std::vector<std::string> head = split(line);
  ASSERT_EQ(head.size(), 15u) << line;
  const json& series = run.result.at("timeseries");
  const json& totals = run.result.at("totals");
  uint64_t sent = 0, completed = 0, errors = 0, received = 0;
  size_t rows = 0;
  while (std::getline(csv, line)) {
    ASSERT_LT(rows, series.size()) << "more CSV rows than JSON rows";
    const std::vector<std::string> cell = split(line);
    ASSERT_EQ(cell.size(), head.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < head.size(); ++i) row[head[i]] = cell[i];
    const json& s = series[rows];
    EXPECT_EQ(row["t"], std::to_string(rows));
    EXPECT_EQ(row["wall"], fixed(s.at("wall").get<double>(), 3));
    for (const char* key : {"sent", "completed", "errors", "connect_errors", "bytes_received",
                            "connections", "late", "connects"}) {
      EXPECT_EQ(row[key], std::to_string(u(s, key))) << key << " in row " << rows;
    }
    for (const char* p : {"p50", "p90", "p99", "max"}) {
      EXPECT_EQ(row[std::string(p) + "_us"], fixed(s.at("latency_us").at(p).get<double>(), 1))
          << p << " in row " << rows;
    }
    EXPECT_EQ(row["send_lag_max_us"], fixed(s.at("send_lag_max_us").get<double>(), 1));
    sent += std::stoull(row["sent"]);
    completed += std::stoull(row["completed"]);
    errors += std::stoull(row["errors"]);
    received += std::stoull(row["bytes_received"]);
    ++rows;
  }
  EXPECT_EQ(rows, series.size());
  EXPECT_GE(rows, 3u);
  EXPECT_EQ(sent, u(totals, "sent"));
  EXPECT_EQ(completed, u(totals, "completed"));
  EXPECT_EQ(errors, u(totals, "failed"));
  EXPECT_EQ(received, u(totals, "bytes_received"));
}

}  // namespace
}  // namespace ringfire::testing
