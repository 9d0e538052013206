#include "subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace ringfire::testing {
namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

}  // namespace

std::vector<std::string> ExitResult::out_lines() const {
  std::vector<std::string> lines;
  size_t at = 0;
  while (at < out.size()) {
    const size_t lf = out.find('\n', at);
    if (lf == std::string::npos) {
      lines.push_back(out.substr(at));
      break;
    }
    lines.push_back(out.substr(at, lf - at));
    at = lf + 1;
  }
  return lines;
}

std::unique_ptr<Subprocess> Subprocess::start(const std::vector<std::string>& argv,
                                              std::string* error) {
  auto fail = [error](const std::string& what) -> std::unique_ptr<Subprocess> {
    if (error != nullptr) *error = what;
    return nullptr;
  };
  if (argv.empty()) return fail("empty argv");
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) return fail(std::string("pipe: ") + std::strerror(errno));
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    close(out_pipe[0]);
    close(out_pipe[1]);
    return fail(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The child starts with a clean signal state whatever the test runner did to its own.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGCHLD}) sigaddset(&defaults, s);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    return fail("posix_spawn " + argv[0] + ": " + std::strerror(rc));
  }
  std::unique_ptr<Subprocess> child(new Subprocess());
  child->pid_ = pid;
  child->out_fd_ = out_pipe[0];
  child->err_fd_ = err_pipe[0];
  fcntl(child->out_fd_, F_SETFL, O_NONBLOCK);
  fcntl(child->err_fd_, F_SETFL, O_NONBLOCK);
  return child;
}

Subprocess::~Subprocess() {
  if (pid_ > 0 && !reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
    reaped_ = true;
  }
  close_fd(out_fd_);
  close_fd(err_fd_);
}

bool Subprocess::pump(std::chrono::milliseconds timeout) {
  if (out_fd_ < 0 && err_fd_ < 0) return false;
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  const int ready = poll(fds, 2, static_cast<int>(timeout.count()));
  if (ready <= 0) return ready == 0 || errno == EINTR;
  char buffer[4096];
  bool progressed = false;
  for (int i = 0; i < 2; ++i) {
    int& fd = i == 0 ? out_fd_ : err_fd_;
    std::string& sink = i == 0 ? out_ : err_;
    if (fd < 0 || fds[i].revents == 0) continue;
    for (;;) {
      const ssize_t n = read(fd, buffer, sizeof buffer);
      if (n > 0) {
        sink.append(buffer, static_cast<size_t>(n));
        progressed = true;
        continue;
      }
      if (n == 0) close_fd(fd);  // end of file: the child closed it (or exited)
      break;                     // EAGAIN: drained for now
    }
  }
  return progressed || out_fd_ >= 0 || err_fd_ >= 0;
}

std::optional<std::string> Subprocess::read_line(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const size_t lf = out_.find('\n', out_read_);
    if (lf != std::string::npos) {
      std::string line = out_.substr(out_read_, lf - out_read_);
      out_read_ = lf + 1;
      return line;
    }
    if (out_fd_ < 0) return std::nullopt;  // stdout closed without another full line
    const int left = remaining_ms(deadline);
    if (left == 0) return std::nullopt;
    pump(std::chrono::milliseconds(left));
  }
}

std::optional<std::string> Subprocess::read_line_starting_with(const std::string& prefix,
                                                               std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto line = read_line(std::chrono::milliseconds(remaining_ms(deadline)));
    if (!line) return std::nullopt;
    if (line->rfind(prefix, 0) == 0) return line;
  }
}

bool Subprocess::running() {
  if (reaped_) return false;
  const pid_t r = waitpid(pid_, &status_, WNOHANG);
  if (r == pid_) reaped_ = true;
  return !reaped_;
}

ExitResult Subprocess::finish(std::chrono::milliseconds timeout) {
  ExitResult result;
  const auto deadline = Clock::now() + timeout;
  while (running()) {
    if (remaining_ms(deadline) == 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      result.timed_out = true;
      break;
    }
    // Keep draining while waiting: a child blocked on a full pipe would never exit.
    if (!pump(std::chrono::milliseconds(10))) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  // The child is gone; its pipes hold the rest (unless a grandchild kept them open: bounded).
  const auto drain_deadline = Clock::now() + std::chrono::seconds(2);
  while ((out_fd_ >= 0 || err_fd_ >= 0) && remaining_ms(drain_deadline) > 0) {
    pump(std::chrono::milliseconds(remaining_ms(drain_deadline)));
  }
  result.exited = WIFEXITED(status_);
  result.exit_code = result.exited ? WEXITSTATUS(status_) : -1;
  result.term_signal = WIFSIGNALED(status_) ? WTERMSIG(status_) : 0;
  result.out = out_;
  result.err = err_;
  return result;
}

ExitResult Subprocess::stop(int signal, std::chrono::milliseconds timeout) {
  if (running()) kill(pid_, signal);
  return finish(timeout);
}

ExitResult Subprocess::wait(std::chrono::milliseconds timeout) {
  return finish(timeout);
}

}  // namespace ringfire::testing
