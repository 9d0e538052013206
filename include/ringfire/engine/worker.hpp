// One worker: a pinned thread that owns one io_uring ring, one provided-buffer ring, its
// connections, their parsers and timers, and its request ledger. Nothing here is shared with
// other workers; the run merges the results after the threads are joined.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ringfire/engine/connect_pacer.hpp"
#include "ringfire/engine/ledger.hpp"
#include "ringfire/engine/pacer.hpp"
#include "ringfire/engine/ring.hpp"
#include "ringfire/engine/timer_wheel.hpp"
#include "ringfire/engine/worker_config.hpp"
#include "ringfire/engine/worker_h2.hpp"
#include "ringfire/http/http_parser.hpp"
#include "ringfire/http2/h2_stats.hpp"
#include "ringfire/metrics/connection_stats.hpp"
#include "ringfire/metrics/stats.hpp"
#include "ringfire/metrics/tls_stats.hpp"
#include "ringfire/net/transport.hpp"
#include "ringfire/scenario/request_mix.hpp"

namespace ringfire {

struct WorkerResult {
  LedgerResult requests;         // every request's fate, latencies and the per-second series
  uint64_t measured_end_ns = 0;  // when this worker stopped
  // Open loop: how well the schedule was kept (measured requests only).
  uint64_t backlog = 0;      // due before the stop but never sent
  uint64_t busy_rounds = 0;  // rounds in which requests were due and every connection was busy
  uint64_t max_backlog = 0;  // most requests waiting for a connection at once
  uint64_t wakeups = 0;      // io_uring_enter calls that returned completions
  uint64_t cqes = 0;
  uint64_t full_sq_submits = 0;  // submissions forced by a full SQ in the middle of a reap
  uint64_t connections_at_measure_start = 0;  // open when the measured window began
  ConnectionStats connections;  // connect latency, peak open, opening time (connection_stats.hpp)
  TlsStats tls;                 // https://: handshakes, what they negotiated, why they failed
  RingFeatures features;
  bool stalled = false;             // -n run given up: no response within the stall limit
  bool pipelining_stopped = false;  // the server announced Connection: close; batches of one
  H2Stats http2;                    // --h2c: GOAWAYs, resets, streams allowed (else all zero)
  std::string error;  // setup failure (ring, buffers) or a broken ring; empty when it ran
};

// What run() sees of a worker: a thread body and its result. The run picks the transport once
// (make_worker); everything below is compiled for it.
class Worker {
 public:
  virtual ~Worker() = default;
  // The thread body: pins, sets up the ring, runs the loop until a stop condition, fills result().
  virtual void run() = 0;
  virtual const WorkerResult& result() const = 0;
  virtual pid_t tid() const = 0;
};

// A worker for `config`'s transport. `mix`: this worker's own preformatted requests (it picks from
// them and patches {seq}).
std::unique_ptr<Worker> make_worker(const WorkerConfig& config, const WorkerPlan& plan,
                                    RequestMix& mix, const RunMarks& marks);

// The connection state machine of one pinned thread, driven by io_uring completions, compiled for
// one transport (net/transport.hpp; plain TCP is the identity and costs nothing). It owns the
// ring, the receive buffers, the connections and their parsers, transport sessions and timers;
// every request's accounting is the RequestLedger's.
template <Transport T>
class BasicWorker final : public Worker {
 public:
  BasicWorker(const WorkerConfig& config, const WorkerPlan& plan, RequestMix& mix,
              const RunMarks& marks);
  BasicWorker(const BasicWorker&) = delete;
  BasicWorker& operator=(const BasicWorker&) = delete;
  ~BasicWorker() override;

  void run() override;
  const WorkerResult& result() const override { return result_; }
  pid_t tid() const override { return tid_.load(std::memory_order_acquire); }

 private:
  // kHandshaking: TCP is up and the transport negotiates (TLS); requests wait for kOpen.
  enum class State : uint8_t { kIdle, kBackoff, kConnecting, kHandshaking, kOpen };

  struct Connection {
    State state = State::kIdle;
    bool recv_armed = false;
    bool send_busy = false;     // a send is in the kernel whose completion we wait for
    bool ready = false;         // open loop: listed in ready_
    bool paced = false;         // --connect-rate: waits in kBackoff for its connect slot
    uint8_t backoff_shift = 0;  // reconnect back-off doubles per failed attempt
    uint32_t generation = 0;    // bumped on every close: stale completions are recognised
    int fd = -1;
    uint32_t send_bytes = 0;  // length of the send in the kernel (a shorter completion fails)
    uint32_t responses = 0;   // responses on this connection since it opened
    ResponseParser parser;
    [[no_unique_address]] typename T::Session session;  // the transport's (none for plain TCP)
    // Bytes of the response being parsed, as they came (a label's bytes received): its head and
    // body and, unlike ResponseInfo, a chunked body's size lines and trailer too.
    uint64_t response_bytes = 0;
  };
  // docs/architecture.md, invariant 7: a connection's own state stays small and fixed.
  static_assert(sizeof(Connection) <= 128);

  // worker_setup.cpp: the thread's life around the loop.
  bool setup();
  void open_connections();
  void finish();
  bool done(uint64_t now);

