// What the worker's files share: the user_data tag layout and a few constants. Internal to the
// worker.
#pragma once

#include <cerrno>
#include <cstdint>
#include <memory>

#include "ringfire/engine/uring_tag.hpp"
#include "ringfire/engine/worker.hpp"

namespace ringfire {
// https://: a worker compiled for TlsTransport (worker_tls.cpp), for make_worker().
std::unique_ptr<Worker> make_tls_worker(const WorkerConfig& config, const WorkerPlan& plan,
                                        RequestMix& mix, const RunMarks& marks);
}  // namespace ringfire

namespace ringfire::worker_detail {

// The operation in a completion's user_data (layout: uring_tag.hpp, shared with the target).
enum class Op : uint8_t { kConnect = 1, kSend = 2, kRecv = 3, kCancel = 4 };

inline constexpr uint64_t tag(Op op, uint32_t id, uint32_t generation) {
  return uring_tag::make(op, id, generation);
}

inline constexpr uint64_t kSecond = 1'000'000'000;
// Reconnect back-off: 10 ms, doubling per failed attempt up to 10 ms << 7 = 1.28 s.
inline constexpr uint64_t kBackoffBaseNs = 10'000'000;
inline constexpr uint8_t kBackoffMaxShift = 7;
// What connect_failed() is told when a transport's handshake failed or timed out (an errno no
// connect returns, so it keeps a cause of its own: ConnectFailure).
inline constexpr int kHandshakeFailed = EPROTO;

}  // namespace ringfire::worker_detail
