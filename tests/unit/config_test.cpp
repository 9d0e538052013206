#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <span>
#include <string>

#include "ringfire/run/config.hpp"
#include "ringfire/run/plan.hpp"
#include "ringfire/scenario/request_mix.hpp"

namespace ringfire {
namespace {

TEST(ParseDuration, AcceptsUnits) {
  struct Case {
    const char* text;
    int64_t ns;
  };
  const Case cases[] = {{"500ms", 500'000'000},    {"10s", 10'000'000'000}, {"2m", 120'000'000'000},
                        {"1h", 3'600'000'000'000}, {"250us", 250'000},      {"100ns", 100},
                        {"1.5s", 1'500'000'000},   {"3", 3'000'000'000},    {"0s", 0}};
  for (const Case& c : cases) {
    Nanos d{};
    ASSERT_TRUE(parse_duration(c.text, d)) << c.text;
    EXPECT_EQ(d.count(), c.ns) << c.text;
  }
}

TEST(ParseDuration, RejectsGarbage) {
  for (const char* text : {"", "s", "10x", "-1s", "1e300s", "ten", "10 s", "5ms5", "nan"}) {
    Nanos d{};
    EXPECT_FALSE(parse_duration(text, d)) << text;
  }
}

TEST(ParseCpuList, RangesAndLists) {
  std::vector<int> cpus;
  ASSERT_TRUE(parse_cpu_list("0,2-4,7", cpus));
  EXPECT_EQ(cpus, (std::vector<int>{0, 2, 3, 4, 7}));
  for (const char* bad : {"", ",", "1,", "a", "3-1", "-1", "1-", "0,,1"}) {
    EXPECT_FALSE(parse_cpu_list(bad, cpus)) << bad;
  }
}

// finish_config(): the texts of the command line, then validate().
std::string finish(CommandLine line, RunConfig& config) {
  const std::string problem = finish_config(line, config);
  EXPECT_EQ(problem.find('\n'), std::string::npos) << problem;
  return problem;
}

CommandLine with_url() {
  CommandLine line;
  line.urls = {"http://127.0.0.1:8080/x"};
  return line;
}

TEST(FinishConfig, ParsesTheTextsAndTheUrl) {
  CommandLine line = with_url();
  line.duration = "3s";
  line.warmup = "1s";
  line.timeout = "250ms";
  line.ramp = "2s";
  line.arrival = "poisson";
  line.wait_max = "50us";
  RunConfig config;
  config.rate = 100;
  ASSERT_EQ(finish(line, config), "");
  EXPECT_EQ(config.url.port, 8080);
  EXPECT_EQ(config.url.target, "/x");
  EXPECT_EQ(config.duration, std::chrono::seconds(3));
  EXPECT_EQ(config.warmup, std::chrono::seconds(1));
  EXPECT_EQ(config.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(config.ramp, std::chrono::seconds(2));
  EXPECT_EQ(config.arrival, Arrival::kPoisson);
  EXPECT_EQ(config.wait_max, std::chrono::microseconds(50));
}

TEST(FinishConfig, DefaultDurationDependsOnTheMode) {
  RunConfig config;
  ASSERT_EQ(finish(with_url(), config), "");
  EXPECT_EQ(config.duration, std::chrono::seconds(10));
  RunConfig counted;
  counted.requests = 5;
  ASSERT_EQ(finish(with_url(), counted), "");
  EXPECT_EQ(counted.duration.count(), 0);  // -n alone: no time limit
  CommandLine self_check;
  self_check.self_check = true;
  RunConfig checked;
  ASSERT_EQ(finish(self_check, checked), "");
  EXPECT_EQ(checked.duration, std::chrono::seconds(5));
}

TEST(FinishConfig, UrlRequiredExceptForSelfCheck) {
  RunConfig config;
  EXPECT_EQ(finish(CommandLine{}, config), "a URL is required (see --help)");
  CommandLine line = with_url();
  line.self_check = true;
  EXPECT_EQ(finish(line, config), "--self-check runs against its own server: give no URL");
  line.self_check = false;
  line.urls = {"http://h/"};
  line.tls_options = true;  // e.g. --cacert with an http:// URL
  EXPECT_NE(finish(line, config).find("need an https:// URL"), std::string::npos);
}

TEST(FinishConfig, HttpsTurnsTlsOn) {
  RunConfig config;
  CommandLine line;
  line.urls = {"https://h/"};
  EXPECT_EQ(finish(line, config), "");
  EXPECT_TRUE(config.tls.enabled);
  EXPECT_EQ(config.url.port, 443);
  line.tls_version = "1.1";
  EXPECT_EQ(finish(line, config), "bad --tls-version '1.1' (1.2 or 1.3)");
  line.tls_version = "1.3";
  line.ktls = "maybe";
  EXPECT_EQ(finish(line, config), "bad --ktls 'maybe' (auto, on or off)");
  line.ktls = "off";
  config.tls.resume = 1.5;
  EXPECT_EQ(finish(line, config), "--tls-resume must be 0 to 1 (a share of handshakes)");
  config.tls.resume = 0.5;
  EXPECT_EQ(finish(line, config), "");
  EXPECT_EQ(config.tls.version, 13);
}

TEST(FinishConfig, EveryDurationMustParse) {
  const std::vector<std::pair<std::string CommandLine::*, const char*>> options = {
      {&CommandLine::duration, "--duration"},
      {&CommandLine::warmup, "--warmup"},
      {&CommandLine::timeout, "--timeout"},
      {&CommandLine::ramp, "--ramp"},
      {&CommandLine::wait_max, "--wait-max"}};
  for (const auto& [field, name] : options) {
    CommandLine line = with_url();
    line.*field = "10x";
    RunConfig config;
    EXPECT_EQ(finish(line, config).rfind(std::string("bad ") + name + " '10x'", 0), 0u) << name;
  }
  CommandLine line = with_url();
  line.duration = "0";
  RunConfig config;
  EXPECT_EQ(finish(line, config).rfind("bad --duration '0'", 0), 0u);
}

TEST(FinishConfig, ArrivalIsConstantOrPoisson) {
  CommandLine line = with_url();
  line.arrival = "uniform";
  RunConfig config;
  EXPECT_EQ(finish(line, config), "bad --arrival 'uniform' (constant or poisson)");
}

TEST(FinishConfig, CpuListMustParse) {
  CommandLine line = with_url();
  line.cpus = "0,,1";
  RunConfig config;
  EXPECT_EQ(finish(line, config), "bad --cpus '0,,1' (example: 0,2-3)");
}

TEST(FinishConfig, BodyOrBodyFileNotBoth) {
  CommandLine line = with_url();
  line.body_file = "/dev/null";
  RunConfig config;
  config.body = "x";
  EXPECT_EQ(finish(line, config), "give --body or --body-file, not both");
}

TEST(ReadBodyFile, ReadsTheWholeFile) {
  char path[] = "/tmp/ringfire-body-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  const std::string contents("{\"a\":1}\0\n", 9);
  ASSERT_EQ(write(fd, contents.data(), contents.size()), 9);
  close(fd);
  std::string body, error;
  EXPECT_TRUE(read_body_file(path, body, error)) << error;
  EXPECT_EQ(body, contents);
  std::remove(path);
  EXPECT_TRUE(read_body_file("/dev/null", body, error));
  EXPECT_EQ(body, "");
}

TEST(ReadBodyFile, UnreadableFileIsOneLineNamingIt) {
  std::string body, error;
  EXPECT_FALSE(read_body_file("/no/such/body.json", body, error));
  EXPECT_EQ(error, "cannot read --body-file '/no/such/body.json': No such file or directory");
  EXPECT_FALSE(read_body_file("/tmp", body, error));
  EXPECT_EQ(error, "cannot read --body-file '/tmp': Is a directory");
  EXPECT_FALSE(read_body_file("/dev/zero", body, error));  // endless: bounded, not a hang
  EXPECT_EQ(error, "cannot read --body-file '/dev/zero': larger than 16 MiB");
}

TEST(Plan, SplitsConnectionsRequestsAndRateEvenly) {
  RunConfig config;
  config.connections = 10;
  config.threads = 3;
  config.cpus = {0, 1};
  config.requests = 1000;
  config.rate = 300;
  const Plan plan = make_plan(config);
  ASSERT_EQ(plan.workers.size(), 3u);
  uint32_t connections = 0;
  uint64_t requests = 0;
  double rate = 0;
  for (const WorkerPlan& w : plan.workers) {
    connections += w.connections;
    requests += w.requests;
    rate += w.rate;
    EXPECT_TRUE(w.limited);
  }
  EXPECT_EQ(connections, 10u);
  EXPECT_EQ(requests, 1000u);
  EXPECT_DOUBLE_EQ(rate, 300);
  EXPECT_EQ(plan.workers[0].connections, 4u);
  EXPECT_EQ(plan.workers[2].cpu, 0);  // CPUs are reused round-robin
  EXPECT_EQ(plan.workers[1].first_connection, 4u);
}

TEST(Plan, NeverMoreThreadsThanConnectionsOrRequests) {
  RunConfig config;
  config.connections = 2;
  config.threads = 8;
  EXPECT_EQ(make_plan(config).workers.size(), 2u);
  config.connections = 100;
  config.requests = 3;
  EXPECT_EQ(make_plan(config).workers.size(), 3u);
}

// One URL is a scenario of one label (single_url_scenario), rendered once by RequestMix: the
// method, target, -H headers and body as given, Host and Content-Length added.
RequestMix single_url_mix(const RunConfig& config) {
  RequestMix mix;
  std::string error;
  MixOptions options;
  options.depth = config.pipeline;
  EXPECT_TRUE(RequestMix::build(single_url_scenario(config), config.url, options, mix, error))
      << error;
  return mix;
}

std::string text(std::span<const char> bytes) {
  return {bytes.begin(), bytes.end()};
}

TEST(SingleUrlRequest, RendersOnceAndBatches) {
  RunConfig config;
  config.url.target = "/a?b=1";
  config.url.host_header = "example.test:8080";
  config.method = "POST";
  config.headers = {"X-Test: 1", "Content-Length: 7"};  // validate() checked it matches
  config.body = "{\"a\":1}";
  config.pipeline = 3;
  const RequestMix mix = single_url_mix(config);
  ASSERT_TRUE(mix.is_static());
  const std::string one = text(mix.static_batch(1));
  EXPECT_EQ(one,
            "POST /a?b=1 HTTP/1.1\r\nHost: example.test:8080\r\nX-Test: 1\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
  EXPECT_EQ(mix.static_batch(3).size(), one.size() * 3);
  EXPECT_EQ(text(mix.static_batch(2)), one + one);
}

TEST(SingleUrlRequest, UserHostHeaderWins) {
  RunConfig config;
  config.url.target = "/";
  config.url.host_header = "a";
  config.headers = {"host: b"};
  EXPECT_EQ(text(single_url_mix(config).static_batch(1)), "GET / HTTP/1.1\r\nhost: b\r\n\r\n");
}

}  // namespace
}  // namespace ringfire