  // worker.cpp: the hot loop and its completion handlers (dispatch switch in reap()).
  void loop();
  bool wait(uint64_t now);
  void reap();
  void before_submit();
  static void before_submit_hook(void* self) { static_cast<BasicWorker*>(self)->before_submit(); }
  void on_send(uint32_t id, int res);
  void on_recv(uint32_t id, int res, uint32_t flags);
  [[gnu::noinline]] void on_recv_end(uint32_t id, int res, uint32_t flags);  // no bytes came
  // Inlined into on_recv (worker.cpp): the per-receive path.
  [[gnu::always_inline]] inline uint64_t parse(uint32_t id, const char* data, size_t len);
  bool on_response(uint32_t id);
  void on_parse_error(uint32_t id);
  void maybe_send(uint32_t id);
  void queue_requests(uint32_t id, uint32_t first, uint32_t n, uint64_t intended, bool measured);
  void send_requests(uint32_t id, uint32_t n);
  void send_wire(uint32_t id, std::span<const char> bytes);
  void on_sent(uint32_t id);
  std::span<const char> write_batch(uint32_t id, uint32_t n);
  void follow_deadline(uint32_t id);

  // worker_h2.cpp: HTTP/2 (--h2c) on the same connections, ledger and ring.
  bool h2_setup();
  [[gnu::noinline]] void h2_fill(uint32_t id);
  [[gnu::noinline]] uint64_t h2_receive(uint32_t id, const char* data, size_t len);
  void h2_event(uint32_t id, const H2Event& e);

  // worker_connections.cpp: connection lifecycle (cold paths).
  void start_connect(uint32_t id);
  void on_connect(uint32_t id, int res);
  bool on_transport_step(uint32_t id, TransportStep step);
  void became_ready(uint32_t id);
  void send_handshake(uint32_t id);
  void handshake_failed(uint32_t id);
  void handshake_aborted(uint32_t id, TlsFailure why);
  void note_connected(uint32_t id);
  void on_timer(uint32_t id);
  void arm_recv(uint32_t id);
  void close_connection(uint32_t id);
  void fail_and_reopen(uint32_t id, ErrorClass why);
  void end_by_server(uint32_t id, ErrorClass why);
  void on_announced_close(uint32_t id);
  bool keepalive_spent(uint32_t id);
  void reopen(uint32_t id);
  void schedule_reconnect(uint32_t id);
  void connect_failed(uint32_t id, int err);  // err: positive errno

  // worker_open_loop.cpp: requests go out when due, to whichever connection has room.
  void mark_ready(uint32_t id);
  void dispatch_due();
  void probe_backlog(uint64_t stop);
  uint64_t count_backlog();

  bool stopping() const { return marks_.stop_ns != 0 && now_ >= marks_.stop_ns; }
  bool measuring() const { return now_ >= marks_.measure_start_ns; }

  const WorkerConfig config_;
  const WorkerPlan plan_;
  RequestMix& mix_;
  const bool static_requests_;  // one request, no {seq}: a batch is contiguous pooled copies
  const bool mixed_head_;       // HEAD and other methods: the parser is told per response
  // The batch being queued: each request's pick (label, variant) and what the ledger records.
  std::vector<RequestMix::Pick> picks_;
  std::vector<QueuedRequest> queued_;
  // Per connection, room for one batch, for batches that cannot be sent from the pool as they
  // are (several requests, or {seq} fields to patch). A connection's next batch is written only
  // after the kernel is done with this one (closed loop: its responses are in; open loop: its
  // send completed, send_busy). Empty when every send comes from the pool.
  std::vector<char> send_slots_;
  size_t slot_size_ = 0;
  const RunMarks marks_;
  const uint64_t timeout_ns_;
  const bool open_loop_;
  uint32_t depth_;  // requests per batch; 1 once the server announced Connection: close

  T transport_;
  Ring ring_;
  BufferRing buffers_;
  Pacer pacer_;
  ConnectPacer connect_pacer_;   // --connect-rate: this worker's share
  std::vector<uint32_t> ready_;  // open loop: connections with room for another request
  bool fixed_files_ = false;
  bool direct_sockets_ = false;  // connections open, tune and connect inside the ring (no fd)
  bool multishot_ = false;
  bool skip_send_cqes_ = false;
  std::vector<Connection> conns_;
  std::vector<uint64_t> connect_queued_ns_;  // per connection: when its connect was queued
  RequestLedger ledger_;
  TimerWheel timers_;
  uint64_t now_ = 0;
  uint64_t submit_now_ = 0;  // the loop's clock reading for the stamp of its own submission
  unsigned reaped_ = 0;      // CQEs seen by this reap so far
  unsigned advanced_ = 0;    // of those, handed back to the kernel (before_submit())
  uint64_t connecting_ = 0;  // connections in State::kConnecting (each owes us a completion)
  uint64_t last_backlog_probe_ns_ = 0;  // open loop: when max_backlog was last measured
  bool measure_started_ = false;        // connections_at_measure_start taken

  std::unique_ptr<WorkerH2> h2_;  // --h2c: the sessions; null for HTTP/1.1

  WorkerResult result_;
  std::atomic<pid_t> tid_{0};
};

}  // namespace ringfire
