#include "ringfire/config.hpp"

#include <sched.h>
#include <sys/resource.h>

#include <charconv>
#include <cmath>

namespace ringfire {

bool parse_duration(const std::string& text, Nanos& out) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin || !std::isfinite(value) || value < 0) return false;
  const std::string unit(ptr, end);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m" || unit == "min") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return false;
  }
  const double ns = value * scale;
  if (ns > 9e18) return false;
  out = Nanos(static_cast<int64_t>(std::llround(ns)));
  return true;
}

bool parse_cpu_list(const std::string& text, std::vector<int>& out) {
  out.clear();
  const char* p = text.data();
  const char* end = p + text.size();
  while (p < end) {
    int first = 0;
    auto r = std::from_chars(p, end, first);
    if (r.ec != std::errc() || first < 0 || first >= CPU_SETSIZE) return false;
    p = r.ptr;
    int last = first;
    if (p < end && *p == '-') {
      r = std::from_chars(p + 1, end, last);
      if (r.ec != std::errc() || last < first || last >= CPU_SETSIZE) return false;
      p = r.ptr;
    }
    for (int cpu = first; cpu <= last; ++cpu) out.push_back(cpu);
    if (p < end) {
      if (*p != ',') return false;
      ++p;
      if (p == end) return false;
    }
  }
  return !out.empty();
}

void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

std::vector<int> allowed_cpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
      if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

}  // namespace ringfire
