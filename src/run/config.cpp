#include "ringfire/run/config.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string_view>

#include "ringfire/base/clock.hpp"
#include "ringfire/base/quote.hpp"
#include "ringfire/base/start_time.hpp"
#include "ringfire/net/source_addresses.hpp"

namespace ringfire {

void raise_fd_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// Every connection may hold a descriptor: with plain sockets each is one (worker_connections.cpp
// keeps it open beside its fixed-file slot). Direct sockets (IORING_OP_SOCKET into the worker's
// registered table, 5.19) take none from the process table, but the kernel refuses to register
// a table larger than the soft RLIMIT_NOFILE (io_uring/rsrc.c, io_sqe_files_register: nr_args >
// rlimit(RLIMIT_NOFILE) → -EMFILE, since 5.14), and a worker falls back to plain sockets when its
// ring lacks them. So the need is the plain path's: one per connection, plus per worker its ring,
// and a margin for stdio, output files and the sampler's /proc reads.
uint64_t descriptors_needed(const RunConfig& config) {
  const uint64_t cpus = allowed_cpus().size();
  const uint64_t workers =
      config.threads != 0 ? config.threads : std::min<uint64_t>(cpus, config.connections);
  // A shard holds its share of the connections only.
  return shard_share(config.connections, config.shard) + kDescriptorsPerWorker * workers +
         kDescriptorsSpare;
}

std::string prepare_fd_limit(const RunConfig& config) {
  const uint64_t needed = descriptors_needed(config);
  raise_fd_limit();
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY ||
      limit.rlim_cur >= needed) {
    return "";
  }
  const bool hard = limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed;
  const std::string need = std::to_string(needed);
  return std::to_string(config.connections) + " connections need about " + need +
         " open files, but the " + (hard ? "hard" : "soft") + " limit is " +
         std::to_string(hard ? limit.rlim_max : limit.rlim_cur) + " (raise it: ulimit -Hn " + need +
         " as root, LimitNOFILE= for systemd, or use fewer connections)";
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

namespace {

using std::chrono::milliseconds;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// RFC 9110 section 5.6.2: the characters of a token, which a header name is.
bool is_token_char(char c) {
  static constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return std::isalnum(static_cast<unsigned char>(c)) || kSymbols.find(c) != std::string_view::npos;
}

// "0.5", "20000", "1e+09": as short as the number allows.
std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

std::string seconds_text(Nanos d) {
  return number_text(static_cast<double>(d.count()) * 1e-9) + "s";
}

// How many connections and threads, and how each connection and wake-up is used.
std::string check_shape(const RunConfig& c) {
  if (c.connections == 0 || c.connections > 1'000'000) {
    return "--connections must be between 1 and 1000000";
  }
  if (c.threads > 1024) return "--threads must be at most 1024";
  if (c.threads > c.connections) {
    return "--threads " + std::to_string(c.threads) + " is more than --connections " +
           std::to_string(c.connections) + ": every thread needs a connection";
  }
  if (c.pipeline == 0 || c.pipeline > 1024) return "--pipeline must be between 1 and 1024";
  if (c.variants == 0 || c.variants > 1'000'000) {
    return "--variants must be between 1 and 1,000,000";
  }
  if (c.wait_batch == 0 || c.wait_batch > 1024) return "--wait-batch must be between 1 and 1024";
  if (c.wait_max.count() < 0 || c.wait_max > milliseconds(1)) {
    return "--wait-max must be at most 1ms (e.g. 100us)";
  }
  if (!c.cpus.empty()) {
    const std::vector<int> allowed = allowed_cpus();
    for (int cpu : c.cpus) {
      if (std::find(allowed.begin(), allowed.end(), cpu) == allowed.end()) {
        return "--cpus: CPU " + std::to_string(cpu) + " is not available to ringfire";
      }
    }
  }
  return {};
}

// When the run stops, how fast it sends, and how its timeline adds up.
std::string check_timing(const RunConfig& c) {
  if (c.duration.count() < 0 || c.warmup.count() < 0 || c.ramp.count() < 0 ||
      c.timeout.count() < 0) {
    return "durations must not be negative";
  }
  if (c.duration.count() == 0 && c.requests == 0) {
    return "nothing would end the run: give --duration or --requests";
  }
  if (c.timeout.count() == 0) return "--timeout must be more than 0";
  if (!std::isfinite(c.rate) || c.rate < 0 || c.rate > 1e9) {
    return "--rate must be between 0 and 1e9 requests per second";
  }
  if (!c.closed_loop() && c.duration.count() > 0 &&
      c.rate * static_cast<double>(c.duration.count()) * 1e-9 < 1) {
    return "--rate " + number_text(c.rate) + " over --duration " + seconds_text(c.duration) +
           " schedules less than one request";
  }
  if (!std::isfinite(c.connect_rate) || c.connect_rate < 0 || c.connect_rate > 1e7) {
    return "--connect-rate must be between 0 and 1e7 connections per second";
  }
  if (c.arrival == Arrival::kPoisson && c.closed_loop()) {
    return "--arrival poisson needs --rate (it shapes an open loop's schedule)";
  }
  if (c.include_ramp && c.ramp.count() == 0) return "--include-ramp needs --ramp";
  if (c.include_ramp && c.duration.count() > 0 && c.ramp > c.duration) {
    return "--ramp " + seconds_text(c.ramp) + " is longer than --duration " +
           seconds_text(c.duration) + " with --include-ramp: the run would end mid-ramp";
  }
  if (c.ramp > kMaxRunTime || c.warmup > kMaxRunTime || c.duration > kMaxRunTime ||
      c.ramp + c.warmup + c.duration > kMaxRunTime) {
    return "--ramp + --warmup + --duration must be at most 30 days";
  }
  return {};
}

std::string check_header(const std::string& header, size_t body_size) {
  const size_t colon = header.find(':');
  const std::string_view name(header.data(), colon == std::string::npos ? 0 : colon);
  if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
    return "bad --header " + quote(header) + " (expected 'Name: value', the name without spaces)";
  }
  std::string_view value(header);
  value.remove_prefix(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return "bad --header " + quote(header) + ": a value cannot hold CR, LF or NUL";
  }
  if (iequals(name, "Transfer-Encoding")) {
    return "--header Transfer-Encoding is not supported: the body is sent whole, with "
           "Content-Length";
  }
  if (iequals(name, "Content-Length") && value != std::to_string(body_size)) {
    return "--header " + quote(header) + " does not match the body's " + std::to_string(body_size) +
           " bytes";
  }
  return {};
}

// The request: its method and headers.
std::string check_request(const RunConfig& c) {
  if (c.method.empty()) return "--method is empty";
  for (char ch : c.method) {
    if (ch < 'A' || ch > 'Z') {
      return "bad --method " + quote(c.method) + " (expected uppercase letters, e.g. GET, POST)";
    }
  }
  if (c.body.size() > kMaxBodyBytes) return "the request body is larger than 16 MiB";
  for (const std::string& h : c.headers) {
    if (std::string problem = check_header(h, c.body.size()); !problem.empty()) return problem;
  }
  return {};
}

std::string bad_duration(const char* option, const std::string& text, const char* examples) {
  return std::string("bad ") + option + " " + quote(text) + " (examples: " + examples + ")";
}

// The durations given as text; the defaults stand for the ones not given.
std::string parse_durations(const CommandLine& line, RunConfig& config) {
  if (!line.duration.empty()) {
    if (!parse_duration(line.duration, config.duration) || config.duration.count() == 0) {
      return bad_duration("--duration", line.duration, "500ms, 10s, 2m");
    }
  } else if (line.self_check) {
    config.duration = std::chrono::seconds(5);
  } else if (config.requests != 0) {
    config.duration = Nanos(0);  // -n alone: run until the count is reached
  }
  if (!parse_duration(line.timeout, config.timeout)) {
    return bad_duration("--timeout", line.timeout, "500ms, 2s");
  }
  if (!line.warmup.empty() && !parse_duration(line.warmup, config.warmup)) {
    return bad_duration("--warmup", line.warmup, "2s, 500ms");
  }
  if (!line.ramp.empty() && !parse_duration(line.ramp, config.ramp)) {
    return bad_duration("--ramp", line.ramp, "10s, 1m");
  }
  if (!parse_duration(line.wait_max, config.wait_max)) {
    return bad_duration("--wait-max", line.wait_max, "100us, 1ms");
  }
  return {};
}

// Every shard must have something to do: a connection and, with -n, a request.
std::string check_shard(const RunConfig& c) {
  const Shard s = c.shard;
  if (s.count == 0 || s.index >= s.count) return "--shard: I must be 0 to N-1";
  if (c.connections < s.count) {
    return "--shard " + s.text() + ": " + std::to_string(c.connections) +
           " connections cannot give each of " + std::to_string(s.count) + " shards one";
  }
  if (c.threads > shard_share(c.connections, s)) {
    return "--threads " + std::to_string(c.threads) + " is more than shard " + s.text() + "'s " +
           std::to_string(shard_share(c.connections, s)) + " connections";
  }
  if (c.requests != 0 && c.requests < s.count) {
    return "--shard " + s.text() + ": -n " + std::to_string(c.requests) + " cannot give each of " +
           std::to_string(s.count) + " shards a request";
  }
  return {};
}

}  // namespace

