// A client really held back by a CPU quota: the test makes a cgroup with a quota of 20% of one
// CPU (cgroup v2 cpu.max, else v1 cpu.cfs_quota_us), runs ringfire inside it against the bundled
// server on loopback, and checks that the verdict names the quota — and that its counts are
// within what the cgroup's own cpu.stat says afterwards. Skipped, saying why, where no cgroup
// with the cpu controller can be made (not root, a read-only /sys/fs/cgroup).
#include <gtest/gtest.h>
#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "harness.hpp"
#include "ringfire/machine/cgroup_cpu.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
  f.flush();
  return static_cast<bool>(f);
}

std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// A cgroup of the test's own, with a CPU quota of `quota_us` per 100 ms, removed when destroyed.
class QuotaCgroup {
 public:
  explicit QuotaCgroup(uint64_t quota_us) {
    const CgroupMounts mounts = parse_cgroup_mounts(read_file("/proc/self/mountinfo"));
    const std::string name = "/ringfire-quota-test-" + std::to_string(::getpid());
    std::string why_not_v2;
    if (make_v2(mounts.v2.point, name, quota_us, why_not_v2)) return;
    std::string why_not_v1;
    if (make_v1(mounts.cpu_v1.point, name, quota_us, why_not_v1)) return;
    skip_reason_ = "cgroup v2: " + why_not_v2 + "; cgroup v1: " + why_not_v1;
  }
  ~QuotaCgroup() {
    if (dir_.empty()) return;
    // Whatever is still inside goes back to the top, or the folder cannot be removed.
    std::istringstream pids(read_file(dir_ + "/cgroup.procs"));
    for (std::string pid; pids >> pid;) write_file(top_ + "/cgroup.procs", pid);
    ::rmdir(dir_.c_str());
    // Handed down for this test only: taken back (refused, harmlessly, if others now use it).
    if (enabled_cpu_) write_file(top_ + "/cgroup.subtree_control", "-cpu");
  }
  bool ok() const { return !dir_.empty(); }
  const std::string& skip_reason() const { return skip_reason_; }
  const std::string& dir() const { return dir_; }
  int version() const { return version_; }
  CgroupThrottle stat() const {
    CgroupThrottle t;
    parse_cgroup_cpu_stat(read_file(dir_ + "/cpu.stat"), t);
    return t;
  }

 private:
  bool make_v2(const std::string& top, const std::string& name, uint64_t quota_us,
               std::string& why) {
    if (top.empty()) return why = "not mounted", false;
    if (read_file(top + "/cgroup.controllers").find("cpu") == std::string::npos) {
      return why = top + "/cgroup.controllers lacks cpu", false;
    }
    // Children get the cpu controller only when the parent hands it down.
    if (read_file(top + "/cgroup.subtree_control").find("cpu") == std::string::npos) {
      if (!write_file(top + "/cgroup.subtree_control", "+cpu")) {
        return why = "cannot enable cpu in " + top + "/cgroup.subtree_control", false;
      }
      enabled_cpu_ = true;
    }
    const bool made = make(top, name, 2, why, [&](const std::string& dir) {
      return write_file(dir + "/cpu.max", std::to_string(quota_us) + " 100000");
    });
    if (!made && enabled_cpu_) {
      write_file(top + "/cgroup.subtree_control", "-cpu");
      enabled_cpu_ = false;
    }
    return made;
  }
  bool make_v1(const std::string& top, const std::string& name, uint64_t quota_us,
               std::string& why) {
    if (top.empty()) return why = "no hierarchy with the cpu controller", false;
    return make(top, name, 1, why, [&](const std::string& dir) {
      return write_file(dir + "/cpu.cfs_period_us", "100000") &&
             write_file(dir + "/cpu.cfs_quota_us", std::to_string(quota_us));
    });
  }
  template <typename SetQuota>
  bool make(const std::string& top, const std::string& name, int version, std::string& why,
            SetQuota set_quota) {
    const std::string dir = top + name;
    if (::mkdir(dir.c_str(), 0755) != 0) return why = "cannot create " + dir, false;
    if (!set_quota(dir)) {
      ::rmdir(dir.c_str());
      return why = "cannot set the quota in " + dir, false;
    }
    dir_ = dir;
    top_ = top;
    version_ = version;
    return true;
  }

  std::string dir_, top_, skip_reason_;
  int version_ = 0;
  bool enabled_cpu_ = false;
};

int usable_cpu_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  return CPU_COUNT(&set);
}

