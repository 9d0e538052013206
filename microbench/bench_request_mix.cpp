// What a scenario costs per request on the hot path: RequestMix::pick() + write() (a weighted
// label, a uniform variant, a copy of its pooled bytes and the {seq} patches) for each kind of
// placeholder, against the static batch a single-URL run sends. Random values ({rand}, {choice},
// {line}, {uuid}) are drawn before the run, so they all cost the same: a pick and a copy; only
// {seq} adds work (its digits). {line} is not listed: it is pooled exactly as {choice} is.
#include <benchmark/benchmark.h>

#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "ringfire/scenario/request_mix.hpp"

namespace {

using ringfire::RequestMix;

struct Case {
  const char* name;
  std::vector<std::pair<const char*, double>> targets;  // path template, weight
  const char* body;
};

const Case kCases[] = {
    {"literal", {{"/", 1}}, ""},
    {"rand", {{"/fib/{rand:10:1000}", 1}}, ""},
    {"choice", {{"/{choice:alpha,beta,gamma}", 1}}, ""},
    {"uuid", {{"/u/{uuid}", 1}}, ""},
    {"seq", {{"/rows/{seq:1000000}", 1}}, ""},
    {"seq_path_and_body", {{"/rows/{seq}", 1}}, "{{\"id\": {seq}, \"n\": {rand:1:9}}}"},
    {"3_labels_rand_choice",
     {{"/fib/{rand:10:30}?v={choice:a,b}", 1},
      {"/prime/{rand:1:100000}?v={choice:a,b}", 2},
      {"/api/v2/{rand:100000000:999999999}/{choice:x,y,z}", 7}},
     ""},
};

RequestMix build(const Case& c, uint32_t depth) {
  ringfire::Scenario scenario;
  std::string error;
  for (const auto& [target, weight] : c.targets) {
    ringfire::RequestSpec& spec = scenario.requests.emplace_back();
    spec.label = target;
    spec.method = *c.body ? "POST" : "GET";
    spec.weight = weight;
    if (!ringfire::parse_template(target, "", spec.target, error) ||
        !ringfire::parse_template(c.body, "", spec.body, error)) {
      throw std::runtime_error(error);
    }
  }
  ringfire::Url url;
  url.host = "127.0.0.1";
  url.port = 8080;
  url.host_header = "127.0.0.1:8080";
  ringfire::MixOptions options;
  options.depth = depth;
  RequestMix mix;
  if (!RequestMix::build(scenario, url, options, mix, error)) throw std::runtime_error(error);
  return mix;
}

// The single-URL path: a span into n contiguous preformatted copies, nothing copied.
void BM_StaticBatch(benchmark::State& state) {
  const RequestMix mix = build(kCases[0], 16);
  for (auto _ : state) {
    auto span = mix.static_batch(1);
    benchmark::DoNotOptimize(span.data());
    benchmark::DoNotOptimize(span.size());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StaticBatch);

// pick() + write() into a send buffer, as a worker fills a pipelined batch of 16.
void BM_PickWrite(benchmark::State& state) {
  const Case& c = kCases[state.range(0)];
  RequestMix mix = build(c, 16);
  std::vector<char> batch(mix.max_size() * 16);
  size_t at = 0;
  int in_batch = 0;
  for (auto _ : state) {
    const RequestMix::Pick p = mix.pick();
    mix.write(p, batch.data() + at);
    at += mix.bytes(p).size();
    if (++in_batch == 16) {
      benchmark::DoNotOptimize(batch.data());
      benchmark::ClobberMemory();
      at = 0;
      in_batch = 0;
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(c.name);
}
BENCHMARK(BM_PickWrite)->DenseRange(0, static_cast<int>(std::size(kCases)) - 1);

// pick() + bytes() without a copy: what a label without {seq} can send from its pool directly.
void BM_PickOnly(benchmark::State& state) {
  const Case& c = kCases[state.range(0)];
  RequestMix mix = build(c, 16);
  for (auto _ : state) {
    auto span = mix.bytes(mix.pick());
    benchmark::DoNotOptimize(span.data());
    benchmark::DoNotOptimize(span.size());
  }
  state.SetItemsProcessed(state.iterations());
  state.SetLabel(c.name);
}
BENCHMARK(BM_PickOnly)->Arg(1)->Arg(6);

// A {seq} field's digits alone (12 wide, the default width).
void BM_WriteDigits(benchmark::State& state) {
  char field[20];
  uint64_t value = 1000000;
  for (auto _ : state) {
    RequestMix::write_digits(field, static_cast<uint32_t>(state.range(0)), value++);
    benchmark::DoNotOptimize(field);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_WriteDigits)->Arg(12)->Arg(19);

}  // namespace
