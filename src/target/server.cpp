#include "ringfire/target/server.hpp"

#include <unistd.h>

#include <future>
#include <utility>

#include "listener.hpp"
#include "ringfire/base/clock.hpp"

namespace ringfire::target {

TargetServer::TargetServer(const TargetOptions& options) : options_(options), responses_(options) {}

std::unique_ptr<TargetServer> TargetServer::start(const TargetOptions& options,
                                                  std::string& error) {
  error = validate(options);
  if (!error.empty()) return nullptr;
  std::unique_ptr<TargetServer> server(new TargetServer(options));
  server->host_ = options.bind == "localhost" ? "127.0.0.1" : options.bind;

  // The first listener fixes the port (the kernel never auto-picks a port that is shared through
  // SO_REUSEPORT); the others join it.
  uint16_t port = options.port;
  if (port != 0 && !port_is_free(server->host_, port, error)) return nullptr;
  for (unsigned i = 0; i < options.threads; ++i) {
    const int fd = open_listener(server->host_, port, error, options.backlog);
    if (fd < 0) return nullptr;  // the destructor closes the listeners opened so far
    server->listen_fds_.push_back(fd);
    if (i == 0) port = bound_port(fd);
  }
  server->port_ = port;

  const uint64_t start_ns = now_ns();
  std::vector<std::future<std::string>> ready;
  for (unsigned i = 0; i < options.threads; ++i) {
    ServerWorkerConfig config;
    config.listen_fd = std::exchange(server->listen_fds_[i], -1);  // the worker's from now on
    config.host = server->host_;
    config.port = port;
    config.cpu = options.cpus.empty() ? -1 : options.cpus[i % options.cpus.size()];
    config.options = &server->options_;
    config.responses = &server->responses_;
    config.start_ns = start_ns;
    config.stop = &server->stop_;
    server->workers_.push_back(make_server_worker(config));
    auto promise = std::make_shared<std::promise<std::string>>();
    ready.push_back(promise->get_future());
    ServerWorker* worker = server->workers_.back().get();
    server->threads_.emplace_back([worker, promise] {
      std::string setup_error = worker->setup();
      const bool ok = setup_error.empty();
      promise->set_value(std::move(setup_error));
      if (ok) worker->run();
    });
  }
  for (auto& f : ready) {
    std::string setup_error = f.get();
    if (!setup_error.empty() && error.empty()) error = std::move(setup_error);
  }
  if (!error.empty()) return nullptr;  // the destructor stops and joins the healthy workers
  return server;
}

TargetServer::~TargetServer() {
  request_stop();
  wait();
  for (int fd : listen_fds_) {
    if (fd >= 0) close(fd);  // opened, but start() failed before a worker took it
  }
}

std::string TargetServer::address() const {
  const bool v6 = host_.find(':') != std::string::npos;
  return (v6 ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

std::string TargetServer::ring_mode() const {
  return workers_.empty() ? std::string("none") : std::string(workers_.front()->ring_mode());
}

void TargetServer::request_stop() {
  stop_.store(true, std::memory_order_relaxed);
  for (auto& worker : workers_) worker->wake();
}

ServerTotals TargetServer::wait() {
  if (joined_) return totals_;
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  joined_ = true;
  for (auto& worker : workers_) {
    const ServerWorkerTotals& t = worker->totals();
    totals_.connections += t.connections;
    totals_.requests_read += t.requests_read;
    totals_.responses += t.responses;
    totals_.responses_partial += t.responses_partial;
    totals_.bad_requests += t.bad_requests;
    totals_.request_body_bytes += t.request_body_bytes;
    if (worker->path_counts() != nullptr) add_path_counts(*worker->path_counts(), totals_.paths);
    totals_.per_worker.push_back(t);
    if (!worker->failure().empty() && totals_.failure.empty()) totals_.failure = worker->failure();
  }
  cap_path_totals(totals_.paths);
  return totals_;
}

}  // namespace ringfire::target
