// Pure parsers of the /proc files the sampler reads. Formats: proc(5).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "ringfire/machine/sysmon.hpp"
#include "sysmon_text.hpp"

namespace ringfire {

using sysmon_text::Fields;
using sysmon_text::Lines;
using sysmon_text::to_i64;
using sysmon_text::to_u64;

bool sysmon_text::read_small_file(const char* path, std::string& out) {
  out.clear();
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  // Through a fixed buffer, appended: /proc hands out a page per read(), and a read straight into
  // the string's spare room would first zero all of it (resize), every time — quadratic in the
  // file (a /proc/net/tcp of 130,000 sockets cost a second of CPU before the run).
  char chunk[16384];
  bool ok = true;
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    out.append(chunk, static_cast<size_t>(n));
  }
  ::close(fd);
  if (!ok) out.clear();
  return ok;
}

bool parse_proc_stat(std::string_view text, CpuStat& out) {
  out.ok = false;
  out.all = CpuTimes{};
  out.cores.clear();
  bool saw_all = false;
  bool malformed = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.substr(0, 3) != "cpu") continue;
    Fields fields(line);
    std::string_view name;
    fields.next(name);
    CpuTimes t;
    if (name.size() > 3) {
      int64_t id = 0;
      if (!to_i64(name.substr(3), id) || id < 0) {
        malformed = true;
        continue;
      }
      t.cpu = static_cast<int>(id);
    }
    // Older kernels stop after idle (4 fields) or iowait..softirq (7); steal came in 2.6.11.
    uint64_t* slots[] = {&t.user,   &t.nice, &t.system,  &t.idle,
                         &t.iowait, &t.irq,  &t.softirq, &t.steal};
    size_t n = 0;
    std::string_view f;
    while (n < 8 && fields.next(f)) {
      if (!to_u64(f, *slots[n])) break;
      ++n;
    }
    if (n < 4) {
      malformed = true;
      continue;
    }
    if (t.cpu < 0) {
      out.all = t;
      saw_all = true;
    } else {
      out.cores.push_back(t);
    }
  }
  out.ok = saw_all && !malformed;
  return out.ok;
}

bool parse_net_dev(std::string_view text, std::vector<NetDevCounters>& out) {
  out.clear();
  bool malformed = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    // The name ends at ':'; wide counters may follow it without a space, so split there first.
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // the two header lines have '|' instead
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && sysmon_text::is_space(name.front())) name.remove_prefix(1);
    if (name.empty() || name.find('|') != std::string_view::npos) continue;
    uint64_t v[16] = {};
    size_t n = 0;
    Fields fields(line.substr(colon + 1));
    std::string_view f;
    while (n < 16 && fields.next(f) && to_u64(f, v[n])) ++n;
    if (n < 16) {
      malformed = true;
      continue;
    }
    NetDevCounters c;
    c.name.assign(name);
    c.rx_bytes = v[0], c.rx_packets = v[1], c.rx_errs = v[2], c.rx_drop = v[3];
    c.tx_bytes = v[8], c.tx_packets = v[9], c.tx_errs = v[10], c.tx_drop = v[11];
    out.push_back(std::move(c));
  }
  return !malformed && !out.empty();
}

namespace {

struct Wanted {
  std::string_view name;
  uint64_t* value;
  bool found = false;
};

// /proc/net/snmp and /proc/net/netstat hold pairs of lines with the same prefix ("Tcp:"): names,
// then values. Fills every wanted name found; true when all were found.
template <size_t N>
bool parse_keyed_pair(std::string_view text, std::string_view prefix, Wanted (&wanted)[N]) {
  Lines lines(text);
  std::string_view header, line;
  bool have_header = false;
  while (lines.next(line)) {
    if (line.substr(0, prefix.size()) != prefix) {
      have_header = false;
      continue;
    }
    if (!have_header) {
      header = line;
      have_header = true;
      continue;
    }
    Fields names(header.substr(prefix.size()));
    Fields values(line.substr(prefix.size()));
    std::string_view name, value;
    while (names.next(name) && values.next(value)) {
      for (auto& w : wanted) {
        if (w.name != name) continue;
        // Some Tcp: fields (MaxConn) are signed; ours are counters, but accept a sign anyway.
        int64_t s = 0;
        if (to_u64(value, *w.value)) {
          w.found = true;
        } else if (to_i64(value, s)) {
          *w.value = static_cast<uint64_t>(s);
          w.found = true;
        }
      }
    }
    break;
  }
  for (auto& w : wanted)
    if (!w.found) return false;
  return true;
}

}  // namespace

