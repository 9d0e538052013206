// One worker: a pinned thread that owns one io_uring ring, one provided-buffer ring, its
// connections, their parsers and timers, and its own histograms and counters. Nothing here is
// shared with other workers; the run merges the results after the threads are joined.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "ringfire/config.hpp"
#include "ringfire/histogram.hpp"
#include "ringfire/http_parser.hpp"
#include "ringfire/pacer.hpp"
#include "ringfire/plan.hpp"
#include "ringfire/request.hpp"
#include "ringfire/ring.hpp"
#include "ringfire/stats.hpp"
#include "ringfire/timer_wheel.hpp"

namespace ringfire {

// Clock marks shared (read-only) by all workers, and the one flag that stops them.
struct RunMarks {
  uint64_t start_ns = 0;          // connections open from here
  uint64_t measure_start_ns = 0;  // end of warm-up: requests intended from here are measured
  uint64_t stop_ns = 0;           // 0: no time limit
  const std::atomic<bool>* stop = nullptr;  // set by SIGINT/SIGTERM or the run
  // A finished worker counts itself here, then keeps its thread alive until `release`: the
  // sampler's last reading of a thread's CPU needs the thread to still exist.
  std::atomic<uint32_t>* finished = nullptr;
  const std::atomic<bool>* release = nullptr;
};

struct WorkerResult {
  Counters measured;                 // requests whose intended send time is after warm-up
  Counters warmup;                   // the rest (reported apart, never mixed in)
  Histogram latency;                 // from the intended send time (closed loop: the actual send)
  Histogram service;                 // from the actual send
  std::vector<SecondStats> seconds;  // index 0 = first measured second
  uint64_t measured_end_ns = 0;      // when this worker stopped
  // Open loop: how well the schedule was kept (measured requests only).
  Histogram send_lag;        // actual send − intended send
  uint64_t late = 0;         // sent more than kLateNs after their intended time
  uint64_t backlog = 0;      // due before the stop but never sent
  uint64_t busy_rounds = 0;  // rounds in which requests were due and every connection was busy
  uint64_t max_backlog = 0;  // most requests waiting for a connection at once
  uint64_t wakeups = 0;      // io_uring_enter calls that returned completions
  uint64_t cqes = 0;
  RingFeatures features;
  bool stalled = false;  // -n run given up: no response within the stall limit
  std::string error;     // setup failure (ring, buffers); empty when the worker ran
};

// An open-loop request sent later than this after its intended time counts as late.
inline constexpr uint64_t kLateNs = 1'000'000;

class Worker {
 public:
  Worker(const RunConfig& config, const WorkerPlan& plan, const RequestBytes& requests,
         const RunMarks& marks);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  // The thread body: pins, sets up the ring, runs the loop until a stop condition, fills result().
  void run();

  const WorkerResult& result() const { return result_; }
  pid_t tid() const { return tid_.load(std::memory_order_acquire); }

 private:
  enum class State : uint8_t { kIdle, kBackoff, kConnecting, kOpen };

  // A request handed to the kernel and not answered yet.
  struct Pending {
    uint64_t intended_ns;
    uint64_t sent_ns;  // 0 until the request is handed to the kernel
    bool measured;     // after warm-up (decided once, when prepared); else warm-up
    bool budgeted;     // counted against -n when it was prepared
  };

  struct Connection {
    State state = State::kIdle;
    bool recv_armed = false;
    uint8_t backoff_shift = 0;  // reconnect back-off doubles per failed attempt
    uint32_t generation = 0;    // bumped on every close: stale completions are recognised
    int fd = -1;
    uint32_t head = 0;         // index of the oldest Pending in this connection's slice
    uint32_t outstanding = 0;  // Pending entries in use
    uint32_t responses = 0;    // responses on this connection since it opened
    bool send_busy = false;    // open loop, pipelined: a send is in the kernel (keeps order)
    bool ready = false;        // listed in ready_
    ResponseParser parser;
  };

  bool setup();
  void loop();
  void finish();

  // Completion handlers, one per operation; the dispatch switch is in loop().
  void on_connect(uint32_t id, int res);
  void on_send(uint32_t id, int res);
  void on_recv(uint32_t id, int res, uint32_t flags);
  void on_timer(uint32_t id);

  // Connection lifecycle (cold paths).
  void start_connect(uint32_t id);
  void arm_recv(uint32_t id);
  void close_connection(uint32_t id);
  void fail_and_reopen(uint32_t id, ErrorClass why);
  void schedule_reconnect(uint32_t id);
  void count_connect_error();

  // Request flow: closed loop sends a batch when a connection is free; open loop dispatches the
  // requests that are due to whichever connections have room.
  void maybe_send(uint32_t id);
  void dispatch_due();
  void send_requests(uint32_t id, uint32_t n);
  void mark_ready(uint32_t id);
  uint64_t count_backlog();
  void stamp_sends(uint64_t now);
  bool on_response(uint32_t id);
  void fail_outstanding(uint32_t id, ErrorClass why);

  Pending& pending(uint32_t id, uint32_t k) { return pending_[id * depth_ + (k % depth_)]; }
  bool measuring() const { return now_ >= marks_.measure_start_ns; }
  Counters& counters_for(bool measured) { return measured ? result_.measured : result_.warmup; }
  SecondStats* second_at(uint64_t t);
  void roll_seconds(uint64_t now);
  bool done(uint64_t now);

  const RunConfig& config_;
  const WorkerPlan plan_;
  const RequestBytes& requests_;
  const RunMarks marks_;
  const uint32_t depth_;

  Ring ring_;
  BufferRing buffers_;
  const bool open_loop_;
  Pacer pacer_;
  std::vector<uint32_t> ready_;  // open loop: connections with room for another request
  bool fixed_files_ = false;
  bool direct_sockets_ = false;  // connections open, tune and connect inside the ring (no fd)
  bool multishot_ = false;
  bool skip_send_cqes_ = false;
  std::vector<Connection> conns_;
  std::vector<Pending> pending_;     // depth_ entries per connection
  std::vector<uint32_t> unstamped_;  // connections whose last batch awaits its send timestamp
  TimerWheel timers_;
  uint64_t now_ = 0;
  uint64_t budget_used_ = 0;       // -n: measured requests sent and not failed
  uint64_t open_ = 0;              // connections in State::kOpen
  uint64_t connecting_ = 0;        // connections in State::kConnecting (each owes us a completion)
  uint64_t last_progress_ns_ = 0;  // last completed response (or the start)
  uint64_t last_backlog_probe_ns_ = 0;  // open loop: when max_backlog was last measured
  uint64_t inflight_ = 0;               // requests prepared or sent, not yet answered or failed

  // Per-second series: the current second's latency, folded into result_.seconds on rollover.
  Histogram second_latency_;

  WorkerResult result_;
  std::atomic<pid_t> tid_{0};
};

}  // namespace ringfire
