// One server thread: its own io_uring ring, its own SO_REUSEPORT listener, and every connection
// the kernel hands that listener. Workers share nothing mutable but the stop flag.
//
// The worker is compiled once per transport (BasicServerWorker<T>, as the load generator's
// BasicWorker is): plain TCP, or TLS with --tls-cert (server_worker_tls.cpp). The server picks
// the instantiation once (make_server_worker), so plain TCP pays nothing for TLS per byte.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "ringfire/engine/ring.hpp"
#include "ringfire/engine/uring_tag.hpp"
#include "ringfire/target/options.hpp"
#include "ringfire/target/path_counts.hpp"
#include "ringfire/target/response.hpp"
#include "ringfire/target/server_connection.hpp"

namespace ringfire::target {

struct ServerWorkerTotals {
  uint64_t connections = 0;    // accepted
  uint64_t requests_read = 0;  // complete requests (with their bodies) received, answered or not
  uint64_t responses = 0;      // complete responses whose every byte the kernel accepted (400s
                               // included); a fault mode's junk and empty lines are not responses
  uint64_t responses_partial = 0;  // responses begun (every byte of the beginning accepted) that
                                   // a fault mode cuts short or never ends
  uint64_t bad_requests = 0;       // 400s for malformed or oversized requests (among responses)
  // Content-Length request body bytes received (of requests answered or not, complete or not).
  uint64_t request_body_bytes = 0;
};

struct ServerWorkerConfig {
  int listen_fd = -1;  // the worker owns it from construction on and closes it
  std::string host;    // where listen_fd is bound: --fault listener-flap binds there again
  uint16_t port = 0;
  int cpu = -1;  // pin to this CPU; -1: leave unpinned
  const TargetOptions* options = nullptr;
  const ResponseSet* responses = nullptr;
  uint64_t start_ns = 0;  // CLOCK_MONOTONIC at server start: --stall-at counts from here
  const std::atomic<bool>* stop = nullptr;
};

// What TargetServer sees of a worker, whatever its transport.
class ServerWorker {
 public:
  virtual ~ServerWorker() = default;
  // Pins the calling thread and creates the ring there (SINGLE_ISSUER ties the ring to the thread
  // that creates it), and the transport's context (TLS: the certificate). Empty on success, else
  // a one-line reason.
  virtual std::string setup() = 0;
  // The event loop; returns once *stop is set and wake() (or the loop's tick) noticed it, and
  // every request the kernel had received by then is counted.
  virtual void run() = 0;
  // Thread-safe: makes run() look at the stop flag now instead of at its next tick.
  virtual void wake() = 0;

  virtual const ServerWorkerTotals& totals() const = 0;
  // With --count-paths, the figures per path (path_counts.hpp); else nullptr.
  virtual const PathCounts* path_counts() const = 0;
  virtual const char* ring_mode() const = 0;
  // Empty unless the ring broke and run() ended early (the reason was printed on stderr too).
  virtual const std::string& failure() const = 0;
};

// The worker for the options' transport: TLS when --tls-cert is given, else plain TCP.
std::unique_ptr<ServerWorker> make_server_worker(const ServerWorkerConfig& config);

template <class T>
class BasicServerWorker final : public ServerWorker {
 public:
  using Connection = BasicServerConnection<T>;

  explicit BasicServerWorker(const ServerWorkerConfig& config);
  ~BasicServerWorker() override;
  BasicServerWorker(const BasicServerWorker&) = delete;
  BasicServerWorker& operator=(const BasicServerWorker&) = delete;

  std::string setup() override;
  void run() override;
  void wake() override;

  const ServerWorkerTotals& totals() const override { return totals_; }
  const PathCounts* path_counts() const override { return paths_.get(); }
  const char* ring_mode() const override { return ring_.setup_name(); }
  const std::string& failure() const override { return failure_; }

 private:
  enum class Op : uint8_t { kAccept = 1, kRecv, kSend, kTimer, kCancel, kWake, kFlap };
  enum class Framed : uint8_t { kIncomplete, kComplete, kBad };

  static uint64_t tag(Op op, const Connection& c) {
    return uring_tag::make(op, c.index, c.generation);
  }
  static uint64_t tag(Op op) { return uring_tag::make(op); }

