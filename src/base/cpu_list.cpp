#include "ringfire/base/cpu_list.hpp"

#include <sched.h>

#include <charconv>

namespace ringfire {

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

}  // namespace ringfire
