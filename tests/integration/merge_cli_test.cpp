// `ringfire merge` as a user runs it: two shards of a run against the bundled server on loopback,
// merged (exit 0, the counts added); and the refusals, each exit 1 with one line on stderr: a
// file with itself, a shard missing, a truncated file (named, with the byte).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

ExitResult merge(std::vector<std::string> args) {
  args.insert(args.begin(), {RINGFIRE_BIN, "merge"});
  std::unique_ptr<Subprocess> p = Subprocess::start(args);
  if (!p) return {};
  return p->wait(std::chrono::seconds(30));
}

void expect_refused(const ExitResult& r, const std::string& what) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find(what), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
}

TEST(MergeCli, TwoShardsMergeAndMismatchesAreRefused) {
  TargetServer target;
  ASSERT_TRUE(target.ok());
  char dir_pattern[] = "/tmp/ringfire-merge-XXXXXX";
  const std::string dir = mkdtemp(dir_pattern);
  std::vector<std::string> files;
  uint64_t completed = 0;
  for (int i = 0; i < 2; ++i) {
    const RingfireRun run = run_ringfire({"--shard", std::to_string(i) + "/2", "-c", "3", "-t", "1",
                                          "-n", "301", "-q", target.url()});
    ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
    EXPECT_EQ(run.result["totals"]["completed"], i == 0 ? 151u : 150u);  // round(150.5) = 151
    completed += run.result["totals"]["completed"].get<uint64_t>();
    files.push_back(dir + "/shard" + std::to_string(i) + ".json");
    std::ofstream(files.back()) << run.result_text;
  }
  const std::string all = dir + "/all.json";
  const std::string html = dir + "/all.html";
  const ExitResult ok = merge({files[0], files[1], "-o", all, "--html", html, "--text"});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("merged 2 results"), std::string::npos) << ok.out;
  // --html: one page with the merged report, a row per shard and the per-second charts.
  std::stringstream page;
  page << std::ifstream(html).rdbuf();
  EXPECT_EQ(page.str().rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.str().find("merged 2 results"), std::string::npos);
  EXPECT_NE(page.str().find("<td>1/2</td>"), std::string::npos);
  EXPECT_NE(page.str().find("<svg"), std::string::npos);
  EXPECT_NE(page.str().find("</html>"), std::string::npos);
  std::ifstream f(all);
  const nlohmann::json m = nlohmann::json::parse(f, nullptr, false);
  ASSERT_TRUE(m.is_object());
  keep_for_schema_check(all);
  EXPECT_EQ(m["totals"]["completed"].get<uint64_t>(), 301u);
  EXPECT_EQ(completed, 301u);
  EXPECT_EQ(m["merge"]["shards"], 2);

  expect_refused(merge({files[0], files[0], files[1]}), "shard 0/2 appears twice");
  expect_refused(merge({files[1]}), "shards missing: 0 of 2");
  const std::string cut = dir + "/cut.json";
  std::ofstream(cut) << std::ifstream(files[1]).rdbuf();
  std::filesystem::resize_file(cut, 2000);
  expect_refused(merge({files[0], cut}),
                 cut + ": truncated: the JSON ends unfinished at byte 2000");
  // --force merges the lone shard, and says so.
  const ExitResult forced = merge({files[1], "--force"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_NE(forced.out.find("FORCED"), std::string::npos) << forced.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ringfire::testing
