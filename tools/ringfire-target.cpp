// ringfire-target: the small, fast HTTP/1.1 server bundled with ringfire for tests, demos,
// benchmarks and self-checks.
//
// stdout, each line flushed; everything else goes to stderr:
//   listening on HOST:PORT    at start, once every listener is up
// and at exit (SIGINT, SIGTERM or --duration), exact across threads:
//   connections: N            connections accepted
//   requests_read: N          complete requests received (with their bodies), answered or not
//   responses: N              complete responses whose every byte the kernel accepted (400s
//                             included; a --fault mode's junk bytes and empty lines are not)
//   responses_partial: N      only with --fault: responses begun and never completed (their
//                             beginning fully accepted by the kernel)
//   request_body_bytes: N     Content-Length request body bytes received, answered or not
//   path PATH N REQUEST_BYTES RESPONSE_BYTES
//                             only with --count-paths, one line per path (sorted by byte) that was
//                             requested or answered: N complete responses (as in "responses", 400s
//                             not included) to requests for PATH, the request-target without its
//                             query string; REQUEST_BYTES, the bytes of the complete requests read
//                             for it (as in "requests_read"), head and body as they arrived (stray
//                             line breaks between requests not included); RESPONSE_BYTES, the bytes
//                             of those N responses
//   path_other: N REQUEST_BYTES RESPONSE_BYTES
//                             only with --count-paths, and only when N or REQUEST_BYTES > 0: the
//                             same for paths beyond the table's 10,000 distinct ones
//   requests: N               the last line: the same figure as "responses" (its old name, kept
//                             for the scripts and tests that read the last line)
#include <signal.h>
#include <time.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "ringfire/base/cpu_list.hpp"
#include "ringfire/run/config.hpp"
#include "ringfire/target/options.hpp"
#include "ringfire/target/server.hpp"

