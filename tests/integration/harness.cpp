#include "harness.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

namespace ringfire::testing {

uint16_t bound_port(int fd) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return ntohs(a.sin_port);
}

int listen_loopback(int backlog) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, backlog) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

namespace {

std::string temp_dir() {
  char pattern[] = "/tmp/ringfire-test-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir == nullptr ? "" : dir;
}

}  // namespace

void keep_for_schema_check(const std::string& json_path) {
#ifdef RINGFIRE_RESULTS_DIR
  static int kept = 0;
  std::error_code ec;
  if (!std::filesystem::exists(json_path, ec)) return;
  std::filesystem::create_directories(RINGFIRE_RESULTS_DIR, ec);
  // Named after the test, so that an invalid file says which test wrote it.
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = test != nullptr ? std::string(test->test_suite_name()) + "." + test->name()
                                     : std::string("outside-a-test");
  std::replace(name.begin(), name.end(), '/', '_');
  name = std::string(RINGFIRE_RESULTS_DIR) + "/" + name + "-" + std::to_string(getpid()) + "-" +
         std::to_string(kept++) + ".json";
  std::filesystem::copy_file(json_path, name, std::filesystem::copy_options::overwrite_existing,
                             ec);
#else
  (void)json_path;
#endif
}

uint16_t unused_port() {
  const int fd = listen_loopback();
  const uint16_t port = bound_port(fd);
  close(fd);
  return port;
}

TargetServer::TargetServer(std::vector<std::string> extra_args) {
  std::vector<std::string> argv = {RINGFIRE_TARGET_BIN, "--port", "0", "--duration", "5m"};
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  process_ = Subprocess::start(argv);
  if (!process_) return;
  const auto line = process_->read_line_starting_with("listening on ", std::chrono::seconds(10));
  if (!line) return;
  const size_t colon = line->rfind(':');
  port_ = static_cast<uint16_t>(std::atoi(line->c_str() + colon + 1));
}

TargetServer::~TargetServer() {
  if (process_) process_->stop(SIGKILL, std::chrono::seconds(5));
}

std::string TargetServer::url(const std::string& host) const {
  return "http://" + host + ":" + std::to_string(port_) + "/";
}

std::map<std::string, int64_t> TargetServer::stop_and_counts() {
  return stop_and_report().counters;
}

TargetServer::Report TargetServer::stop_and_report() {
  Report report;
  if (!process_) return report;
  const ExitResult r = process_->stop(SIGTERM);
  process_.reset();
  if (!r.exited) return report;
  report.stopped = true;
  for (const std::string& line : r.out_lines()) {
    if (line.rfind("listening on ", 0) == 0) continue;
    if (line.rfind("path ", 0) == 0) {
      // "path PATH N REQUEST_BYTES RESPONSE_BYTES": a request-target holds no spaces.
      std::istringstream fields(line.substr(5));
      std::string path;
      PathFigures f;
      fields >> path >> f.responses >> f.request_bytes >> f.response_bytes;
      EXPECT_FALSE(fields.fail()) << "bad path line: " << line;
      report.paths[path] = f;
      continue;
    }
    const size_t colon = line.find(": ");
    if (colon == std::string::npos) continue;
    report.counters[line.substr(0, colon)] = std::atoll(line.c_str() + colon + 2);
  }
  return report;
}

void TargetServer::kill() {
  if (process_) process_->stop(SIGKILL, std::chrono::seconds(5));
  process_.reset();
}

void expect_accounting(const nlohmann::json& result) {
  const auto u = [](const nlohmann::json& j, const char* key) { return j.at(key).get<uint64_t>(); };
  const nlohmann::json& t = result.at("totals");
  EXPECT_EQ(u(t, "sent"), u(t, "completed") + u(t, "failed") + u(t, "in_flight")) << t.dump();
  uint64_t sent = 0, completed = 0, errors = 0;
  for (const nlohmann::json& s : result.at("timeseries")) {
    sent += u(s, "sent");
    completed += u(s, "completed");
    errors += u(s, "errors");
  }
  EXPECT_EQ(sent, u(t, "sent"));
  EXPECT_EQ(completed, u(t, "completed"));
  EXPECT_EQ(errors, u(t, "failed"));
  EXPECT_EQ(result.at("latency_ns").at("count").get<uint64_t>(), u(t, "completed"));
  // Every label balances the same way, and the labels add up to the totals.
  uint64_t label_sent = 0, label_completed = 0, label_failed = 0, label_in_flight = 0;
  for (const nlohmann::json& l : result.at("labels")) {
    EXPECT_EQ(u(l, "sent"), u(l, "completed") + u(l, "failed") + u(l, "in_flight")) << l.dump();
    EXPECT_EQ(l.at("latency_ns").at("count").get<uint64_t>(), u(l, "completed"));
    label_sent += u(l, "sent");
    label_completed += u(l, "completed");
    label_failed += u(l, "failed");
    label_in_flight += u(l, "in_flight");
  }
  EXPECT_EQ(label_sent, u(t, "sent"));
  EXPECT_EQ(label_completed, u(t, "completed"));
  EXPECT_EQ(label_failed, u(t, "failed"));
  EXPECT_EQ(label_in_flight, u(t, "in_flight"));
}

