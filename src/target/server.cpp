#include "ringfire/target/server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

namespace ringfire::target {
namespace {

int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

std::string errno_text(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

// A loopback literal (already validated) into a socket address.
bool make_address(const std::string& host, uint16_t port, sockaddr_storage& out, socklen_t& len) {
  out = sockaddr_storage{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    len = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    len = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// One listener per worker, all on the same port: SO_REUSEPORT lets the kernel spread incoming
// connections over them by 4-tuple hash, so no ring ever accepts for another and no lock or
// wake-up is shared (one listener with a multishot accept per ring would wake every ring).
int open_listener(const std::string& host, uint16_t port, std::string& error) {
  sockaddr_storage address{};
  socklen_t address_len = 0;
  if (!make_address(host, port, address, address_len)) {
    error = "cannot parse bind address " + host;
    return -1;
  }
  const int fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = errno_text("socket");
    return -1;
  }
  const int one = 1;
  // TCP_NODELAY is inherited by accepted sockets: a response must not wait for the ACK of the
  // previous one (Nagle), which would add delayed-ACK stalls to pipelined and delayed responses.
  if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0 ||
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0) {
    error = errno_text("setsockopt");
    close(fd);
    return -1;
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), address_len) != 0) {
    error = errno_text(("bind " + host + ":" + std::to_string(port)).c_str());
    close(fd);
    return -1;
  }
  if (listen(fd, 4096) != 0) {
    error = errno_text("listen");
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t bound_port(int fd) {
  sockaddr_storage address{};
  socklen_t len = sizeof address;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &len) != 0) return 0;
  if (address.ss_family == AF_INET) {
    return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
  }
  return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
}

// SO_REUSEPORT would let us silently share an explicit port with another server of the same user
// (each getting a share of the connections). A plain bind first proves the port is ours.
bool port_is_free(const std::string& host, uint16_t port, std::string& error) {
  sockaddr_storage address{};
  socklen_t address_len = 0;
  if (!make_address(host, port, address, address_len)) return true;  // reported later
  const int fd = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return true;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // TIME_WAIT is no conflict
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), address_len) == 0;
  if (!free) error = errno_text(("bind " + host + ":" + std::to_string(port)).c_str());
  close(fd);
  return free;
}

}  // namespace

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
    const int fd = open_listener(server->host_, port, error);
    if (fd < 0) return nullptr;  // the destructor closes the listeners opened so far
    server->listen_fds_.push_back(fd);
    if (i == 0) port = bound_port(fd);
  }
  server->port_ = port;

  const int64_t start_ns = monotonic_ns();
  std::vector<std::future<std::string>> ready;
  for (unsigned i = 0; i < options.threads; ++i) {
    WorkerConfig config;
    config.listen_fd = server->listen_fds_[i];
    config.cpu = options.cpus.empty() ? -1 : options.cpus[i % options.cpus.size()];
    config.options = &server->options_;
    config.responses = &server->responses_;
    config.start_ns = start_ns;
    config.stop = &server->stop_;
    server->workers_.push_back(std::make_unique<Worker>(config));
    auto promise = std::make_shared<std::promise<std::string>>();
    ready.push_back(promise->get_future());
    Worker* worker = server->workers_.back().get();
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
    const WorkerTotals& t = worker->totals();
    totals_.connections += t.connections;
    totals_.requests += t.requests;
    totals_.bad_requests += t.bad_requests;
    totals_.per_worker.push_back(t);
  }
  for (int fd : listen_fds_) close(fd);
  listen_fds_.clear();
  return totals_;
}

}  // namespace ringfire::target
