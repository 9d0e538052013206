#include "ringfire/run/run.hpp"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>

#include <memory>
#include <thread>

#include "ringfire/base/clock.hpp"
#include "ringfire/engine/worker.hpp"
#include "ringfire/machine/sysmon_server.hpp"
#include "ringfire/result/merge.hpp"
#include "ringfire/run/plan.hpp"
#include "ringfire/scenario/request_mix.hpp"

namespace ringfire {

namespace {

// One worker's figures as a result of their own (one worker, no source): the run merges them
// with merge() (result/merge.hpp), as files of several machines are merged.
Result partial_result(const RunConfig& config, const RunMarks& marks, double start_wall, int cpu,
                      const WorkerResult& r) {
  const LedgerResult& q = r.requests;
  Result p;
  p.config = config;
  p.workers = 1;
  p.worker_cpus = {cpu};
  p.measured = q.measured;
  p.warmup = q.warmup;
  p.latency = q.latency;
  p.service = q.service;
  p.start_wall = start_wall;
  p.seconds.resize(q.seconds.size());
  for (size_t i = 0; i < q.seconds.size(); ++i) {
    p.seconds[i].stats = q.seconds[i];
    p.seconds[i].wall = start_wall + static_cast<double>(i);
  }
  // Per label: a run that did not count labels apart has one, the totals.
  const std::vector<RequestSpec>& specs = config.scenario.requests;
  p.labels_kept = keeps_labels(config.scenario);
  p.labels.resize(p.labels_kept ? specs.size() : 1);
  for (size_t l = 0; l < p.labels.size(); ++l) {
    LabelSummary& s = p.labels[l];
    s.label = l < specs.size() ? specs[l].label : config.url.target;
    if (!p.labels_kept) {
      s.counters = q.measured;
      s.latency = q.latency;
    } else if (l < q.labels.size()) {
      s.counters = q.labels[l].counters;
      s.latency = q.labels[l].latency;
    }
  }
  p.schedule.send_lag = q.send_lag;
  p.schedule.late = q.late;
  p.schedule.backlog = r.backlog;
  p.schedule.busy_rounds = r.busy_rounds;
  p.schedule.max_backlog = r.max_backlog;
  p.last_response_ns = q.last_response_ns;
  p.connections_at_measure_start = r.connections_at_measure_start;
  p.pipelining_stopped = r.pipelining_stopped;
  p.http2 = r.http2;
  p.connections = r.connections;
  p.tls = r.tls;
  p.wakeups = r.wakeups;
  p.cqes = r.cqes;
  p.full_sq_submits = r.full_sq_submits;
  p.stalled = r.stalled;
  p.error = r.error;
  p.features = r.features;
  p.start_ns = marks.start_ns;
  const uint64_t end_ns = std::max(marks.measure_start_ns, r.measured_end_ns);
  p.measured_seconds = static_cast<double>(end_ns - marks.measure_start_ns) * 1e-9;
  return p;
}

// Each worker's preformatted requests. A batch that cannot go straight from a pool is written
// into its connection's slot (worker.hpp): refuse a run whose slots would not fit in memory.
std::string build_mixes(const RunConfig& config, const Plan& plan, std::vector<RequestMix>& mixes) {
  constexpr size_t kMaxSlotBytes = size_t{1} << 30;
  for (size_t i = 0; i < mixes.size(); ++i) {
    MixOptions options;
    options.variants = config.variants;
    options.seed = config.seed;
    options.worker = static_cast<uint32_t>(i);
    options.workers = static_cast<uint32_t>(mixes.size());
    options.shard = config.shard.index;
    options.shards = config.shard.count;
    options.depth = config.pipeline;
    std::string error;
    if (!RequestMix::build(config.scenario, config.url, options, mixes[i], error)) return error;
    const RequestMix& m = mixes[i];
    const size_t slots = m.max_size() * config.pipeline * plan.workers[i].connections;
    if (!m.is_static() && (config.pipeline > 1 || m.has_patches()) && slots > kMaxSlotBytes) {
      return "the requests need " + std::to_string(slots >> 20) +
             " MiB of send buffers per worker (largest request " + std::to_string(m.max_size()) +
             " bytes x pipeline x connections): lower --pipeline, -c or the body size";
    }
  }
  return {};
}

// Open loop: was the schedule kept, and why not (schedule_verdict.hpp)?
void judge_schedule(Result& result) {
  ScheduleStats& s = result.schedule;
  if (result.config.closed_loop()) return;
  // A shard requested its share of the one schedule (every N-th request).
  s.requested_rate = result.config.rate / result.config.shard.count;
  s.due = result.measured.sent + s.backlog;
  s.achieved_rate = result.measured_seconds > 0
                        ? static_cast<double>(result.measured.sent) / result.measured_seconds
                        : 0;
  const ScheduleVerdict v = ringfire::judge_schedule(schedule_facts(result));
  s.kept = v.kept;
  s.reason = v.reason;
}

// What the client verdict needs besides the machine samples.
RunFacts run_facts(const Result& result, const Plan& plan, ServerUsage server) {
  RunFacts facts;
  facts.workers = static_cast<int>(result.workers);
  facts.requests_per_s = result.requests_per_second();
  facts.worker_cpus = result.worker_cpus;
  facts.usable_cpus = static_cast<int>(plan.usable_cpus);
  facts.read_errors = result.measured.error(ErrorClass::kRead);
  facts.connect_errors = result.measured.connect_errors();
  facts.server = std::move(server);
  if (result.tls.enabled) {
    facts.tls = true;
    // A TLS connection is counted connected when its handshake is done: these are handshakes.
    if (result.measured_seconds > 0) {
      facts.handshakes_per_s =
          static_cast<double>(result.measured.connects) / result.measured_seconds;
    }
    const uint64_t all = result.tls.handshakes();
    if (all > 0)
      facts.resumed_share = static_cast<double>(result.tls.resumed) / static_cast<double>(all);
  }
  return facts;
}

void sleep_until(uint64_t t) {
  timespec ts{static_cast<time_t>(t / 1'000'000'000), static_cast<long>(t % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

// The progress line's feed: the sink (empty: no line) and one snapshot per worker.
struct LiveFeed {
  const ProgressSink& sink;
  const LiveSnapshot* snapshots = nullptr;
  size_t workers = 0;
};

// How long the main thread waits after a second's boundary for every worker to close that
// second: a busy worker does within microseconds (its next event closes it); an idle one may not
// at all, and its figures then count from the next line on.
constexpr uint64_t kLiveWaitNs = 50'000'000;

// Warm-up and ramp: the times only (the ledger publishes measured seconds).
void tell_warmup(const LiveFeed& live, const RunMarks& marks, uint64_t now) {
  LiveView view;
  view.warming_up = true;
  view.elapsed_s = static_cast<double>(now - marks.start_ns) * 1e-9;
  view.total_s = static_cast<double>(marks.measure_start_ns - marks.start_ns) * 1e-9;
  live.sink(view);
}

// Measured second `second` ended; `delta` is its machine sample.
void tell_second(const LiveFeed& live, const RunConfig& config, const RunMarks& marks,
                 uint64_t second, const Delta& delta) {
  const uint64_t deadline = now_ns() + kLiveWaitNs;
  const auto all_closed = [&] {
    for (size_t w = 0; w < live.workers; ++w) {
      if (live.snapshots[w].seconds() <= second) return false;
    }
    return true;
  };
  while (!all_closed() && now_ns() < deadline) usleep(1000);
  LiveView view;
  view.elapsed_s = static_cast<double>(now_ns() - marks.measure_start_ns) * 1e-9;
  view.total_s = static_cast<double>(config.duration.count()) * 1e-9;
  view.requests = config.requests;
  view.tls = config.tls.enabled;
  for (const WorkerDelta& w : delta.workers) {
    if (w.ok) view.busiest_worker_cpu = std::max(view.busiest_worker_cpu, w.busy);
  }
  merge_live(live.snapshots, live.workers, second, view);
  live.sink(view);
}

// The main thread's job while the workers run: one machine sample per measured second (it is not
// pinned to a worker's CPU), and a last one when every worker has finished but before their
// threads exit. The deltas line up with the per-second series of the workers.
void watch(const RunConfig& config, const RunMarks& marks,
           const std::vector<std::unique_ptr<Worker>>& workers,
           const std::atomic<uint32_t>& finished, ServerProbe& server, ServerUsage& server_usage,
           const LiveFeed& live, Result& result) {
  const auto all_done = [&] { return finished.load(std::memory_order_acquire) == workers.size(); };
  std::vector<pid_t> tids;
  for (const auto& w : workers) {
    while (w->tid() == 0 && !all_done()) usleep(100);
    tids.push_back(w->tid());
  }
  Sampler sampler(config.endpoint.addr, tids);
  // Wait for the measured window, then sample at each second boundary of it.
  uint64_t tick = marks.start_ns + 1'000'000'000;  // the warm-up's progress lines
  while (!all_done() && now_ns() < marks.measure_start_ns) {
    sleep_until(std::min({marks.measure_start_ns, now_ns() + 10'000'000, tick}));
    if (const uint64_t now = now_ns(); live.sink && now >= tick && now < marks.measure_start_ns) {
      tell_warmup(live, marks, now);
      tick += 1'000'000'000;
    }
  }
  if (all_done()) return;
  if (config.start_at > 0) {
    // The actual start: this machine's wall clock read as the main thread woke for the instant,
    // so it holds how late this process got there (a busy or throttled CPU) and any step of the
    // clock since the launch; the shards' start skew is computed from it (ringfire merge). (The
    // mark converted back would only repeat the intended time.)
    result.start_wall = wall_seconds();
  }
  Sample previous = sampler.take();
  server.start();
  Sample current;
  uint64_t next = marks.measure_start_ns + 1'000'000'000;
  while (true) {
    while (!all_done() && now_ns() < next) sleep_until(std::min(next, now_ns() + 10'000'000));
    sampler.take(current);
    result.client.push_back(Sampler::diff(previous, current));
    std::swap(previous, current);
    if (all_done()) break;
    // Not after the window's last second: the workers are stopping and the report follows.
    const uint64_t second = result.client.size() - 1;
    if (live.sink && (marks.stop_ns == 0 || next < marks.stop_ns)) {
      tell_second(live, config, marks, second, result.client.back());
    }
    next += 1'000'000'000;
  }
  server_usage = server.finish();
}

}  // namespace

Result run(const RunConfig& config, std::atomic<bool>& stop, const ProgressSink& progress) {
  Result result;
  result.config = config;
  const Plan plan = make_plan(config);
  if (const std::string warning = oversubscription_warning(plan); !warning.empty()) {
    std::fprintf(stderr, "ringfire: warning: %s\n", warning.c_str());
  }
  std::vector<RequestMix> mixes(plan.workers.size());
  if (std::string error = build_mixes(config, plan, mixes); !error.empty()) {
    result.error = error;
    return result;
  }
  // A scan of every process's fds (~20 ms, longer on a starved CPU): before the clock marks, so
  // it delays the run instead of shortening it.
  ServerProbe server(config.endpoint.addr);
  ServerUsage server_usage;

  RunMarks marks;
  marks.start_ns = now_ns();
  const double wall_at_start = wall_seconds();
  // Timeline: [ramp][warm-up][measured duration]; --include-ramp measures the ramp too.
  const uint64_t ramp = config.include_ramp ? 0 : static_cast<uint64_t>(config.ramp.count());
  const uint64_t lead = ramp + static_cast<uint64_t>(config.warmup.count());
  marks.measure_start_ns = marks.start_ns + lead;
  if (config.start_at > 0) {
    // --start-at: the window begins at that wall-clock instant, on every shard; the schedule's
    // origin is the same instant less the lead (it may have passed: see the worker's pacer).
    const double ahead_s = config.start_at - wall_at_start;
    if (ahead_s <= 0) {
      result.error = "--start-at is " + std::to_string(-ahead_s) +
                     " s in the past: give a later time (connections and warm-up run before it)";
      return result;
    }
    marks.measure_start_ns = marks.start_ns + static_cast<uint64_t>(std::llround(ahead_s * 1e9));
    marks.schedule_ns = marks.measure_start_ns > lead ? marks.measure_start_ns - lead : 1;
  }
  marks.stop_ns = config.duration.count() > 0
                      ? marks.measure_start_ns + static_cast<uint64_t>(config.duration.count())
                      : 0;
  marks.stop = &stop;
  std::atomic<uint32_t> finished{0};
  std::atomic<bool> release{false};
  marks.finished = &finished;
  marks.release = &release;
  // The progress line's snapshots: only when there is a line (the ledger skips a null one).
  std::unique_ptr<LiveSnapshot[]> snapshots;
  if (progress) snapshots = std::make_unique<LiveSnapshot[]>(plan.workers.size());
  marks.live = snapshots.get();
  const LiveFeed live{progress, snapshots.get(), progress ? plan.workers.size() : 0};
  result.start_wall =
      wall_at_start + static_cast<double>(marks.measure_start_ns - marks.start_ns) * 1e-9;

  std::vector<std::unique_ptr<Worker>> workers;
  const WorkerConfig worker_settings = worker_config(config);
  for (const WorkerPlan& wp : plan.workers) {
    workers.push_back(make_worker(worker_settings, wp, mixes[workers.size()], marks));
  }
  // Workers never take signals: the main thread's handler sets `stop`, which they poll.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &previous);
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  watch(config, marks, workers, finished, server, server_usage, live, result);
  release.store(true, std::memory_order_release);
  for (std::thread& t : threads) t.join();

  Result merged;
  for (size_t i = 0; i < workers.size(); ++i) {
    merge(merged, partial_result(config, marks, result.start_wall, plan.workers[i].cpu,
                                 workers[i]->result()));
  }
  merged.client = std::move(result.client);
  result = std::move(merged);
  result.interrupted = stop.load();
  Source source;
  source.host = host_name();
  source.start_wall = result.start_wall;
  source.end_wall = result.start_wall + result.measured_seconds;
  source.intended_start_wall = config.start_at;
  source.shard = config.shard;
  source.clock = read_clock_state();
  result.sources.push_back(std::move(source));
  result.verdict = judge(result.client, run_facts(result, plan, std::move(server_usage)));
  judge_schedule(result);  // after the verdict: it names the client's and the server's part
  result.outcome = judge_outcome(result, marks.measure_start_ns);
  result.thresholds = evaluate_thresholds(result);
  return result;
}

}  // namespace ringfire
