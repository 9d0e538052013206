// Whose CPU the client ran on, checked against situations the test creates: more workers than
// CPUs, the bundled server pinned to the workers' CPU or to another one, and a client that may not
// read the server's /proc entries. The server's CPU time is checked against its own /proc/PID/stat
// read by the test.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.hpp"

namespace ringfire::testing {
namespace {

using nlohmann::json;

bool has_two_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  sched_getaffinity(0, sizeof(set), &set);
  return CPU_ISSET(0, &set) && CPU_ISSET(1, &set);
}

bool any_flag_contains(const json& verdict, const std::string& part) {
  for (const json& f : verdict.at("flags")) {
    if (f.get<std::string>().find(part) != std::string::npos) return true;
  }
  return false;
}

// utime + stime of a process, in seconds, from its /proc/PID/stat (fields 14 and 15).
double process_cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TEST(VerdictCpus, MoreWorkersThanCpusAreWarnedAboutAndNamed) {
  if (!has_two_cpus()) GTEST_SKIP() << "needs CPUs 0 and 1";
  TargetServer server({"--cpus", "0"});
  ASSERT_TRUE(server.ok());
  const RingfireRun run =
      run_ringfire({"-t", "4", "--cpus", "1", "-c", "8", "-d", "2s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_NE(run.exit.err.find("ringfire: warning: 4 workers on 1 usable CPU: they will compete "
                              "with each other; use -t 1\n"),
            std::string::npos)
      << run.exit.err;
  const json& v = run.result.at("verdict");
  EXPECT_TRUE(v.at("evidence").at("oversubscribed").get<bool>()) << v.dump(2);
  EXPECT_EQ(v.at("evidence").at("plan_cpus"), 1);
  const std::string summary = v.at("summary").get<std::string>();
  // Client-bound or not, the verdict names the cause and never asks for more threads.
  EXPECT_TRUE(summary.find("oversubscribed") != std::string::npos ||
              any_flag_contains(v, "4 workers on 1 usable CPU: they compete with each other"))
      << v.dump(2);
  EXPECT_EQ(run.exit.out.find("add --threads"), std::string::npos) << run.exit.out;
  EXPECT_EQ(run.exit.out.find("another process competes"), std::string::npos) << run.exit.out;
}

TEST(VerdictCpus, OneWorkerPerCpuIsNotWarnedAbout) {
  TargetServer server;
  ASSERT_TRUE(server.ok());
  const RingfireRun run = run_ringfire({"-t", "1", "-c", "4", "-d", "1s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  EXPECT_EQ(run.exit.err.find("warning"), std::string::npos) << run.exit.err;
  EXPECT_FALSE(run.result.at("verdict").at("evidence").at("oversubscribed").get<bool>());
}

TEST(VerdictCpus, ServerOnTheWorkersCpuIsFlagged) {
  if (!has_two_cpus()) GTEST_SKIP() << "needs CPUs 0 and 1";
  TargetServer server({"--cpus", "1"});
  ASSERT_TRUE(server.ok());
  const pid_t pid = server.pid();
  const double cpu_before = process_cpu_seconds(pid);
  const RingfireRun run =
      run_ringfire({"-t", "1", "--cpus", "1", "-c", "8", "-d", "2s", server.url()});
  const double cpu_after = process_cpu_seconds(pid);
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& v = run.result.at("verdict");
  const json& s = v.at("evidence").at("server");
  ASSERT_TRUE(s.is_object()) << v.dump(2);
  EXPECT_EQ(s.at("pid"), pid);
  EXPECT_EQ(s.at("comm"), "ringfire-target");
  EXPECT_TRUE(s.at("shares_cpu").get<bool>()) << v.dump(2);
  EXPECT_TRUE(s.at("pinned_to_worker_cpus").get<bool>()) << v.dump(2);
  EXPECT_EQ(s.at("shared_cpu"), 1);
  EXPECT_EQ(s.at("shared_worker"), 0);
  const std::string note = "NOTE        the server (pid " + std::to_string(pid) +
                           " ringfire-target) may run only on CPUs of ringfire's workers";
  EXPECT_NE(run.exit.out.find(note), std::string::npos) << run.exit.out;
  EXPECT_NE(run.exit.out.find("runs on CPU 1 with worker 0"), std::string::npos) << run.exit.out;
  // The server's CPU over the measured window, against what the test read around the whole run
  // (which also holds connecting and closing): within it, and most of it. Ticks are 10 ms.
  const double measured = s.at("cpu").get<double>() * s.at("seconds").get<double>();
  EXPECT_GT(measured, 0.1);
  EXPECT_LE(measured, cpu_after - cpu_before + 0.02);
  EXPECT_GE(measured, 0.7 * (cpu_after - cpu_before) - 0.05);
  EXPECT_DOUBLE_EQ(v.at("evidence").at("server_cpu").get<double>(), s.at("cpu").get<double>());
}

TEST(VerdictCpus, ServerOnAnotherCpuIsNotFlagged) {
  if (!has_two_cpus()) GTEST_SKIP() << "needs CPUs 0 and 1";
  TargetServer server({"--cpus", "0"});
  ASSERT_TRUE(server.ok());
  const pid_t pid = server.pid();
  const RingfireRun run =
      run_ringfire({"-t", "1", "--cpus", "1", "-c", "8", "-d", "2s", server.url()});
  server.stop_and_count();
  ASSERT_EQ(run.exit.exit_code, 0) << run.exit.err;
  const json& v = run.result.at("verdict");
  const json& s = v.at("evidence").at("server");
  ASSERT_TRUE(s.is_object()) << v.dump(2);
  EXPECT_EQ(s.at("pid"), pid);
  EXPECT_FALSE(s.at("shares_cpu").get<bool>()) << v.dump(2);
  EXPECT_EQ(s.at("cpus"), 1);  // its busy thread is pinned to CPU 0
  EXPECT_GT(s.at("cpu").get<double>(), 0);
  // No sharing flag (a "CPU-bound" note about the server's own CPU may appear: it can be busy).
  EXPECT_FALSE(any_flag_contains(v, "with ringfire's workers")) << v.dump(2);
  EXPECT_FALSE(any_flag_contains(v, "of ringfire's workers")) << v.dump(2);
  EXPECT_EQ(run.exit.out.find("shares CPU"), std::string::npos) << run.exit.out;
}

TEST(VerdictCpus, ServerOfAnotherUserIsSilentlySkipped) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run ringfire as another user";
  TargetServer server;  // root's
  ASSERT_TRUE(server.ok());
  // ringfire as nobody cannot read root's /proc/PID/fd: no server, no message, a normal run.
  char tmpl[] = "/tmp/ringfire-nobody-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  chmod(dir.c_str(), 0777);
  const std::string json_path = dir + "/result.json";
  auto process =
      Subprocess::start({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                         RINGFIRE_BIN, "--json", json_path, "-c", "4", "-d", "1s", server.url()});
  ASSERT_TRUE(process);
  const ExitResult exit = process->wait(std::chrono::seconds(30));
  server.stop_and_count();
  std::ifstream f(json_path);
  const json result = f ? json::parse(f, nullptr, false) : json();
  keep_for_schema_check(json_path);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(exit.exit_code, 0) << exit.err;
  EXPECT_EQ(exit.err, "");
  ASSERT_TRUE(result.is_object());
  const json& e = result.at("verdict").at("evidence");
  EXPECT_TRUE(e.at("server_local").get<bool>());
  EXPECT_TRUE(e.at("server").is_null()) << e.dump(2);
  EXPECT_TRUE(e.at("server_cpu").is_null());
}

}  // namespace
}  // namespace ringfire::testing