namespace {

using ringfire::target::TargetOptions;

constexpr int kUsageError = 2;

// Durations and sizes come in as text ("2s", "64KiB") and are parsed once here.
struct RawOptions {
  std::string cpus;
  std::string body_size = "13";
  std::string chunk_size = "4096";
  std::string delay = "0";
  std::string stall_at;
  std::string stall_for;
  std::string duration;
  std::string fault;
  std::string flap_every;
  bool quiet = false;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ringfire-target: %s\n", message.c_str());
  return kUsageError;
}

// Fills `out` from the raw texts; empty on success, else the one-line complaint.
std::string finish_options(const RawOptions& raw, bool threads_given, TargetOptions& out,
                           std::optional<std::chrono::nanoseconds>& duration) {
  if (!raw.cpus.empty()) {
    if (!ringfire::parse_cpu_list(raw.cpus, out.cpus)) {
      return "bad --cpus list '" + raw.cpus + "' (want e.g. 0,2,4-7)";
    }
    if (!threads_given) out.threads = static_cast<unsigned>(out.cpus.size());
  }
  auto body = ringfire::target::parse_byte_size(raw.body_size);
  if (!body) return "bad --body-size '" + raw.body_size + "'";
  out.body_size = *body;
  auto chunk = ringfire::target::parse_byte_size(raw.chunk_size);
  if (!chunk) return "bad --chunk-size '" + raw.chunk_size + "'";
  out.chunk_size = *chunk;
  if (!ringfire::parse_duration(raw.delay, out.delay)) {
    return "bad --delay '" + raw.delay + "' (want e.g. 500us, 1ms, 2s, 1m)";
  }
  if (raw.stall_at.empty() != raw.stall_for.empty()) {
    return "--stall-at and --stall-for go together";
  }
  if (!raw.stall_at.empty()) {
    if (!ringfire::parse_duration(raw.stall_at, out.stall_at) ||
        !ringfire::parse_duration(raw.stall_for, out.stall_for)) {
      return "bad --stall-at/--stall-for duration";
    }
  }
  if (!raw.fault.empty()) {
    const auto mode = ringfire::target::parse_fault_mode(raw.fault);
    if (!mode) {
      return "unknown --fault '" + raw.fault + "' (valid: " + ringfire::target::fault_mode_names() +
             ")";
    }
    out.fault = *mode;
  }
  if (!raw.flap_every.empty()) {
    if (out.fault != ringfire::target::FaultMode::kListenerFlap) {
      return "--flap-every goes with --fault listener-flap";
    }
    if (!ringfire::parse_duration(raw.flap_every, out.flap_every) || out.flap_every.count() <= 0) {
      return "bad --flap-every '" + raw.flap_every + "'";
    }
  }
  if (!raw.duration.empty()) {
    std::chrono::nanoseconds d{};
    if (!ringfire::parse_duration(raw.duration, d) || d.count() <= 0) {
      return "bad --duration '" + raw.duration + "'";
    }
    duration = d;
  }
  return ringfire::target::validate(out);
}

// Blocks until SIGINT/SIGTERM or until `duration` has passed. The signals are blocked in every
// thread (the mask is inherited), so they queue for this sigtimedwait instead of interrupting a
// worker: no handler, no async-signal-safety puzzles, and the workers never see EINTR.
void wait_for_stop(const sigset_t& signals, std::optional<std::chrono::nanoseconds> duration) {
  using Clock = std::chrono::steady_clock;
  const auto deadline = duration ? Clock::now() + *duration : Clock::time_point::max();
  for (;;) {
    auto slice = std::chrono::nanoseconds(std::chrono::seconds(1));
    if (duration) {
      const auto left = deadline - Clock::now();
      if (left <= Clock::duration::zero()) return;
      slice = std::min<std::chrono::nanoseconds>(slice, left);
    }
    const timespec timeout{static_cast<time_t>(slice.count() / 1'000'000'000),
                           static_cast<long>(slice.count() % 1'000'000'000)};
    if (sigtimedwait(&signals, nullptr, &timeout) > 0) return;
  }
}

// Every flag and option; returns --threads (whether it was given changes --cpus' meaning).
CLI::Option* add_options(CLI::App& app, TargetOptions& options, RawOptions& raw) {
  app.get_formatter()->column_width(34);
  app.add_option("--port", options.port, "TCP port; 0 picks a free one")->capture_default_str();
  app.add_option("--bind", options.bind, "Loopback address: 127.0.0.0/8, ::1 or localhost")
      ->capture_default_str();
  CLI::Option* threads = app.add_option("--threads", options.threads,
                                        "Server threads (default 1, or one per --cpus entry)")
                             ->type_name("N");
  app.add_option("--cpus", raw.cpus, "Pin thread i to the i-th CPU of LIST, e.g. 0,2,4-7")
      ->type_name("LIST");
  app.add_option("--body-size", raw.body_size, "Response body BYTES (suffixes k, KiB, m, MiB)")
      ->type_name("BYTES")
      ->capture_default_str();
  app.add_option("--status", options.status, "Response status CODE (200-599)")
      ->type_name("CODE")
      ->capture_default_str();
  app.add_option("--delay", raw.delay,
                 "Send each response DURATION after its request arrived (500us, 1ms, 2s, 1m)")
      ->type_name("DURATION")
      ->capture_default_str();
  app.add_flag("--chunked", options.chunked, "Transfer-Encoding: chunked bodies");
  app.add_option("--chunk-size", raw.chunk_size, "Chunk BYTES with --chunked")
      ->type_name("BYTES")
      ->capture_default_str();
  app.add_option("--close-every", options.close_every,
                 "Every Nth response on a connection says 'Connection: close' and closes it")
      ->type_name("N");
  app.add_option("--stall-at", raw.stall_at,
                 "Once, DURATION after start, hold every response due in the stall...")
      ->type_name("DURATION");
  app.add_option("--stall-for", raw.stall_for,
                 "...until DURATION later (tests coordinated omission)")
      ->type_name("DURATION");
  app.add_flag("--http10", options.http10,
               "Answer as HTTP/1.0; close after each response unless the request asked keep-alive");
  app.add_option("--fault", raw.fault, "Misbehave on purpose: one of the MODEs above")
      ->type_name("MODE");
  app.add_option("--flap-every", raw.flap_every,
                 "With --fault listener-flap: listener up DURATION, down DURATION (default 1s)")
      ->type_name("DURATION");
  app.add_option("--duration", raw.duration, "Exit by itself after DURATION (a safety bound)")
      ->type_name("DURATION");
  app.add_option("--backlog", options.backlog,
                 "listen() backlog (default 4096): a small one overflows under a connect storm")
      ->check(CLI::Range(1, 65535));
  app.add_flag("--count-paths", options.count_paths,
               "At exit, print 'path PATH N REQUEST_BYTES RESPONSE_BYTES' per request path");
  app.add_option("--tls-cert", options.tls_cert,
                 "Serve HTTPS (TLS 1.2/1.3) with this certificate chain (PEM); at most 1,024 "
                 "TLS connections at once per thread (one more is closed at accept)")
      ->type_name("FILE");
  app.add_option("--tls-key", options.tls_key, "Its private key (PEM); default: in --tls-cert")
      ->type_name("FILE");
  app.add_flag("--quiet", raw.quiet, "No informational lines on stderr");

  return threads;
}

void print_start(const TargetOptions& options, const ringfire::target::TargetServer& server) {
  const std::string fault_note =
      options.fault == ringfire::target::FaultMode::kNone
          ? std::string()
          : ", fault " + std::string(ringfire::target::fault_mode_name(options.fault));
  std::fprintf(
      stderr, "ringfire-target: %u thread(s), io_uring %s,%s status %d, body %llu bytes%s%s%s\n",
      options.threads, server.ring_mode().c_str(), options.tls_cert.empty() ? "" : " TLS,",
      options.status, static_cast<unsigned long long>(options.body_size),
      options.chunked ? ", chunked" : "", options.http10 ? ", HTTP/1.0" : "", fault_note.c_str());
}

// The per-thread figures and the 400s, on stderr (with --quiet not at all).
void print_details(const ringfire::target::ServerTotals& totals) {
  if (totals.per_worker.size() > 1) {
    for (size_t i = 0; i < totals.per_worker.size(); ++i) {
      const auto& t = totals.per_worker[i];
      std::fprintf(stderr,
                   "ringfire-target: thread %zu: connections %llu, requests read %llu, "
                   "responses %llu\n",
                   i, static_cast<unsigned long long>(t.connections),
                   static_cast<unsigned long long>(t.requests_read),
                   static_cast<unsigned long long>(t.responses));
    }
  }
  if (totals.bad_requests > 0) {
    std::fprintf(stderr, "ringfire-target: %llu bad request(s) answered with 400\n",
                 static_cast<unsigned long long>(totals.bad_requests));
  }
}

// The exit lines on stdout (see the top of this file).
void print_totals(const TargetOptions& options, const ringfire::target::ServerTotals& totals) {
  std::printf("connections: %llu\nrequests_read: %llu\nresponses: %llu\n",
              static_cast<unsigned long long>(totals.connections),
              static_cast<unsigned long long>(totals.requests_read),
              static_cast<unsigned long long>(totals.responses));
  if (options.fault != ringfire::target::FaultMode::kNone) {
    std::printf("responses_partial: %llu\n",
                static_cast<unsigned long long>(totals.responses_partial));
  }
  std::printf("request_body_bytes: %llu\n",
              static_cast<unsigned long long>(totals.request_body_bytes));
  if (options.count_paths) {
    // A request-target holds no spaces, so the line splits at its spaces.
    for (const auto& [path, f] : totals.paths.paths) {
      std::printf("path %s %llu %llu %llu\n", path.c_str(),
                  static_cast<unsigned long long>(f.responses),
                  static_cast<unsigned long long>(f.request_bytes),
                  static_cast<unsigned long long>(f.response_bytes));
    }
    const ringfire::target::PathFigures& other = totals.paths.other;
    if (other.responses > 0 || other.request_bytes > 0) {
      std::printf("path_other: %llu %llu %llu\n", static_cast<unsigned long long>(other.responses),
                  static_cast<unsigned long long>(other.request_bytes),
                  static_cast<unsigned long long>(other.response_bytes));
    }
  }
  std::printf("requests: %llu\n", static_cast<unsigned long long>(totals.responses));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ringfire-target: a small, fast HTTP/1.1 server on io_uring for ringfire's tests, demos,\n"
      "benchmarks and self-checks. Binds loopback only. Each thread owns one io_uring ring and\n"
      "one SO_REUSEPORT listener on the shared port.\n\n"
      "stdout: 'listening on HOST:PORT' at start; when stopped by SIGINT/SIGTERM or --duration,\n"
      "'connections: N', 'requests_read: N' (complete requests received, answered or not),\n"
      "'responses: N' (responses whose every byte the kernel accepted, 400s included), with\n"
      "--fault 'responses_partial: N' (responses begun and cut short), 'request_body_bytes: N'\n"
      "(Content-Length request body bytes received; chunked request bodies get 400), with\n"
      "--count-paths 'path PATH N REQUEST_BYTES RESPONSE_BYTES' per request path (query string\n"
      "cut off): N responses, the bytes of the complete requests read (head and body) and of\n"
      "those N responses (beyond 10,000 distinct paths the rest in 'path_other: N REQ RESP'),\n"
      "and last 'requests: N' (the same figure as responses). All exact across threads.\n\n"
      "--fault MODE misbehaves on purpose (one mode at a time):\n"
      "  response-before-request    a complete response on accept, before any request\n"
      "  junk-after-response        'XYZ' CRLF after every response\n"
      "  shut-write-after-response  FIN after the first response; later requests read, unanswered\n"
      "  empty-lines                an empty line before every response but the first\n"
      "  reset-mid-body             the head and half the body, then RST\n"
      "  close-after-headers        the head only (a body announced), then FIN\n"
      "  close-before-any-byte      the request read, then FIN without a byte\n"
      "  endless-headers            header lines until the client closes\n"
      "  endless-chunked            chunks until the client closes\n"
      "  listener-flap              listener up --flap-every, then down (connections reset)\n"
      "  close-announced            'Connection: close' on every response, then close\n\n"
      "Examples:\n"
      "  ringfire-target --port 8080 --threads 2 --cpus 0,1\n"
      "  ringfire-target --body-size 64KiB --chunked --chunk-size 8k\n"
      "  ringfire-target --delay 5ms --stall-at 2s --stall-for 500ms --duration 10s\n"
      "  ringfire-target --fault reset-mid-body --body-size 1k\n"
      "  ringfire-target --count-paths --duration 30s\n"
      "  ringfire-target --tls-cert cert.pem --tls-key key.pem   (https://; faults work too)\n",
      "ringfire-target"};
  TargetOptions options;
  RawOptions raw;
  CLI::Option* threads = add_options(app, options, raw);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kUsageError;
  }
  std::optional<std::chrono::nanoseconds> duration;
  if (std::string problem = finish_options(raw, threads->count() > 0, options, duration);
      !problem.empty()) {
    return usage_error(problem);
  }

  // Before any thread exists, so every worker inherits the mask (see wait_for_stop).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a parent that stopped reading our stdout must not kill us
  ringfire::raise_fd_limit();

  std::string error;
  auto server = ringfire::target::TargetServer::start(options, error);
  if (!server) {
    std::fprintf(stderr, "ringfire-target: %s\n", error.c_str());
    return 1;
  }
  std::printf("listening on %s\n", server->address().c_str());
  std::fflush(stdout);
  if (!raw.quiet) print_start(options, *server);

  wait_for_stop(signals, duration);
  server->request_stop();
  const ringfire::target::ServerTotals totals = server->wait();
  if (!raw.quiet) print_details(totals);
  print_totals(options, totals);
  return totals.failure.empty() ? 0 : 1;  // the counts are true, but a thread stopped serving
}
