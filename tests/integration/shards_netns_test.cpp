// Issue 21's acceptance, as a user with several machines would see it: three network namespaces
// are three client boxes, each with its own address on a bridge, and nginx runs in a fourth. Three
// shards of one run start together (--start-at), each inside its box (ip netns exec), and
// `ringfire merge` adds them. nginx's access log is the independent count: its lines, in total and
// per client address, against what each shard and the merge say. Open loop at -R 3000: one
// schedule for the three, light on a shared machine. Everything (namespaces, veths,
// the bridge) is made by the test under names of its own and removed after, even on failure.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "harness.hpp"
#include "ringfire/metrics/histogram.hpp"

namespace ringfire::testing {
namespace {

constexpr int kShards = 3;
const char* const kServerAddress = "10.77.0.1";

std::string client_address(int i) {
  return "10.77.0." + std::to_string(11 + i);
}

bool sh(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

// The bridge and the four namespaces ("<prefix>s" for the server, "<prefix>0".. for the
// clients), named after this process so that concurrent tests cannot collide; all removed by the
// destructor, whatever was made.
class Boxes {
 public:
  Boxes() : prefix_("rf" + std::to_string(getpid() % 1'000'000) + "n") {
    if (geteuid() != 0) {
      why_not_ = "needs root for network namespaces";
      return;
    }
    if (!sh("ip netns list")) {
      why_not_ = "'ip netns' is not available";
      return;
    }
    bridge_ = prefix_ + "br";
    if (!sh("ip link add " + bridge_ + " type bridge") || !sh("ip link set " + bridge_ + " up")) {
      why_not_ = "cannot make a bridge";
      bridge_.clear();
      return;
    }
    for (int k = 0; k <= kShards; ++k) {
      const std::string address = k == kShards ? kServerAddress : client_address(k);
      if (!add_box(k == kShards ? "s" : std::to_string(k), address)) return;
    }
  }
  ~Boxes() {
    // The host ends first: a namespace's deletion frees its veths only when the kernel gets to it.
    for (const std::string& veth : veths_) sh("ip link del " + veth);
    for (const std::string& ns : made_) sh("ip netns del " + ns);
    if (!bridge_.empty()) sh("ip link del " + bridge_);
  }
  const std::string& why_not() const { return why_not_; }
  std::string server() const { return prefix_ + "s"; }
  std::string client(int i) const { return prefix_ + std::to_string(i); }

 private:
  bool add_box(const std::string& tag, const std::string& address) {
    const std::string ns = prefix_ + tag, outside = prefix_ + "h" + tag,
                      inside = prefix_ + "v" + tag;
    if (!sh("ip netns add " + ns)) {
      why_not_ = "cannot add network namespace " + ns;
      return false;
    }
    made_.push_back(ns);
    if (!sh("ip link add " + outside + " type veth peer name " + inside)) {
      why_not_ = "cannot make a veth pair";
      return false;
    }
    veths_.push_back(outside);
    const bool ok = sh("ip link set " + inside + " netns " + ns) &&
                    sh("ip link set " + outside + " master " + bridge_) &&
                    sh("ip link set " + outside + " up") &&
                    sh("ip -n " + ns + " addr add " + address + "/24 dev " + inside) &&
                    sh("ip -n " + ns + " link set " + inside + " up") &&
                    sh("ip -n " + ns + " link set lo up");
    if (!ok) {
      why_not_ = "cannot wire " + ns + " to the bridge";
    }
    return ok;
  }

  std::string prefix_;
  std::string bridge_;
  std::vector<std::string> made_;
  std::vector<std::string> veths_;
  std::string why_not_;
};

std::string temp_dir() {
  char pattern[] = "/tmp/ringfire-shards-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir == nullptr ? "" : dir;
}

// nginx inside the server box, listening on its bridge address, its access log (which starts
// with $remote_addr) in `dir`.
std::unique_ptr<Subprocess> start_nginx(const Boxes& boxes, const std::string& dir, int port) {
  std::filesystem::permissions(dir, std::filesystem::perms(0755));
  std::ofstream(dir + "/nginx.conf")
      << "worker_processes 1;\ndaemon off;\nmaster_process on;\npid " << dir
      << "/nginx.pid;\nerror_log " << dir << "/error.log warn;\nevents { worker_connections "
      << "1024; }\nhttp {\n  access_log " << dir << "/access.log;\n  client_body_temp_path " << dir
      << "/body;\n  proxy_temp_path " << dir << "/proxy;\n  fastcgi_temp_path " << dir
      << "/fastcgi;\n  uwsgi_temp_path " << dir << "/uwsgi;\n  scgi_temp_path " << dir
      << "/scgi;\n  keepalive_requests 1000000;\n  server {\n    listen " << kServerAddress << ':'
      << port << ";\n    location / { default_type text/plain; return 200 \"Hello\"; }\n  }\n}\n";
  return Subprocess::start({"/usr/sbin/ip", "netns", "exec", boxes.server(), "/usr/sbin/nginx",
                            "-c", dir + "/nginx.conf", "-p", dir, "-e", dir + "/error.log"});
}

// Requests per client address in nginx's access log.
std::map<std::string, uint64_t> log_by_address(const std::string& dir) {
  std::map<std::string, uint64_t> counts;
  std::ifstream f(dir + "/access.log");
  std::string line;
  while (std::getline(f, line)) ++counts[line.substr(0, line.find(' '))];
  return counts;
}

uint64_t u(const nlohmann::json& j, const char* key) {
  return j.at(key).get<uint64_t>();
}

nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  return nlohmann::json::parse(f, nullptr, false);
}

TEST(Shards, ThreeBoxesAgainstNginxMergeToWhatNginxCounted) {
  if (access("/usr/sbin/nginx", X_OK) != 0) GTEST_SKIP() << "nginx is not installed";
  Boxes boxes;
  if (!boxes.why_not().empty()) GTEST_SKIP() << boxes.why_not();
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const int port = 8080;  // inside the server's own namespace: nothing else can hold it
  std::unique_ptr<Subprocess> nginx = start_nginx(boxes, dir, port);
  ASSERT_TRUE(nginx);
  // SIGQUIT however the test ends: a killed master would leave its worker running in the box.
  struct GracefulStop {
    std::unique_ptr<Subprocess>& server;
    ~GracefulStop() {
      if (server) server->stop(SIGQUIT, std::chrono::seconds(10));
    }
  } graceful_stop{nginx};
  // Ready when a client box reaches it (bash's /dev/tcp: a connection without a request, which
  // nginx does not log).
  const std::string url =
      "http://" + std::string(kServerAddress) + ":" + std::to_string(port) + "/";
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    up = sh("ip netns exec " + boxes.client(0) + " bash -c 'exec 3<>/dev/tcp/" + kServerAddress +
            "/" + std::to_string(port) + "'");
    if (!up) usleep(50'000);
  }
  ASSERT_TRUE(up) << "nginx did not come up in " << boxes.server();

  // One start time for all: 2 s from now, as a launcher (a Job, ssh) would pass it.
  char start_at[32];
  std::snprintf(
      start_at, sizeof(start_at), "%.3f",
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() +
          2.0);
  std::vector<std::unique_ptr<Subprocess>> shards;
  std::vector<std::string> files;
  for (int i = 0; i < kShards; ++i) {
    files.push_back(dir + "/shard" + std::to_string(i) + ".json");
    shards.push_back(Subprocess::start({"/usr/sbin/ip",
                                        "netns",
                                        "exec",
                                        boxes.client(i),
                                        RINGFIRE_BIN,
                                        "--shard",
                                        std::to_string(i) + "/" + std::to_string(kShards),
                                        "-c",
                                        "7",
                                        "-t",
                                        "1",
                                        "-R",
                                        "3000",
                                        "-d",
                                        "2s",
                                        "--start-at",
                                        start_at,
                                        "--json",
                                        files.back(),
                                        "-q",
                                        url}));
    ASSERT_TRUE(shards.back());
  }
  for (int i = 0; i < kShards; ++i) {
    const ExitResult r = shards[i]->wait(std::chrono::seconds(30));
    ASSERT_EQ(r.exit_code, 0) << "shard " << i << ": " << r.err;
  }
  const std::string merged_path = dir + "/all.json";
  std::unique_ptr<Subprocess> merge = Subprocess::start(
      {RINGFIRE_BIN, "merge", files[0], files[1], files[2], "-o", merged_path, "--text"});
  ASSERT_TRUE(merge);
  const ExitResult merged_run = merge->wait(std::chrono::seconds(30));
  ASSERT_EQ(merged_run.exit_code, 0) << merged_run.err;
  std::cout << merged_run.out;
  // nginx logs after the response is out: stop it (SIGQUIT: graceful) so every line is written.
  nginx->stop(SIGQUIT, std::chrono::seconds(10));
  nginx.reset();

  const nlohmann::json m = read_json(merged_path);
  ASSERT_TRUE(m.is_object());
  for (const std::string& f : files) keep_for_schema_check(f);
  keep_for_schema_check(merged_path);
  expect_accounting(m);
  const auto all = [](const nlohmann::json& j, const char* key) {
    return u(j.at("totals"), key) + u(j.at("warmup"), key);
  };
  EXPECT_EQ(all(m, "failed"), 0u);
  EXPECT_GT(u(m.at("totals"), "completed"), 0u);
  // The merged series sums to the merged totals (the measured window).
  uint64_t series_sent = 0, series_completed = 0;
  for (const nlohmann::json& row : m.at("timeseries")) {
    series_sent += u(row, "sent");
    series_completed += u(row, "completed");
  }
  EXPECT_EQ(series_sent, u(m.at("totals"), "sent"));
  EXPECT_EQ(series_completed, u(m.at("totals"), "completed"));

  // nginx's lines, in total: at least what completed, at most that and what was in flight.
  const std::map<std::string, uint64_t> by_address = log_by_address(dir);
  uint64_t lines = 0;
  for (const auto& [address, n] : by_address) lines += n;
  EXPECT_GE(lines, all(m, "completed"));
  EXPECT_LE(lines, all(m, "completed") + all(m, "in_flight"));
  // Per box: its address's lines against its own shard's figures.
  uint64_t connections = 0;
  Histogram from_buckets;  // one histogram of every shard's buckets
  for (int i = 0; i < kShards; ++i) {
    const nlohmann::json s = read_json(files[i]);
    ASSERT_TRUE(s.is_object());
    const auto it = by_address.find(client_address(i));
    const uint64_t logged = it == by_address.end() ? 0 : it->second;
    EXPECT_GE(logged, all(s, "completed")) << "shard " << i;
    EXPECT_LE(logged, all(s, "sent")) << "shard " << i;
    EXPECT_LE(logged, all(s, "completed") + all(s, "in_flight")) << "shard " << i;
    connections += u(s.at("connections"), "planned");
    for (const nlohmann::json& b : s.at("latency_ns").at("buckets")) {
      from_buckets.add_bucket(b.at(0).get<uint64_t>(), b.at(2).get<uint64_t>());
    }
  }
  EXPECT_EQ(by_address.size(), static_cast<size_t>(kShards));  // nobody else reached nginx
  EXPECT_EQ(connections, 7u);                                  // the segment rule: 2 + 3 + 2
  // The merged percentiles are those of one histogram of all the buckets, exactly.
  const nlohmann::json& p = m.at("latency_ns").at("percentiles");
  for (const char* key : {"50", "90", "99", "99.9"}) {
    EXPECT_EQ(p.at(key).get<uint64_t>(), from_buckets.value_at_percentile(std::stod(key))) << key;
  }
  // One start: the skew is below 5 ms (0.4–0.6 ms seen here).
  const double skew = m.at("merge").at("start_skew_s").get<double>();
  std::cout << "start skew " << skew * 1e3 << " ms\n";
  RecordProperty("start_skew_ms", std::to_string(skew * 1e3));
  EXPECT_LT(skew, 0.005);
  EXPECT_EQ(m.at("merge").at("shards"), kShards);
  EXPECT_TRUE(m.at("merge").at("forced").is_null());
  // One global schedule: -R 3000 for 2 s is 6000 requests due, whichever shard sends each
  // (tests/unit/shard_test.cpp checks every intended time against the one-box schedule).
  EXPECT_EQ(u(m.at("schedule"), "due"), 6000u);
  EXPECT_EQ(m.at("schedule").at("requested_rate").get<double>(), 3000.0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ringfire::testing
