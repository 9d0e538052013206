// The cgroup CPU quota: cpu.stat of both cgroup versions, mountinfo and /proc/self/cgroup, the
// finder on fixture trees (v2, v1, hybrid, a container's sub-tree, nothing), and the interval's
// throttling picked from the cgroup stopped longest.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ringfire/machine/cgroup_cpu.hpp"
#include "ringfire/machine/sysmon.hpp"

namespace ringfire {
namespace {

// Real files, as the kernel prints them (6.x).
constexpr const char* kV2Stat =
    "usage_usec 2071441\nuser_usec 1466330\nsystem_usec 605111\ncore_sched.force_idle_usec 0\n"
    "nr_periods 21\nnr_throttled 19\nthrottled_usec 1603711\nnr_bursts 0\nburst_usec 0\n";
constexpr const char* kV1Stat =
    "nr_periods 11\nnr_throttled 11\nthrottled_time 1603711428\nnr_bursts 0\nburst_time 0\n";
// cgroup v2 without the cpu controller: usage only.
constexpr const char* kV2UsageOnly = "usage_usec 5\nuser_usec 3\nsystem_usec 2\n";

TEST(CgroupCpu, ParsesV2CpuStat) {
  CgroupThrottle t;
  ASSERT_TRUE(parse_cgroup_cpu_stat(kV2Stat, t));
  EXPECT_EQ(t.periods, 21u);
  EXPECT_EQ(t.throttled, 19u);
  EXPECT_EQ(t.throttled_us, 1603711u);
}

TEST(CgroupCpu, ParsesV1CpuStatInNanoseconds) {
  CgroupThrottle t;
  ASSERT_TRUE(parse_cgroup_cpu_stat(kV1Stat, t));
  EXPECT_EQ(t.periods, 11u);
  EXPECT_EQ(t.throttled, 11u);
  EXPECT_EQ(t.throttled_us, 1603711u);
}

TEST(CgroupCpu, CpuStatWithoutThrottlingFieldsMakesNoClaim) {
  CgroupThrottle t;
  EXPECT_FALSE(parse_cgroup_cpu_stat(kV2UsageOnly, t));
  EXPECT_FALSE(parse_cgroup_cpu_stat("", t));
  EXPECT_FALSE(parse_cgroup_cpu_stat("nr_throttled 3\n", t));  // no time: not a cpu.stat we know
  EXPECT_FALSE(parse_cgroup_cpu_stat("nr_throttled x\nthrottled_usec 4\n", t));
  EXPECT_FALSE(t.ok);
}

TEST(CgroupCpu, ParsesV1Quota) {
  EXPECT_DOUBLE_EQ(parse_cfs_quota("20000\n", "100000\n"), 0.2);
  EXPECT_DOUBLE_EQ(parse_cfs_quota("150000\n", "100000\n"), 1.5);
  EXPECT_EQ(parse_cfs_quota("-1\n", "100000\n"), 0);
  EXPECT_EQ(parse_cfs_quota("20000\n", "0\n"), 0);
  EXPECT_EQ(parse_cfs_quota("", ""), 0);
}

TEST(CgroupCpu, FindsBothHierarchiesInMountinfo) {
  const char* mountinfo =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:9 - cgroup cgroup "
      "rw,cpu,cpuacct\n"
      "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
      "41 31 0:38 /docker/abc /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
  const CgroupMounts m = parse_cgroup_mounts(mountinfo);
  EXPECT_EQ(m.cpu_v1.point, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(m.cpu_v1.root, "/");
  EXPECT_EQ(m.v2.point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(m.v2.root, "/docker/abc");
  // cpuacct alone is not the cpu controller.
  const CgroupMounts only_acct =
      parse_cgroup_mounts("33 31 0:30 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n");
  EXPECT_TRUE(only_acct.cpu_v1.point.empty());
  EXPECT_TRUE(parse_cgroup_mounts("junk\n\n1 2\n").v2.point.empty());
}

TEST(CgroupCpu, FindsTheV1CpuPath) {
  const char* self = "5:devices:/x\n4:cpu,cpuacct:/kubepods/pod1/c1\n2:cpuacct:/y\n0::/z\n";
  EXPECT_EQ(parse_cgroup_v1_path(self, "cpu"), "/kubepods/pod1/c1");
  EXPECT_EQ(parse_cgroup_v1_path("2:cpuacct:/y\n0::/z\n", "cpu"), "");
  EXPECT_EQ(parse_cgroup_v1_path("", "cpu"), "");
}

// A fake root: /proc/self/{cgroup,mountinfo} and a cgroup tree, removed after the test.
class CgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringfire-cgroup-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    root_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void write(const std::string& path, const std::string& text) {
    const std::filesystem::path p = root_ + path;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  std::string root_;
};

TEST_F(CgroupTree, V2OwnCgroupAndTheAncestorWithTheSmallestQuota) {
  write("/proc/self/cgroup", "0::/kubepods/pod1/c1\n");
  write("/proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  write("/sys/fs/cgroup/kubepods/pod1/c1/cpu.max", "max 100000\n");
  write("/sys/fs/cgroup/kubepods/pod1/c1/cpu.stat", kV2Stat);
  write("/sys/fs/cgroup/kubepods/pod1/cpu.max", "50000 100000\n");
  write("/sys/fs/cgroup/kubepods/cpu.max", "max 100000\n");
  const CgroupCpu c = find_cgroup_cpu(root_);
  EXPECT_EQ(c.version, 2);
  EXPECT_DOUBLE_EQ(c.quota_cpus, 0.5);
  ASSERT_EQ(c.stat_files.size(), 2u);
  EXPECT_EQ(c.stat_files[0], root_ + "/sys/fs/cgroup/kubepods/pod1/c1/cpu.stat");
  EXPECT_EQ(c.stat_files[1], root_ + "/sys/fs/cgroup/kubepods/pod1/cpu.stat");
  std::vector<CgroupThrottle> read;
  std::string buf;
  read_cgroup_throttle(c.stat_files, read, buf);
  ASSERT_EQ(read.size(), 2u);
  EXPECT_TRUE(read[0].ok);
  EXPECT_EQ(read[0].throttled, 19u);
  EXPECT_FALSE(read[1].ok);  // no such file in the fixture: no claim
}

TEST_F(CgroupTree, V2InAContainerWithItsOwnNamespace) {
  // A cgroup namespace shows the container's cgroup as "/", mounted at /sys/fs/cgroup.
  write("/proc/self/cgroup", "0::/\n");
  write("/proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  write("/sys/fs/cgroup/cpu.max", "20000 100000\n");
  write("/sys/fs/cgroup/cpu.stat", kV2Stat);
  const CgroupCpu c = find_cgroup_cpu(root_);
  EXPECT_EQ(c.version, 2);
  EXPECT_DOUBLE_EQ(c.quota_cpus, 0.2);
  ASSERT_EQ(c.stat_files.size(), 1u);
  EXPECT_EQ(c.stat_files[0], root_ + "/sys/fs/cgroup/cpu.stat");
}

TEST_F(CgroupTree, HybridFallsBackToV1WhenV2HasNoCpuController) {
  // systemd's hybrid layout: cgroup2 at /sys/fs/cgroup/unified without controllers.
  write("/proc/self/cgroup", "4:cpu,cpuacct:/docker/abc\n0::/docker/abc\n");
  write("/proc/self/mountinfo",
        "32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  write("/sys/fs/cgroup/unified/docker/abc/cpu.stat", kV2UsageOnly);
  write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "20000\n");
  write("/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
  write("/sys/fs/cgroup/cpu,cpuacct/cpu.stat", kV1Stat);
  const CgroupCpu c = find_cgroup_cpu(root_);
  EXPECT_EQ(c.version, 1);
  EXPECT_DOUBLE_EQ(c.quota_cpus, 0.2);
  ASSERT_EQ(c.stat_files.size(), 1u);
  EXPECT_EQ(c.stat_files[0], root_ + "/sys/fs/cgroup/cpu,cpuacct/cpu.stat");
}

TEST_F(CgroupTree, MissingFilesMakeNoClaim) {
  EXPECT_EQ(find_cgroup_cpu(root_).version, 0);  // no /proc at all
  write("/proc/self/cgroup", "0::/a\n");
  write("/proc/self/mountinfo", "41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
  const CgroupCpu c = find_cgroup_cpu(root_);  // no cgroup files
  EXPECT_EQ(c.version, 0);
  EXPECT_TRUE(c.stat_files.empty());
  EXPECT_EQ(c.quota_cpus, 0);
  write("/proc/self/cgroup", "0::/../../etc\n");  // never walks out of the mount
  EXPECT_EQ(find_cgroup_cpu(root_).version, 0);
}

// Samples with one reading per cgroup on the path.
Sample with_quota(std::vector<CgroupThrottle> quota, int64_t mono_ns) {
  Sample s;
  s.mono_ns = mono_ns;
  s.quota = std::move(quota);
  return s;
}

TEST(CgroupCpu, IntervalTakesTheCgroupStoppedLongest) {
  const Sample a = with_quota({{true, 10, 2, 1000}, {true, 10, 0, 0}}, 0);
  const Sample b = with_quota({{true, 20, 3, 5000}, {true, 20, 9, 800000}}, 1'000'000'000);
  const QuotaDelta q = Sampler::diff(a, b).quota;
  EXPECT_TRUE(q.ok);
  EXPECT_EQ(q.periods, 10u);
  EXPECT_EQ(q.throttled, 9u);
  EXPECT_EQ(q.throttled_us, 800000u);
  const nlohmann::json j = to_json(Sampler::diff(a, b));
  EXPECT_EQ(j["quota"]["throttled"], 9);
  EXPECT_EQ(j["quota"]["throttled_us"], 800000);
}

TEST(CgroupCpu, IntervalWithoutReadingsHasNoQuota) {
  const Sample none = with_quota({}, 0);
  EXPECT_FALSE(Sampler::diff(none, with_quota({}, 1'000'000'000)).quota.ok);
  EXPECT_TRUE(to_json(Sampler::diff(none, with_quota({}, 1'000'000'000)))["quota"].is_null());
  // Read at one end only: no claim.
  const Sample once = with_quota({{false, 0, 0, 0}}, 0);
  EXPECT_FALSE(Sampler::diff(once, with_quota({{true, 5, 5, 5}}, 1'000'000'000)).quota.ok);
}

}  // namespace
}  // namespace ringfire
