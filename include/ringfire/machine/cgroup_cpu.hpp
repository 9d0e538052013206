// The CPU quota of the cgroup this process runs in (a container's CPU limit, systemd's CPUQuota=):
// how many CPUs it allows, and how often it held the process back. A quota-throttled client
// looks, from its threads alone, like one whose CPU another process takes (they wait to run), so
// the verdict needs the kernel's own count to name the cause: cpu.stat's nr_throttled (periods
// in which the cgroup used up its quota and was stopped until the next period) and the time
// stopped (cgroup v2 throttled_usec, v1 throttled_time in ns).
//
// Every ancestor's quota applies, and each cgroup counts only the throttling of its own quota,
// so the sampler reads the process's own cgroup and each ancestor that has a quota.
// The parsers are pure; the finder reads files under a root prefix ("" on a real machine) so
// tests give it a fixture tree. Nothing found means no claim: an empty file list.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ringfire {

// One cpu.stat's bandwidth counters.
struct CgroupThrottle {
  bool ok = false;         // nr_throttled and a throttled time were read
  uint64_t periods = 0;    // nr_periods: enforcement periods with something runnable
  uint64_t throttled = 0;  // nr_throttled: periods that ran out of quota
  // Time stopped by the quota, microseconds, summed over the CPUs' run queues the cgroup had
  // work on: with threads on two CPUs it can exceed the wall time.
  uint64_t throttled_us = 0;
};

// cpu.stat of cgroup v2 (throttled_usec) or v1 (throttled_time, ns). False when it lacks
// nr_throttled or a throttled time (v2 without the cpu controller has only usage_usec).
bool parse_cgroup_cpu_stat(std::string_view text, CgroupThrottle& out);
// v1 cpu.cfs_quota_us and cpu.cfs_period_us: the quota in CPUs, 0 when unlimited ("-1").
double parse_cfs_quota(std::string_view quota_text, std::string_view period_text);

// Where /proc/self/mountinfo says the cgroup hierarchies are mounted. `point` empty: not mounted.
// `root` is the cgroup shown at the mount point (not "/" in a container without a cgroup
// namespace).
struct CgroupMount {
  std::string point, root;
};
struct CgroupMounts {
  CgroupMount v2;      // cgroup2
  CgroupMount cpu_v1;  // the v1 hierarchy that holds the cpu controller
};
CgroupMounts parse_cgroup_mounts(std::string_view mountinfo);
// /proc/self/cgroup: the v1 path of the hierarchy holding `controller` ("4:cpu,cpuacct:/a" ->
// "/a"), or "" when no v1 line names it.
std::string parse_cgroup_v1_path(std::string_view text, std::string_view controller);

// The cgroups whose quota applies to this process.
struct CgroupCpu {
  int version = 0;  // 2 or 1; 0: no cgroup with the cpu controller found
  std::vector<std::string>
      stat_files;         // cpu.stat: own cgroup's first, then ancestors' with a quota
  double quota_cpus = 0;  // the smallest quota on the path, in CPUs; 0: none
};
CgroupCpu find_cgroup_cpu(const std::string& root = "");

// Reads each of `files` into `out` (resized to match); an unreadable one is left !ok.
void read_cgroup_throttle(const std::vector<std::string>& files, std::vector<CgroupThrottle>& out,
                          std::string& buf);

}  // namespace ringfire
