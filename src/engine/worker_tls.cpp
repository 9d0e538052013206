// The worker compiled for TLS (net/tls_transport.hpp): the same state machine as plain TCP, one
// engine and one request path. The member definitions are the worker files' own, included
// here without their plain-TCP instantiations, so that only this file sees TlsTransport's
// templates and the plain worker's objects stay as they were (docs/performance.md).
#define RINGFIRE_WORKER_DEFINITIONS_ONLY
#include "worker.cpp"
#include "worker_connections.cpp"
#include "worker_h2.cpp"
#include "worker_open_loop.cpp"
#include "worker_recv_end.cpp"
#include "worker_setup.cpp"
#undef RINGFIRE_WORKER_DEFINITIONS_ONLY

#include "ringfire/net/tls_transport.hpp"

namespace ringfire {

template class BasicWorker<TlsTransport>;

std::unique_ptr<Worker> make_tls_worker(const WorkerConfig& config, const WorkerPlan& plan,
                                        RequestMix& mix, const RunMarks& marks) {
  return std::make_unique<BasicWorker<TlsTransport>>(config, plan, mix, marks);
}

}  // namespace ringfire
