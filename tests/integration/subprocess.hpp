// A child process for integration tests: spawn it with its stdout and stderr on pipes, read its
// stdout line by line with a timeout, stop it with a signal and collect everything it printed.
// Every wait is bounded, and a Subprocess that goes out of scope kills its child (SIGKILL) and
// reaps it, so a failing test never leaves a server behind or hangs the suite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ringfire::testing {

struct ExitResult {
  bool exited = false;  // exited normally (then exit_code is meaningful)
  int exit_code = -1;
  int term_signal = 0;     // the signal that ended it, when !exited
  bool timed_out = false;  // did not end in time and was SIGKILLed
  std::string out;         // everything it wrote to stdout, including lines already read
  std::string err;         // everything it wrote to stderr

  // stdout split into lines (without '\n'); a final unterminated fragment is included.
  std::vector<std::string> out_lines() const;
};

class Subprocess {
 public:
  // argv[0] is the program path (no PATH search). nullptr and `error` set when it cannot start.
  static std::unique_ptr<Subprocess> start(const std::vector<std::string>& argv,
                                           std::string* error = nullptr);

  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }

  // The next complete stdout line (without '\n'), or nullopt on timeout or end of stdout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Skips lines until one starts with `prefix`; returns it, or nullopt on timeout/end.
  std::optional<std::string> read_line_starting_with(const std::string& prefix,
                                                     std::chrono::milliseconds timeout);

  // Sends `signal` (if still running) and waits up to `timeout` for the exit, then SIGKILLs.
  ExitResult stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits up to `timeout` for the child to exit by itself, then SIGKILLs.
  ExitResult wait(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  bool running();  // not yet exited (reaps it if it has)

 private:
  Subprocess() = default;
  // Moves whatever the pipes hold into the buffers, waiting at most `timeout` for the first byte.
  // False once both pipes are at end of file and nothing arrived.
  bool pump(std::chrono::milliseconds timeout);
  ExitResult finish(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool reaped_ = false;
  int status_ = 0;
  std::string out_;
  std::string err_;
  size_t out_read_ = 0;  // bytes of out_ already returned by read_line
};

}  // namespace ringfire::testing
