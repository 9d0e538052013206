#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "ringfire/result/report.hpp"

namespace ringfire {
namespace {

// Whole seconds elapsed ("3s"); a limit that is no whole number of seconds gets a decimal.
std::string seconds_text(double s, bool limit = false) {
  const double whole = std::floor(s + 1e-3);
  if (limit && s - whole > 1e-3) {
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1fs", s);
    return buf;
  }
  return std::to_string(static_cast<uint64_t>(whole)) + "s";
}

}  // namespace

void declare_progress(CLI::App& app, ProgressOptions& options) {
  auto* plain = app.add_flag("--progress", options.plain,
                             "A progress line per second on stderr, also when it is no terminal "
                             "(default: redrawn in place on a terminal)");
  app.add_flag("--no-progress", options.off, "No progress line")->excludes(plain);
}

std::string progress_text(const LiveView& view) {
  if (view.warming_up) {
    return "warming up " + seconds_text(view.elapsed_s) + "/" + seconds_text(view.total_s, true);
  }
  std::string text = seconds_text(view.elapsed_s);
  if (view.total_s > 0) text += "/" + seconds_text(view.total_s, true);
  text += "  " + std::to_string(view.completed);
  if (view.requests != 0) text += "/" + std::to_string(view.requests);
  text += " responses  " + std::to_string(view.second_completed) + " req/s";
  if (view.tls) text += "  " + std::to_string(view.second_handshakes) + " handshakes/s";
  if (view.second_completed != 0) {
    text += "  p50 " + format_duration(view.p50_ns) + "  p99 " + format_duration(view.p99_ns);
  }
  text += "  errors " + std::to_string(view.errors);
  text += "  conns " + std::to_string(view.open_connections);
  if (view.busiest_worker_cpu >= 0) {
    const auto percent = static_cast<int>(std::lround(view.busiest_worker_cpu * 100));
    text += "  busiest worker " + std::to_string(percent) + "% CPU";
  }
  return text;
}

ProgressLine::ProgressLine(const ProgressOptions& options, bool quiet) {
  if (options.plain) {
    mode_ = Mode::kPlain;
  } else if (!options.off && !quiet && isatty(STDERR_FILENO) == 1) {
    mode_ = Mode::kRedraw;
  }
}

ProgressSink ProgressLine::sink() {
  if (mode_ == Mode::kOff) return {};
  return [this](const LiveView& view) { draw(view); };
}

void ProgressLine::draw(const LiveView& view) {
  const std::string text = progress_text(view);
  if (mode_ == Mode::kPlain) {
    std::fprintf(stderr, "ringfire: progress: %s\n", text.c_str());
  } else {
    // Back to the line's start, the new text, then erase what a longer old line left behind.
    std::fprintf(stderr, "\r%s\x1b[K", text.c_str());
    drawn_ = true;
  }
  std::fflush(stderr);
}

void ProgressLine::erase() {
  if (!drawn_) return;
  std::fputs("\r\x1b[K", stderr);
  std::fflush(stderr);
  drawn_ = false;
}

}  // namespace ringfire
