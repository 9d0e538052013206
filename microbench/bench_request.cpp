// Cost of choosing the bytes of a (pipelined) request on the hot path: a span into a buffer
// rendered once before the run. It should be a couple of nanoseconds: that is the point of
// rendering requests ahead of time. Rendering itself is measured too, to show what that saves.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>

#include "ringfire/run/config.hpp"
#include "ringfire/scenario/request_mix.hpp"

namespace {

ringfire::RunConfig config_with_pipeline(uint32_t depth) {
  ringfire::RunConfig config;
  config.url.target = "/";
  config.url.host_header = "127.0.0.1:8080";
  config.pipeline = depth;
  return config;
}

// One URL's requests, rendered once: a one-label RequestMix of `depth` contiguous copies.
ringfire::RequestMix single_url_mix(const ringfire::RunConfig& config) {
  ringfire::RequestMix mix;
  ringfire::MixOptions options;
  options.depth = config.pipeline;
  std::string error;
  ringfire::RequestMix::build(ringfire::single_url_scenario(config), config.url, options, mix,
                              error);
  return mix;
}

// static_batch(n) for n cycling over 1..depth, as a pipelined connection refills what has
// completed.
void BM_RequestBatch(benchmark::State& state) {
  const auto depth = static_cast<uint32_t>(state.range(0));
  const ringfire::RequestMix mix = single_url_mix(config_with_pipeline(depth));
  uint32_t n = 1;
  for (auto _ : state) {
    auto span = mix.static_batch(n);
    benchmark::DoNotOptimize(span.data());
    benchmark::DoNotOptimize(span.size());
    n = n == depth ? 1 : n + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RequestBatch)->Arg(1)->Arg(10)->Arg(64);

// What the hot path avoids: rendering the request (done once per run, never per request).
void BM_RenderRequest(benchmark::State& state) {
  const ringfire::RunConfig config = config_with_pipeline(1);
  for (auto _ : state) benchmark::DoNotOptimize(single_url_mix(config).max_size());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RenderRequest);

}  // namespace
