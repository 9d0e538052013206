// Cost of one io_uring round trip over a loopback socket pair: N sends on one end and N receives
// on the other, submitted together, then a wait for all 2N completions. The batch size shows how
// far one io_uring_enter is amortised; BM_SyscallRoundTrip is the same traffic with plain
// send()/recv() (one syscall each, the way an epoll client like wrk pays) for comparison.
// Reported: time per iteration, and CPU time per message (one send plus one receive).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <string>

#include "ringfire/engine/ring.hpp"

namespace {

constexpr size_t kMessage = 64;  // about a small HTTP response line and headers: size is not
                                 // the point here, the per-operation overhead is
constexpr int kMaxBatch = 64;

enum Transport : int64_t { kUnix = 0, kTcp = 1 };

// A connected pair of stream sockets, closed on destruction.
struct SocketPair {
  int a = -1;
  int b = -1;
  ~SocketPair() {
    if (a >= 0) close(a);
    if (b >= 0) close(b);
  }
};

bool make_unix_pair(SocketPair& pair) {
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return false;
  pair.a = fds[0];
  pair.b = fds[1];
  return true;
}

// A TCP connection over 127.0.0.1 (the path ringfire's traffic takes), Nagle off on both ends.
bool make_tcp_pair(SocketPair& pair) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  bool ok = bind(listener, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
            listen(listener, 1) == 0 &&
            getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  if (ok) {
    pair.a = socket(AF_INET, SOCK_STREAM, 0);
    ok = pair.a >= 0 && connect(pair.a, reinterpret_cast<sockaddr*>(&addr), len) == 0;
  }
  if (ok) {
    pair.b = accept(listener, nullptr, nullptr);
    ok = pair.b >= 0;
  }
  close(listener);
  const int one = 1;
  return ok && setsockopt(pair.a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0 &&
         setsockopt(pair.b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0;
}

bool make_pair(int64_t transport, SocketPair& pair) {
  return transport == kTcp ? make_tcp_pair(pair) : make_unix_pair(pair);
}

void set_labels(benchmark::State& state, int64_t batch) {
  state.SetLabel(state.range(1) == kTcp ? "tcp loopback" : "unix socketpair");
  state.SetItemsProcessed(state.iterations() * batch);
  // Shown in seconds with an SI prefix ("2.5u" is 2.5 us of CPU per message).
  state.counters["cpu_per_msg"] =
      benchmark::Counter(static_cast<double>(batch), benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

void BM_RingRoundTrip(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  SocketPair pair;
  if (!make_pair(state.range(1), pair)) {
    state.SkipWithError("cannot create a loopback socket pair");
    return;
  }
  ringfire::Ring ring;
  std::string error;
  if (ring.init(ringfire::RingOptions{}, error) != 0) {
    state.SkipWithError(("io_uring unavailable: " + error).c_str());
    return;
  }
  io_uring* r = ring.get();
  std::array<char, kMessage> out{};
  out.fill('x');
  std::array<std::array<char, kMessage>, kMaxBatch> in{};

  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) {
      io_uring_prep_send(ring.sqe(), pair.a, out.data(), out.size(), 0);
    }
    for (int i = 0; i < batch; ++i) {
      io_uring_sqe* sqe = ring.sqe();
      io_uring_prep_recv(sqe, pair.b, in[i].data(), kMessage, 0);
      sqe->user_data = 1;
    }
    // One enter submits everything and waits for every completion (bounded: a lost completion
    // ends the benchmark with an error instead of hanging it).
    const unsigned want = static_cast<unsigned>(2 * batch);
    unsigned seen = 0;
    size_t received = 0;
    bool failed = false;
    for (int waits = 0; seen < want && !failed; ++waits) {
      __kernel_timespec timeout{.tv_sec = 1, .tv_nsec = 0};
      io_uring_cqe* first = nullptr;
      const int rc = waits == 0
                         ? io_uring_submit_and_wait_timeout(r, &first, want, &timeout, nullptr)
                         : io_uring_wait_cqes(r, &first, want - seen, &timeout, nullptr);
      if (waits == 10 || rc < 0) {
        failed = true;
        break;
      }
      unsigned reaped = 0;
      io_uring_cqe* cqe;
      unsigned head;
      io_uring_for_each_cqe(r, head, cqe) {
        ++reaped;
        if (cqe->res < 0) failed = true;
        if (cqe->user_data == 1 && cqe->res > 0) received += static_cast<size_t>(cqe->res);
      }
      io_uring_cq_advance(r, reaped);
      seen += reaped;
    }
    // A stream may split a message across receives; drain the rest so the next batch starts from
    // an empty socket (rare: each recv normally finds a whole 64-byte send waiting).
    for (int tries = 0; !failed && received < kMessage * batch && tries < 1000; ++tries) {
      const ssize_t n = recv(pair.b, in[0].data(), kMessage, 0);
      if (n <= 0) failed = true;
      if (n > 0) received += static_cast<size_t>(n);
    }
    if (failed || received != kMessage * batch) {
      state.SkipWithError("a send or receive failed");
      break;
    }
  }
  set_labels(state, batch);
}
BENCHMARK(BM_RingRoundTrip)->ArgsProduct({{1, 8, 64}, {kUnix, kTcp}});

void BM_SyscallRoundTrip(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  SocketPair pair;
  if (!make_pair(state.range(1), pair)) {
    state.SkipWithError("cannot create a loopback socket pair");
    return;
  }
  std::array<char, kMessage> out{};
  out.fill('x');
  std::array<char, kMessage * kMaxBatch> in{};
  for (auto _ : state) {
    bool failed = false;
    for (int i = 0; i < batch; ++i) {
      failed |= send(pair.a, out.data(), out.size(), 0) != static_cast<ssize_t>(kMessage);
    }
    size_t received = 0;
    for (int tries = 0; !failed && received < kMessage * batch && tries < 1000; ++tries) {
      // One recv per message, as a request/response client reads each response on its own.
      const ssize_t n = recv(pair.b, in.data() + received, kMessage, 0);
      if (n <= 0) failed = true;
      if (n > 0) received += static_cast<size_t>(n);
    }
    if (failed) {
      state.SkipWithError("a send or receive failed");
      break;
    }
  }
  set_labels(state, batch);
}
BENCHMARK(BM_SyscallRoundTrip)->ArgsProduct({{1, 8, 64}, {kUnix, kTcp}});

}  // namespace