int64_t TargetServer::stop_and_count() {
  if (!process_) return -1;
  const ExitResult r = process_->stop(SIGTERM);
  process_.reset();
  for (const std::string& line : r.out_lines()) {
    if (line.rfind("requests: ", 0) == 0) return std::atoll(line.c_str() + 10);
  }
  return -1;
}

NginxServer::NginxServer(const std::string& conf_env,
                         const std::function<void(const std::string&)>& setup) {
  const char* nginx = "/usr/sbin/nginx";
  if (access(nginx, X_OK) != 0) {
    skip_reason_ = "nginx is not installed (apt-get install nginx-light)";
    return;
  }
  dir_ = temp_dir();
  std::filesystem::permissions(dir_, std::filesystem::perms(0755));
  const uint16_t port = unused_port();
  const std::string conf = dir_ + "/nginx.conf";
  if (setup) setup(dir_);
  const std::string cmd = conf_env + " " + std::string(RINGFIRE_SOURCE_DIR) +
                          "/scripts/nginx-conf.sh " + dir_ + " " + std::to_string(port) + " > " +
                          conf;
  if (std::system(cmd.c_str()) != 0) {
    skip_reason_ = "cannot write nginx.conf";
    return;
  }
  process_ = Subprocess::start({nginx, "-c", conf, "-p", dir_, "-e", dir_ + "/error.log"});
  if (!process_) return;
  // Ready when it accepts connections.
  for (int i = 0; i < 200; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    if (up) {
      port_ = port;
      return;
    }
    usleep(25'000);
  }
}

NginxServer::~NginxServer() {
  if (process_) process_->stop(SIGQUIT, std::chrono::seconds(10));
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

std::string NginxServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/";
}

int64_t NginxServer::settled_log_lines(int64_t at_least) const {
  int64_t lines = -1;
  for (int i = 0; i < 40; ++i) {
    const int64_t now = access_log_lines();
    if (now == lines && now >= at_least) break;
    lines = now;
    usleep(50'000);
  }
  return lines;
}

int64_t NginxServer::access_log_lines() const {
  std::ifstream f(dir_ + "/access.log");
  int64_t n = 0;
  std::string line;
  while (std::getline(f, line)) ++n;
  return n;
}

RawServer::RawServer(std::string reply, bool close_after_reply)
    : reply_(std::move(reply)), close_after_reply_(close_after_reply) {
  listen_fd_ = listen_loopback();
  port_ = bound_port(listen_fd_);
  thread_ = std::thread([this] { serve(); });
}

RawServer::~RawServer() {
  stop_.store(true);
  thread_.join();
  close(listen_fd_);
}

void RawServer::serve() {
  std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!stop_.load() && std::chrono::steady_clock::now() < deadline) {
    if (poll(fds.data(), fds.size(), 20) <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      if (i == 0) {
        const int c = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (c >= 0) fds.push_back({c, POLLIN, 0});
        continue;
      }
      const ssize_t n = read(fds[i].fd, buf, sizeof(buf));
      bool drop = n <= 0;
      if (n > 0 && !reply_.empty()) {
        (void)!write(fds[i].fd, reply_.data(), reply_.size());
        drop = close_after_reply_;
      }
      if (drop) {
        close(fds[i].fd);
        fds[i].fd = -1;
      }
    }
    std::erase_if(fds, [](const pollfd& p) { return p.fd < 0; });
  }
  for (size_t i = 1; i < fds.size(); ++i) close(fds[i].fd);
}

RingfireRun run_ringfire(std::vector<std::string> args, std::chrono::seconds limit) {
  return run_ringfire_wrapped({}, std::move(args), limit);
}

RingfireRun run_ringfire_wrapped(const std::vector<std::string>& wrapper,
                                 std::vector<std::string> args, std::chrono::seconds limit) {
  RingfireRun run;
  const std::string dir = temp_dir();
  const std::string json_path = dir + "/result.json";
  std::vector<std::string> argv = wrapper;
  argv.insert(argv.end(), {RINGFIRE_BIN, "--json", json_path});
  argv.insert(argv.end(), args.begin(), args.end());
  const auto start = std::chrono::steady_clock::now();
  auto process = Subprocess::start(argv);
  if (!process) return run;
  run.exit = process->wait(std::chrono::duration_cast<std::chrono::milliseconds>(limit));
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ifstream f(json_path, std::ios::binary);
  if (f) {
    run.result_text.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    run.result = nlohmann::json::parse(run.result_text, nullptr, false);
  }
  keep_for_schema_check(json_path);
  std::filesystem::remove_all(dir);
  return run;
}

RingfireRun run_ringfire_settled(const std::vector<std::string>& args,
                                 const std::function<std::string(const RingfireRun&)>& unsettled,
                                 int attempts, std::chrono::seconds limit) {
  RingfireRun run;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    run = run_ringfire(args, limit);
    const std::string why = unsettled(run);
    if (why.empty()) break;
    std::fprintf(stderr, "attempt %d of %d unsettled (%s)%s\n", attempt, attempts, why.c_str(),
                 attempt < attempts ? ": the machine was busy, running again" : "");
  }
  return run;
}

}  // namespace ringfire::testing
