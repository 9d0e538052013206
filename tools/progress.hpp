// ringfire's live progress line on stderr: redrawn in place once a second on a terminal, plain
// lines with --progress (CI logs), nothing with --no-progress, -q, or when stderr is no terminal.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "ringfire/engine/live.hpp"

namespace ringfire {

struct ProgressOptions {
  bool plain = false;  // --progress: one newline-terminated line per second, even on a pipe
  bool off = false;    // --no-progress
};

void declare_progress(CLI::App& app, ProgressOptions& options);

// The line's text (no control characters), e.g.
// "3s/10s  37012 responses  12345 req/s  p50 210.00us  p99 1.20ms  errors 0  conns 100  busiest
// worker 87% CPU" (the figures of the last second, and the totals up to its end).
std::string progress_text(const LiveView& view);

class ProgressLine {
 public:
  enum class Mode : uint8_t { kOff, kRedraw, kPlain };
  // kRedraw when stderr is a terminal and neither -q nor --no-progress; kPlain with --progress.
  ProgressLine(const ProgressOptions& options, bool quiet);
  ~ProgressLine() { erase(); }

  Mode mode() const { return mode_; }
  // For run(): empty when off.
  ProgressSink sink();
  void draw(const LiveView& view);
  // Removes a redrawn line (before the report is printed); plain lines stay.
  void erase();

 private:
  Mode mode_ = Mode::kOff;
  bool drawn_ = false;
};

}  // namespace ringfire