std::string validate(const RunConfig& config) {
  if (std::string problem = check_shape(config); !problem.empty()) return problem;
  if (std::string problem = check_tls(config); !problem.empty()) return problem;
  if (std::string problem = check_http2(config); !problem.empty()) return problem;
  if (std::string problem = check_shard(config); !problem.empty()) return problem;
  if (std::string problem = check_timing(config); !problem.empty()) return problem;
  return check_request(config);
}

std::string finish_config(const CommandLine& line, RunConfig& config) {
  const bool from_file = !line.scenario_file.empty() || !line.url_file.empty();
  if (line.self_check) {
    if (!line.urls.empty() || from_file) {
      return "--self-check runs against its own server: give no URL";
    }
  } else if (line.urls.empty() && !from_file) {
    return "a URL is required (see --help)";
  }
  if (std::string problem = parse_http2(line, config); !problem.empty()) return problem;
  if (std::string problem = parse_durations(line, config); !problem.empty()) return problem;
  if (line.arrival == "poisson") {
    config.arrival = Arrival::kPoisson;
  } else if (line.arrival != "constant") {
    return "bad --arrival " + quote(line.arrival) + " (constant or poisson)";
  }
  if (!line.cpus.empty() && !parse_cpu_list(line.cpus, config.cpus)) {
    return "bad --cpus " + quote(line.cpus) + " (example: 0,2-3)";
  }
  if (!line.body_file.empty()) {
    if (!config.body.empty()) return "give --body or --body-file, not both";
    std::string error;
    if (!read_body_file(line.body_file, config.body, error)) return error;
  }
  if (!line.self_check) {
    if (std::string problem = assemble_scenario(line, config); !problem.empty()) return problem;
  }
  if (std::string problem = parse_tls(line, config); !problem.empty()) return problem;
  if (!line.source_ip.empty()) {
    std::string error;
    if (!parse_source_list(line.source_ip, config.sources, error)) return error;
  }
  if (!line.shard.empty()) {
    std::string error;
    if (!parse_shard(line.shard, config.shard, error)) return error;
  }
  if (!line.start_at.empty()) {
    std::string error;
    if (!parse_start_time(line.start_at, wall_seconds(), config.start_at, error)) return error;
  }
  for (const std::string& text : line.thresholds) {
    std::string error;
    if (!parse_threshold(text, config.thresholds.emplace_back(), error)) return error;
    const std::string& label = config.thresholds.back().label;
    const auto& requests = config.scenario.requests;
    if (!label.empty() && std::none_of(requests.begin(), requests.end(),
                                       [&](const RequestSpec& r) { return r.label == label; })) {
      std::string labels;
      for (const RequestSpec& r : requests) labels += (labels.empty() ? "" : ", ") + quote(r.label);
      return "--threshold " + quote(text) + ": no label " + quote(label) + " (labels: " + labels +
             ")";
    }
  }
  return validate(config);
}

bool read_body_file(const std::string& path, std::string& body, std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  const auto fail = [&](const std::string& why) {
    error = "cannot read --body-file " + quote(path) + ": " + why;
    if (fd >= 0) ::close(fd);
    return false;
  };
  if (fd < 0) return fail(std::strerror(errno));
  std::string contents;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(std::strerror(errno));  // EISDIR for a directory
    if (n == 0) break;
    contents.append(chunk, static_cast<size_t>(n));
    // Bounded, so that /dev/zero or a mistaken disk image ends in a message, not a hang.
    if (contents.size() > kMaxBodyBytes) return fail("larger than 16 MiB");
  }
  ::close(fd);
  body = std::move(contents);
  return true;
}

}  // namespace ringfire
