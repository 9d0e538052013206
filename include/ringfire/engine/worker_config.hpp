// What one worker is told before its thread starts: its share of the plan (WorkerPlan), the
// run-wide settings it reads (WorkerConfig: nothing of output paths, thresholds or the scenario
// files), and the clock marks it shares read-only with the other workers (RunMarks).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "ringfire/engine/pacer.hpp"
#include "ringfire/http/expect.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/net/tls_options.hpp"

namespace ringfire {

class LiveSnapshot;  // live.hpp

struct WorkerPlan {
  uint32_t index = 0;
  uint32_t workers = 1;  // how many workers share the run
  int cpu = -1;          // pin target; -1: not pinned
  uint32_t connections = 0;
  uint32_t first_connection = 0;  // global index of this worker's first connection
  bool limited = false;           // -n given: stop after `requests` responses
  uint64_t requests = 0;          // this worker's share of -n
  double rate = 0;                // this worker's share of -R (requests/s); 0: closed loop
  // Open loop: the whole run's schedule (all shards, all workers) and this worker's requests in
  // it, global indices schedule_first + k·schedule_stride (engine/pacer.hpp).
  double schedule_rate = 0;
  uint64_t schedule_first = 0;
  uint64_t schedule_stride = 1;
  double connect_rate = 0;  // this worker's share of --connect-rate; 0: not paced
};

struct WorkerConfig {
  Endpoint endpoint;              // the resolved destination
  std::vector<Endpoint> sources;  // --source-ip, round-robin by global connection index
  uint32_t connections = 0;       // of the whole run (the closed-loop ramp spaces them all)
  uint32_t pipeline = 1;          // requests per batch on one connection
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds ramp{0};
  Arrival arrival = Arrival::kConstant;
  uint64_t seed = 1;
  uint32_t keepalive_requests = 0;  // reopen after this many responses; 0: never
  bool http2 = false;               // --h2c: HTTP/2 by prior knowledge
  uint32_t streams = 1;             // --streams: concurrent streams per HTTP/2 connection
  uint32_t window_bits = 30;        // --window-bits: HTTP/2 windows of 2^bits - 1
  uint32_t wait_batch = 64;
  std::chrono::nanoseconds wait_max{0};
  bool sqpoll = false;
  // Per label, its expect, when the run counts labels apart (several, or one with an expect);
  // empty: one label, any complete response completes.
  std::vector<Expect> labels;
  // Submission-queue entries; 0: sized from the connections. A test knob (RINGFIRE_SQ_ENTRIES)
  // that lets a test force the SQ to fill in the middle of a reap.
  unsigned sq_entries = 0;
  // https://: the TLS options (tls.enabled picks TlsTransport; tls.sni holds the name to send
  // and verify, the URL's host unless --sni).
  TlsOptions tls;
};

// Clock marks shared (read-only) by all workers, and the one flag that stops them.
struct RunMarks {
  uint64_t start_ns = 0;  // connections open from here
  // The open-loop schedule's time zero: start_ns, or with --start-at the same instant on every
  // shard (the measured start less ramp and warm-up), which may lie before start_ns.
  uint64_t schedule_ns = 0;
  uint64_t measure_start_ns = 0;  // end of warm-up: requests intended from here are measured
  uint64_t stop_ns = 0;           // 0: no time limit
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM or the run
  // A finished worker counts itself here, then keeps its thread alive until `release`: the
  // sampler's last reading of a thread's CPU needs the thread to still exist.
  std::atomic<uint32_t>* finished = nullptr;
  const std::atomic<bool>* release = nullptr;
  // One per worker (by WorkerPlan::index) for the progress line, or null.
  LiveSnapshot* live = nullptr;
};

}  // namespace ringfire