  void reap();
  void dispatch(uint64_t user_data, int res, unsigned flags);
  Connection* lookup(uint64_t user_data);
  uint64_t now_if_needed() const;

  void arm_accept();
  void arm_wake();
  void on_accept(int res, unsigned flags);

  void arm_recv(Connection& c);
  bool answering(const Connection& c) const { return !c.close_queued && !stopping_; }
  bool make_input_room(Connection& c);
  void on_recv(Connection& c, int res);
  // Where the next read goes: the input's free tail, or (TLS) the wire buffer.
  std::span<char> recv_buffer(Connection& c);
  // `n` bytes were read into recv_buffer(c): the HTTP bytes join the input. False when the
  // transport failed (a refused handshake): the connection is given up.
  bool take_input(Connection& c, size_t n);
  void append_plain(Connection& c, std::span<const char> http);
  void process_input(Connection& c, uint64_t now);
  Framed frame_request(Connection& c, ResponseKind& kind);
  ResponseKind choose_kind(Connection& c, bool head, bool http10, bool wants_close,
                           bool wants_keep_alive);
  // `path`: the PathCounts entry the response answers (kNoPath when none or not counting).
  void enqueue(Connection& c, ResponseKind kind, uint64_t now, uint32_t path);

  void pump(Connection& c, uint64_t now);
  bool append_response(Connection& c, ResponseKind kind);
  void submit_send(Connection& c);
  // TLS: seals the next part of the batch and sends it with what the transport has pending;
  // send_flight sends only the transport's own bytes (handshake, tickets) when it has some.
  void send_sealed(Connection& c);
  void send_flight(Connection& c);
  void on_sealed_send(Connection& c, int res);
  void on_send(Connection& c, int res);
  void finish_batch(Connection& c);
  void arm_timer(Connection& c, uint64_t due_ns);
  void on_timer(Connection& c);

  // The --fault modes (server_worker_faults.cpp).
  void on_accept_fault(Connection& c);
  void enqueue_fault(Connection& c, ResponseKind kind, uint64_t due_ns, uint32_t path);
  void after_last_piece(Connection& c);
  void reset_connection(Connection& c);
  void arm_flap();
  void on_flap();
  void take_listener_down();
  void bring_listener_up();

  void begin_linger(Connection& c, bool until_peer_closes);
  void finish_close(Connection& c);
  void release_if_idle(Connection& c);
  void tick();

  // Stopping (server_worker_stop.cpp): count what the kernel has received, then close everything.
  void finish_at_stop();
  void cancel_reads();
  void accept_backlog();
  void drain_input(Connection& c);
  void close_all();

  ServerWorkerConfig config_;
  FaultMode fault_ = FaultMode::kNone;
  uint64_t close_every_ = 0;  // --close-every; 1 for --fault close-announced
  bool stopping_ = false;     // the stop flag was seen: read and count, answer nothing more
  int wake_fd_ = -1;
  uint64_t wake_buffer_ = 0;
  bool multishot_accept_ = true;
  bool accept_armed_ = false;
  bool accept_retry_on_tick_ = false;
  uint64_t next_flap_ns_ = 0;    // --fault listener-flap: when the listener next goes down or up
  __kernel_timespec flap_at_{};  // must stay put until the timeout SQE is submitted
  uint64_t delay_ns_ = 0;
  uint64_t stall_begin_ns_ = 0;
  uint64_t stall_end_ns_ = 0;  // == stall_begin_ns_ when no stall
  bool clock_needed_ = false;
  uint32_t lingering_ = 0;  // connections in kLingering: the tick sweeps only when > 0
  uint64_t next_tick_ns_ = 0;
  BasicConnectionSlab<Connection> slab_;
  ServerWorkerTotals totals_;
  std::unique_ptr<PathCounts>
      paths_;  // only with --count-paths: the hot path tests it, nothing more
  std::string failure_;
  // Last, so that it is destroyed first: tearing the ring down ends every operation still in
  // flight before the memory they point into (connections, the wake buffer) goes.
  T transport_;
  Ring ring_;
};

}  // namespace ringfire::target
