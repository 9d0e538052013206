// The cgroup CPU quota: its parsers, the finder of the cgroups that apply, and the reader of
// their cpu.stat. Formats: the kernel's cgroup-v2.rst ("cpu" interface files) and
// sched-bwc.rst (v1 CFS bandwidth control), proc(5) for mountinfo.
#include "ringfire/machine/cgroup_cpu.hpp"

#include <algorithm>

#include "ringfire/machine/sysmon.hpp"
#include "sysmon_text.hpp"

namespace ringfire {

using sysmon_text::Fields;
using sysmon_text::Lines;
using sysmon_text::read_small_file;
using sysmon_text::to_u64;

bool parse_cgroup_cpu_stat(std::string_view text, CgroupThrottle& out) {
  out = CgroupThrottle{};
  bool throttled = false, time = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    Fields fields(line);
    std::string_view key, value;
    uint64_t v = 0;
    if (!fields.next(key) || !fields.next(value) || !to_u64(value, v)) continue;
    if (key == "nr_periods") {
      out.periods = v;
    } else if (key == "nr_throttled") {
      out.throttled = v;
      throttled = true;
    } else if (key == "throttled_usec") {
      out.throttled_us = v;
      time = true;
    } else if (key == "throttled_time") {  // v1: nanoseconds
      out.throttled_us = v / 1000;
      time = true;
    }
  }
  out.ok = throttled && time;
  return out.ok;
}

double parse_cfs_quota(std::string_view quota_text, std::string_view period_text) {
  Fields q(quota_text), p(period_text);
  std::string_view quota, period;
  uint64_t qv = 0, pv = 0;
  // "-1" (no quota) fails to_u64 like junk does: either way no limit is claimed.
  if (!q.next(quota) || !p.next(period) || !to_u64(quota, qv) || !to_u64(period, pv) || pv == 0) {
    return 0;
  }
  return static_cast<double>(qv) / static_cast<double>(pv);
}

CgroupMounts parse_cgroup_mounts(std::string_view mountinfo) {
  CgroupMounts m;
  Lines lines(mountinfo);
  std::string_view line;
  while (lines.next(line)) {
    // ID PARENT MAJ:MIN ROOT POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
    Fields fields(line);
    std::string_view f[6], field;
    size_t n = 0;
    while (n < 6 && fields.next(f[n])) ++n;
    if (n < 6) continue;
    while (fields.next(field) && field != "-") {
    }
    std::string_view fstype, source, options;
    if (!fields.next(fstype) || !fields.next(source) || !fields.next(options)) continue;
    const CgroupMount found{std::string(f[4]), std::string(f[3])};
    if (fstype == "cgroup2" && m.v2.point.empty()) m.v2 = found;
    if (fstype != "cgroup" || !m.cpu_v1.point.empty()) continue;
    // Super options name the controllers: "rw,cpu,cpuacct" ("cpuacct" alone is not "cpu").
    std::string_view rest = options;
    while (!rest.empty()) {
      const size_t comma = rest.find(',');
      if (rest.substr(0, comma) == "cpu") m.cpu_v1 = found;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return m;
}

std::string parse_cgroup_v1_path(std::string_view text, std::string_view controller) {
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    // ID:CONTROLLERS:PATH; the v2 line has ID 0 and no controllers.
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) continue;
    std::string_view list = line.substr(first + 1, second - first - 1);
    while (!list.empty()) {
      const size_t comma = list.find(',');
      if (list.substr(0, comma) == controller) return std::string(line.substr(second + 1));
      list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
    }
  }
  return {};
}

namespace {

constexpr size_t kMaxStatFiles = 8;  // a deeper nesting of quotas is not worth a read each second

// The folder of cgroup `path` under `mount` ("" when it cannot be placed safely).
std::string cgroup_dir(const std::string& root, const CgroupMount& mount, std::string path) {
  if (mount.point.empty() || path.empty() || path.find("..") != std::string::npos) return {};
  // Without a cgroup namespace the mount may show a sub-tree: strip its root from our path.
  if (mount.root != "/" && path.compare(0, mount.root.size(), mount.root) == 0) {
    path = path.substr(mount.root.size());
  }
  if (path == "/") path.clear();
  return root + mount.point + path;
}

// Walks from `dir` up to `top`: each folder's quota (by `quota_of`, 0 = none) lowers the limit,
// and its cpu.stat is kept when it is the own cgroup's or it has a quota.
template <typename QuotaOf>
void walk_up(std::string dir, const std::string& top, QuotaOf quota_of, CgroupCpu& out) {
  bool own = true;
  while (dir.size() >= top.size() && out.stat_files.size() < kMaxStatFiles) {
    bool present = false;
    const double quota = quota_of(dir, present);
    if (present && own) out.stat_files.push_back(dir + "/cpu.stat");
    if (quota > 0) {
      if (!own) out.stat_files.push_back(dir + "/cpu.stat");
      out.quota_cpus = out.quota_cpus > 0 ? std::min(out.quota_cpus, quota) : quota;
    }
    own = own && !present;  // the first folder with the controller is the own cgroup
    if (dir.size() == top.size()) break;
    dir.resize(dir.rfind('/'));
  }
}

}  // namespace

CgroupCpu find_cgroup_cpu(const std::string& root) {
  CgroupCpu out;
  std::string self, mountinfo, text, period;
  if (!read_small_file((root + "/proc/self/cgroup").c_str(), self)) return out;
  if (!read_small_file((root + "/proc/self/mountinfo").c_str(), mountinfo)) return out;
  const CgroupMounts mounts = parse_cgroup_mounts(mountinfo);

  // v2: cpu.max exists where the cpu controller is enabled.
  const std::string v2 = cgroup_dir(root, mounts.v2, parse_cgroup_v2_path(self));
  if (!v2.empty()) {
    walk_up(
        v2, root + mounts.v2.point,
        [&](const std::string& dir, bool& present) {
          present = read_small_file((dir + "/cpu.max").c_str(), text);
          return present ? parse_cpu_max(text) : 0.0;
        },
        out);
    if (!out.stat_files.empty()) out.version = 2;
  }
  if (out.version != 0) return out;
  out = CgroupCpu{};
  const std::string v1 = cgroup_dir(root, mounts.cpu_v1, parse_cgroup_v1_path(self, "cpu"));
  if (v1.empty()) return out;
  walk_up(
      v1, root + mounts.cpu_v1.point,
      [&](const std::string& dir, bool& present) {
        present = read_small_file((dir + "/cpu.cfs_quota_us").c_str(), text) &&
                  read_small_file((dir + "/cpu.cfs_period_us").c_str(), period);
        return present ? parse_cfs_quota(text, period) : 0.0;
      },
      out);
  if (!out.stat_files.empty()) out.version = 1;
  return out;
}

void read_cgroup_throttle(const std::vector<std::string>& files, std::vector<CgroupThrottle>& out,
                          std::string& buf) {
  out.resize(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    out[i] = CgroupThrottle{};
    if (read_small_file(files[i].c_str(), buf)) parse_cgroup_cpu_stat(buf, out[i]);
  }
}

}  // namespace ringfire