TEST(VerdictQuota, ClientUnderACpuQuotaIsClientBoundWithTheQuotaNamed) {
  QuotaCgroup cgroup(20000);  // 20% of one CPU
  if (!cgroup.ok()) GTEST_SKIP() << "no cgroup with a CPU quota: " << cgroup.skip_reason();
  // The server on its own CPU when there are two, so only the quota holds the client back.
  const bool two = usable_cpu_count() >= 2;
  TargetServer server(two ? std::vector<std::string>{"--cpus", "1"} : std::vector<std::string>{});
  ASSERT_TRUE(server.ok());
  // The shell moves itself into the cgroup, then becomes ringfire.
  const std::vector<std::string> wrapper = {"/bin/sh", "-c", "echo $$ > \"$0\" && exec \"$@\"",
                                            cgroup.dir() + "/cgroup.procs"};
  // Shard 0 of 2 runs under the quota; shard 1, after it, runs free: the merge must name shard 0.
  std::vector<std::string> args = {"-t", "1", "-c", "8", "-d", "2s", "--no-progress"};
  if (two) args.insert(args.end(), {"--cpus", "0"});
  args.push_back(server.url());
  std::vector<std::string> shard0 = args, shard1 = args;
  shard0.insert(shard0.begin(), {"--shard", "0/2"});
  shard1.insert(shard1.begin(), {"--shard", "1/2"});
  const RingfireRun run = run_ringfire_wrapped(wrapper, shard0);
  const RingfireRun free_run = run_ringfire(shard1);
  server.stop_and_count();
  const CgroupThrottle after = cgroup.stat();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  ASSERT_TRUE(run.result.is_object()) << run.exit.out;

  const json& v = run.result.at("verdict");
  const json& e = v.at("evidence");
  EXPECT_TRUE(v.at("client_bound").get<bool>()) << v.dump(2);
  EXPECT_FALSE(v.at("both_saturated").get<bool>()) << v.dump(2);
  const std::string summary = v.at("summary").get<std::string>();
  EXPECT_NE(summary.find("CPU quota throttled the client ("), std::string::npos) << summary;
  EXPECT_EQ(summary.find("another process"), std::string::npos) << summary;
  EXPECT_NE(run.exit.out.find("CPU quota throttled the client"), std::string::npos) << run.exit.out;
  // The process saw the quota as its usable CPUs.
  EXPECT_DOUBLE_EQ(e.at("usable_cpus").get<double>(), 0.2) << e.dump(2);
  // The measured window's counts: some, and no more than the cgroup counted over its life.
  ASSERT_TRUE(after.ok) << "cgroup v" << cgroup.version() << " cpu.stat unreadable";
  const uint64_t throttled = e.at("quota_throttled").get<uint64_t>();
  EXPECT_GT(throttled, 0u) << e.dump(2);
  EXPECT_LE(throttled, after.throttled);
  EXPECT_LE(e.at("quota_throttled_us").get<uint64_t>(), after.throttled_us);
  EXPECT_LE(e.at("quota_periods").get<uint64_t>(), after.periods);
  // The per-second rows carry the same counts (the evidence may also hold a trailing partial
  // second that has no row).
  uint64_t rows = 0;
  for (const json& row : run.result.at("timeseries")) {
    const json& client = row.at("client");
    if (client.is_object() && client.at("quota").is_object()) {
      rows += client.at("quota").at("throttled").get<uint64_t>();
    }
  }
  EXPECT_GT(rows, 0u);
  EXPECT_LE(rows, throttled);

  // The merge keeps the verdict: client-bound, naming the throttled shard and the quota.
  ASSERT_EQ(free_run.exit.exit_code, 0) << free_run.exit.err;
  char pattern[] = "/tmp/ringfire-quota-merge-XXXXXX";
  const std::string dir = mkdtemp(pattern);
  const std::string a = dir + "/0.json", b = dir + "/1.json", all = dir + "/all.json";
  std::ofstream(a) << run.result_text;
  std::ofstream(b) << free_run.result_text;
  std::unique_ptr<Subprocess> merge =
      Subprocess::start({RINGFIRE_BIN, "merge", a, b, "-o", all, "--text"});
  ASSERT_TRUE(merge);
  const ExitResult merged = merge->wait(std::chrono::seconds(30));
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  std::ifstream f(all);
  const json m = json::parse(f, nullptr, false);
  ASSERT_TRUE(m.is_object());
  const json& mv = m.at("merge");
  EXPECT_TRUE(mv.at("client_bound").get<bool>()) << mv.dump(2);
  const std::string merged_summary = mv.at("verdict").get<std::string>();
  EXPECT_NE(merged_summary.find("shard 0/2"), std::string::npos) << merged_summary;
  EXPECT_NE(merged_summary.find("CPU quota throttled the client"), std::string::npos)
      << merged_summary;
  EXPECT_NE(merged.out.find("CPU quota throttled the client"), std::string::npos) << merged.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ringfire::testing