bool parse_snmp(std::string_view text, TcpCounters& out) {
  Wanted wanted[] = {{"ActiveOpens", &out.active_opens}, {"AttemptFails", &out.attempt_fails},
                     {"EstabResets", &out.estab_resets}, {"InSegs", &out.in_segs},
                     {"OutSegs", &out.out_segs},         {"RetransSegs", &out.retrans_segs},
                     {"InErrs", &out.in_errs},           {"OutRsts", &out.out_rsts}};
  out.snmp_ok = parse_keyed_pair(text, "Tcp:", wanted);
  return out.snmp_ok;
}

bool parse_netstat(std::string_view text, TcpCounters& out) {
  Wanted wanted[] = {{"ListenOverflows", &out.listen_overflows},
                     {"ListenDrops", &out.listen_drops},
                     {"TCPTimeouts", &out.tcp_timeouts}};
  out.netstat_ok = parse_keyed_pair(text, "TcpExt:", wanted);
  return out.netstat_ok;
}

bool parse_task_stat(std::string_view text, TaskStat& out) {
  out = TaskStat{};
  size_t paren = text.rfind(')');
  if (paren == std::string_view::npos) return false;
  Fields fields(text.substr(paren + 1));
  std::string_view f;
  // Index 0 is field 3 of proc(5) (state); utime is field 14, stime 15, num_threads 20,
  // processor 39. Fields up to stime are required; the later ones are optional.
  int i = 0;
  for (; i <= 36 && fields.next(f); ++i) {
    int64_t v = 0;
    switch (i) {
      case 0:
        if (f.size() != 1) return false;
        out.state = f[0];
        break;
      case 11:
        if (!to_u64(f, out.utime)) return false;
        break;
      case 12:
        if (!to_u64(f, out.stime)) return false;
        break;
      case 17:
        if (to_i64(f, v)) out.num_threads = v;
        break;
      case 36:
        if (to_i64(f, v)) out.processor = static_cast<int>(v);
        break;
      default:
        break;
    }
  }
  return i > 12;
}

bool parse_schedstat(std::string_view text, SchedStat& out) {
  out = SchedStat{};
  Fields fields(text);
  std::string_view a, b, c;
  if (!fields.next(a) || !fields.next(b) || !fields.next(c)) return false;
  return to_u64(a, out.run_ns) && to_u64(b, out.wait_ns) && to_u64(c, out.timeslices);
}

bool parse_status_ctxt(std::string_view text, uint64_t& voluntary, uint64_t& involuntary) {
  voluntary = involuntary = 0;
  bool v = false, inv = false;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view key = line.substr(0, colon);
    Fields fields(line.substr(colon + 1));
    std::string_view value;
    if (key == "voluntary_ctxt_switches") {
      v = fields.next(value) && to_u64(value, voluntary);
    } else if (key == "nonvoluntary_ctxt_switches") {
      inv = fields.next(value) && to_u64(value, involuntary);
    }
  }
  return v && inv;
}

double parse_cpu_max(std::string_view text) {
  Fields fields(text);
  std::string_view quota, period;
  if (!fields.next(quota) || !fields.next(period)) return 0;
  uint64_t q = 0, p = 0;
  if (quota == "max" || !to_u64(quota, q) || !to_u64(period, p) || p == 0) return 0;
  return static_cast<double>(q) / static_cast<double>(p);
}

std::string parse_cgroup_v2_path(std::string_view text) {
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.substr(0, 3) == "0::") return std::string(line.substr(3));
  }
  return {};
}

}  // namespace ringfire
