#include <gtest/gtest.h>

#include "ringfire/config.hpp"
#include "ringfire/plan.hpp"
#include "ringfire/request.hpp"

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

TEST(RequestBytes, RendersOnceAndBatches) {
  RunConfig config;
  config.url.target = "/a?b=1";
  config.url.host_header = "example.test:8080";
  config.method = "POST";
  config.headers = {"X-Test: 1"};
  config.body = "{\"a\":1}";
  config.pipeline = 3;
  const RequestBytes r(config);
  const std::string one(r.one().begin(), r.one().end());
  EXPECT_EQ(one,
            "POST /a?b=1 HTTP/1.1\r\nHost: example.test:8080\r\nX-Test: 1\r\n"
            "Content-Length: 7\r\n\r\n{\"a\":1}");
  EXPECT_EQ(r.batch(3).size(), one.size() * 3);
  EXPECT_EQ(std::string(r.batch(2).begin(), r.batch(2).end()), one + one);
}

TEST(RequestBytes, UserHostHeaderWins) {
  RunConfig config;
  config.url.target = "/";
  config.url.host_header = "a";
  config.headers = {"host: b"};
  EXPECT_EQ(render_request(config), "GET / HTTP/1.1\r\nhost: b\r\n\r\n");
}

}  // namespace
}  // namespace ringfire
