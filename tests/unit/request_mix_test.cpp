#include "ringfire/scenario/request_mix.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "chi_squared.hpp"

namespace ringfire {
namespace {

RequestTemplate tpl(const std::string& text) {
  RequestTemplate t;
  std::string error;
  EXPECT_TRUE(parse_template(text, "", t, error)) << text << ": " << error;
  return t;
}

RequestSpec spec(const std::string& label, const std::string& method, const std::string& target,
                 const std::string& body = "", double weight = 1) {
  RequestSpec s;
  s.label = label;
  s.method = method;
  s.target = tpl(target);
  s.body = tpl(body);
  s.weight = weight;
  return s;
}

Url local_url() {
  Url url;
  url.host = "127.0.0.1";
  url.port = 8080;
  url.target = "/";
  url.host_header = "127.0.0.1:8080";
  return url;
}

RequestMix built(const Scenario& scenario, const MixOptions& options = {}) {
  RequestMix mix;
  std::string error;
  EXPECT_TRUE(RequestMix::build(scenario, local_url(), options, mix, error)) << error;
  return mix;
}

std::string text(std::span<const char> s) {
  return std::string(s.data(), s.size());
}

// The written request (with its {seq} fields patched).
std::string written(RequestMix& mix, RequestMix::Pick p) {
  std::string out(mix.bytes(p).size(), '\0');
  mix.write(p, out.data());
  return out;
}

// A request split as a server reads it: the head, the Content-Length value ("" if none), the body.
struct Parsed {
  std::string head;
  std::string content_length;
  std::string body;
};

Parsed parse(const std::string& request) {
  Parsed p;
  const size_t end = request.find("\r\n\r\n");
  EXPECT_NE(end, std::string::npos) << request;
  p.head = request.substr(0, end + 2);
  p.body = request.substr(end + 4);
  const size_t cl = p.head.find("\r\nContent-Length: ");
  if (cl != std::string::npos) {
    const size_t from = cl + 18;
    p.content_length = p.head.substr(from, p.head.find("\r\n", from) - from);
  }
  return p;
}

TEST(RequestMix, RendersRequestLineHostHeadersAndContentLength) {
  Scenario s;
  s.requests.push_back(spec("get", "GET", "/a?x=1"));
  s.requests.push_back(spec("post", "POST", "/p", "{{\"k\": 1}}"));
  s.requests.push_back(spec("empty-post", "POST", "/e"));
  s.requests.push_back(spec("head", "HEAD", "/h"));
  s.requests.back().headers.push_back({"Host", tpl("other.test")});
  s.requests.back().headers.push_back({"X-Id", tpl("{rand:5:5}")});
  const RequestMix mix = built(s);
  ASSERT_EQ(mix.labels(), 4u);
  EXPECT_EQ(text(mix.bytes({0, 0})), "GET /a?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n");
  EXPECT_EQ(text(mix.bytes({1, 0})),
            "POST /p HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 8\r\n\r\n{\"k\": 1}");
  EXPECT_EQ(text(mix.bytes({2, 0})),
            "POST /e HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(text(mix.bytes({3, 0})), "HEAD /h HTTP/1.1\r\nHost: other.test\r\nX-Id: 5\r\n\r\n");
  EXPECT_EQ(mix.label(1), "post");
  EXPECT_FALSE(mix.head(0));
  EXPECT_TRUE(mix.head(3));
  EXPECT_EQ(mix.variants(0), 1u);  // literal: one variant
  EXPECT_EQ(mix.variants(3), 4096u);
  EXPECT_FALSE(mix.is_static());
  EXPECT_FALSE(mix.has_patches());
}

TEST(RequestMix, ContentLengthIsRightForEveryVariant) {
  Scenario s;
  s.requests.push_back(spec("json", "POST", "/users/{rand:1:100000}",
                            "{{\"id\": {rand:0:18446744073709551615}, \"name\": "
                            "\"{choice:a,bb,cccccccc}\", \"u\": \"{uuid}\", \"n\": {seq}}}"));
  MixOptions options;
  options.variants = 500;
  RequestMix mix = built(s, options);
  ASSERT_EQ(mix.variants(0), 500u);
  std::set<size_t> sizes;
  for (uint32_t v = 0; v < 500; ++v) {
    const Parsed p = parse(written(mix, {0, v}));
    EXPECT_EQ(p.content_length, std::to_string(p.body.size())) << p.head;
    EXPECT_EQ(p.body.front(), '{');
    EXPECT_EQ(p.body.back(), '}');
    sizes.insert(p.body.size());
  }
  EXPECT_GT(sizes.size(), 3u);  // the bodies do differ in length
}

TEST(RequestMix, RandomValuesOfThePoolStayInRange) {
  Scenario s;
  s.requests.push_back(spec("fib", "GET", "/fib/{rand:10:30}"));
  RequestMix mix = built(s);
  std::set<int> seen;
  for (uint32_t v = 0; v < mix.variants(0); ++v) {
    const std::string head = parse(text(mix.bytes({0, v}))).head;
    const int n = std::stoi(head.substr(9));
    ASSERT_GE(n, 10);
    ASSERT_LE(n, 30);
    seen.insert(n);
  }
  EXPECT_EQ(seen.size(), 21u);
}

TEST(RequestMix, StaticBatchIsContiguousCopies) {
  Scenario s;
  s.requests.push_back(spec("only", "GET", "/"));
  MixOptions options;
  options.depth = 8;
  RequestMix mix = built(s, options);
  ASSERT_TRUE(mix.is_static());
  const std::string one = text(mix.bytes(mix.pick()));
  EXPECT_EQ(mix.max_size(), one.size());
  for (uint32_t n = 1; n <= 8; ++n) {
    std::string expected;
    for (uint32_t i = 0; i < n; ++i) expected += one;
    EXPECT_EQ(text(mix.static_batch(n)), expected);
  }
  EXPECT_EQ(mix.static_batch(9).size(), 8 * one.size());  // never past the batch
}

TEST(RequestMix, SeqIsUniqueAcrossWorkersAndIncreasingWithinOne) {
  Scenario s;
  s.requests.push_back(spec("create", "POST", "/rows/{seq:1000}", "{{\"id\": {seq:1000}}}"));
  s.requests.push_back(spec("plain", "GET", "/"));
  constexpr uint32_t kWorkers = 4;
  std::set<uint64_t> all;
  for (uint32_t w = 0; w < kWorkers; ++w) {
    MixOptions options;
    options.worker = w;
    options.workers = kWorkers;
    RequestMix mix = built(s, options);
    ASSERT_FALSE(mix.is_static());
    ASSERT_TRUE(mix.has_patches());
    ASSERT_EQ(mix.variants(0), 1u);  // {seq} alone needs no pool
    uint64_t k = 0;
    for (int i = 0; i < 1000; ++i) {
      const RequestMix::Pick p = mix.pick();
      const std::string r = written(mix, p);
      if (!mix.needs_patch(p)) {
        EXPECT_EQ(r, text(mix.bytes(p)));
        continue;
      }
      const Parsed parsed = parse(r);
      const uint64_t in_path = std::stoull(parsed.head.substr(11, 12));
      const uint64_t in_body = std::stoull(parsed.body.substr(7, 12));
      EXPECT_EQ(in_path, 1000 + w + k * kWorkers);
      EXPECT_EQ(in_body, in_path);  // one request's fields share its number
      EXPECT_EQ(parsed.content_length, std::to_string(parsed.body.size()));
      EXPECT_TRUE(all.insert(in_path).second) << in_path;
      ++k;
    }
    EXPECT_GT(k, 300u);
  }
}

// --shard I/N: shards with different worker counts never write the same {seq}, and the values of
// all their workers together are START + 0, 1, 2, ... with no gap (the global index).
TEST(RequestMix, SeqIsUniqueAcrossShards) {
  Scenario s;
  s.requests.push_back(spec("create", "POST", "/rows/{seq:1000}"));
  const std::vector<uint32_t> workers_per_shard = {1, 3, 2};
  const auto shards = static_cast<uint32_t>(workers_per_shard.size());
  std::set<uint64_t> all;
  constexpr uint64_t kEach = 60;  // writes per worker: 6 workers, 360 values
  for (uint32_t i = 0; i < shards; ++i) {
    for (uint32_t w = 0; w < workers_per_shard[i]; ++w) {
      MixOptions options;
      options.shard = i;
      options.shards = shards;
      options.worker = w;
      options.workers = workers_per_shard[i];
      RequestMix mix = built(s, options);
      for (uint64_t k = 0; k < kEach * 6 / (shards * workers_per_shard[i]); ++k) {
        const std::string r = written(mix, mix.pick());
        const uint64_t value = std::stoull(parse(r).head.substr(11, 12));
        EXPECT_EQ(value, 1000 + i + shards * w + k * shards * workers_per_shard[i]);
        EXPECT_TRUE(all.insert(value).second) << value;
      }
    }
  }
  EXPECT_EQ(*all.begin(), 1000u);
}

TEST(RequestMix, WriteDigitsPadsAndKeepsTheLowDigits) {
  char buf[12];
  RequestMix::write_digits(buf, 12, 1234567);
  EXPECT_EQ(std::string(buf, 12), "000001234567");
  RequestMix::write_digits(buf, 5, 1234567);  // past the width: the low digits
  EXPECT_EQ(std::string(buf, 5), "34567");
  RequestMix::write_digits(buf, 12, 999999999999);
  EXPECT_EQ(std::string(buf, 12), "999999999999");
  char wide[20];
  RequestMix::write_digits(wide, 20, UINT64_MAX);
  EXPECT_EQ(std::string(wide, 20), "18446744073709551615");
  RequestMix::write_digits(wide, 19, 1000000000000000000);
  EXPECT_EQ(std::string(wide, 19), "1000000000000000000");
  RequestMix::write_digits(wide, 18, 1000000000000000000);
  EXPECT_EQ(std::string(wide, 18), "000000000000000000");
  RequestMix::write_digits(wide, 17, 12345678901234567);
  EXPECT_EQ(std::string(wide, 17), "12345678901234567");
  RequestMix::write_digits(wide, 1, 7);
  EXPECT_EQ(std::string(wide, 1), "7");
}

TEST(RequestMix, LabelsAreChosenByWeight) {
  Scenario s;
  s.requests.push_back(spec("a", "GET", "/a", "", 1));
  s.requests.push_back(spec("b", "GET", "/b", "", 2));
  s.requests.push_back(spec("c", "GET", "/c", "", 7));
  RequestMix mix = built(s);
  std::vector<uint64_t> bins(3, 0);
  for (int i = 0; i < 100000; ++i) ++bins[mix.pick().label];
  EXPECT_LT(chi_squared(bins, {1, 2, 7}), kChi2Critical001[2]);
}

TEST(RequestMix, VariantsAreChosenUniformly) {
  Scenario s;
  s.requests.push_back(spec("r", "GET", "/{rand:1:1000000}"));
  MixOptions options;
  options.variants = 16;
  RequestMix mix = built(s, options);
  std::vector<uint64_t> bins(16, 0);
  for (int i = 0; i < 32000; ++i) ++bins[mix.pick().variant];
  EXPECT_LT(chi_squared(bins, std::vector<double>(16, 1.0)), kChi2Critical001[15]);
}

TEST(RequestMix, PoolsStayWithinTheByteCap) {
  Scenario s;
  const std::string big(1000, 'x');
  s.requests.push_back(spec("big", "POST", "/big", big + "{rand:0:9}"));
  s.requests.push_back(spec("small", "GET", "/s/{rand:0:9}"));
  MixOptions options;
  options.max_pool_bytes = 400000;
  RequestMix mix = built(s, options);
  EXPECT_LE(mix.pool_bytes(), options.max_pool_bytes);
  EXPECT_EQ(mix.variants(1), 4096u);  // the small label gets its whole pool (4096 * 43 bytes)...
  // ...the big one what is left: (400000 - 1110 - 4095 * 43) / 1067 = 208 more than its first.
  EXPECT_EQ(mix.variants(0), 209u);
  EXPECT_EQ(mix.max_size(), mix.bytes({0, 0}).size());

  options.max_pool_bytes = 1500;  // room for one big request and a few small ones
  mix = built(s, options);
  EXPECT_EQ(mix.variants(0), 1u);
  EXPECT_LE(mix.pool_bytes(), 1500u);

  s.requests.push_back(spec("big2", "POST", "/big2", big));
  std::string error;
  EXPECT_FALSE(RequestMix::build(s, local_url(), options, mix, error));
  EXPECT_EQ(error,
            "one request of each label takes 2177 bytes, more than the pool limit of 1500 bytes "
            "(the largest, 'big', takes 1067)");
}

TEST(RequestMix, SameSeedRepeatsTheRunAnotherDoesNot) {
  Scenario s;
  s.requests.push_back(spec("a", "GET", "/a/{rand:0:1000000}/{uuid}", "", 1));
  s.requests.push_back(spec("b", "GET", "/b/{choice:x,y,z}", "", 3));
  const auto sequence = [&](uint64_t seed, uint32_t worker) {
    MixOptions options;
    options.seed = seed;
    options.worker = worker;
    options.workers = 2;
    RequestMix mix = built(s, options);
    std::string all;
    for (int i = 0; i < 200; ++i) all += written(mix, mix.pick());
    return all;
  };
  EXPECT_EQ(sequence(5, 0), sequence(5, 0));
  EXPECT_NE(sequence(5, 0), sequence(6, 0));
  EXPECT_NE(sequence(5, 0), sequence(5, 1));
}

TEST(RequestMix, BadOptionsAreErrors) {
  Scenario s;
  RequestMix mix;
  std::string error;
  EXPECT_FALSE(RequestMix::build(s, local_url(), {}, mix, error));
  EXPECT_EQ(error, "the scenario has no requests");
  s.requests.push_back(spec("a", "GET", "/"));
  MixOptions options;
  options.worker = 2;
  options.workers = 2;
  EXPECT_FALSE(RequestMix::build(s, local_url(), options, mix, error));
  EXPECT_EQ(error, "worker 2 of 2 does not exist");
}

}  // namespace
}  // namespace ringfire
