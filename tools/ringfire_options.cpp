#include "ringfire_options.hpp"

#include <string>

namespace ringfire {
namespace {

const char* kExamples = R"(
Examples:
  ringfire -c 100 -d 10s http://127.0.0.1:8080/
  ringfire -c 100 -d 5s -p 10 http://127.0.0.1:5000/          # like autocannon -c 100 -d 5 -p 10
  ringfire -t 2 -c 1000 -d 60s --latency http://127.0.0.1:8080/ # like wrk -t2 -c1000 -d60s --latency
  ringfire -n 100000 -c 50 --json out.json http://localhost:8080/api
  ringfire -R 20000 -c 200 -d 30s http://127.0.0.1:8080/     # open loop, like wrk2 -R 20000
  ringfire -R 5000 --arrival poisson --ramp 10s -d 60s --hdr-out lat.hgrm http://127.0.0.1:8080/
  ringfire --self-check                                         # ringfire's ceiling on this box
  ringfire --shard 0/3 --start-at 1764950400 -R 30000 -d 60s --json s0.json URL  # box 0 of 3
  ringfire merge s0.json s1.json s2.json -o all.json           # the shards into one result
  ringfire -m POST -H 'Content-Type: application/json' -b '{"a":1}' http://127.0.0.1:3000/items

Exit status: 0 success, 1 runtime failure (nothing reached, setup failed), 2 usage error,
3 a --threshold failed, 4 --strict found the client the bottleneck or the schedule not kept
(1 beats 3, 3 beats 4).
)";

void declare_load(CLI::App& app, RunConfig& config, CommandLine& line) {
  app.add_option("url", line.urls,
                 "Target URL: http://host[:port]/path?query (several: one label each, equal "
                 "weights)");
  app.add_option("--scenario", line.scenario_file,
                 "JSON or YAML scenario: labelled requests, templates, weights and expectations");
  app.add_option("--url-file", line.url_file,
                 "Requests from a file, one '[METHOD] URL [@body-file]' a line");
  app.add_option("--variants", config.variants,
                 "Preformatted requests per label and worker for templates (default 4096)");
  app.add_flag("--self-check", line.self_check,
               "Measure ringfire's own ceiling on this machine against the bundled server");
  app.add_option("-c,--connections", config.connections, "Connections to keep open (default 10)");
  app.add_option("-t,--threads", config.threads,
                 "Worker threads, one ring each (default: the CPUs ringfire may run on, at most "
                 "the connections)");
  app.add_option("-d,--duration", line.duration,
                 "Measured duration: 500ms, 10s, 2m (default 10s; unlimited with -n alone)");
  app.add_option("-n,--requests", config.requests, "Stop after exactly this many responses");
  app.add_option("-p,--pipeline", config.pipeline, "Requests in flight per connection (default 1)");
  app.add_option("-R,--rate", config.rate,
                 "Open loop: requests/s in total, on a schedule fixed in advance; latency counts "
                 "from each request's intended send time");
  app.add_option("--arrival", line.arrival, "Open-loop arrivals: constant (default) or poisson");
  app.add_option("--seed", config.seed, "Seed for --arrival poisson (default 1)");
  app.add_option("--ramp", line.ramp,
                 "Rise linearly from zero over this time: the rate (open loop) or the open "
                 "connections (closed loop); excluded from the statistics");
  app.add_flag("--include-ramp", config.include_ramp, "Measure the ramp too");
  app.add_option("--timeout", line.timeout, "Per-request timeout (default 2s)");
  app.add_option("--warmup", line.warmup, "Warm-up before measuring, excluded from the statistics");
  app.add_option("--cpus", line.cpus, "CPUs to pin workers to, e.g. 0,2-3");
}

void declare_request(CLI::App& app, RunConfig& config, CommandLine& line) {
  app.add_option("-m,--method", config.method, "HTTP method (default GET)");
  // One value per -H: without this, CLI11 lets a repeatable option take every following word,
  // the URL included.
  app.add_option("-H,--header", config.headers, "Request header 'Name: value' (repeatable)")
      ->allow_extra_args(false);
  app.add_option("-b,--body", config.body, "Request body");
  app.add_option("--body-file", line.body_file, "Read the request body from a file");
}

void declare_output_and_tuning(CLI::App& app, RunConfig& config, CommandLine& line) {
  app.add_option(
      "--json", config.json_path,
      "Write the full result as JSON to this file ('-': to stdout, and the report to stderr)");
  app.add_option("--timeseries", config.timeseries_path, "Write the per-second series as CSV");
  app.add_option("--hdr-out", config.hdr_out_path,
                 "Write the latency percentile distribution in HdrHistogram's text format");
  app.add_option("--html", config.html_path,
                 "Write a self-contained HTML page: the report and the per-second charts");
  app.add_flag("--latency", config.latency_table, "Print the full latency percentile table");
  app.add_flag("-q,--quiet", config.quiet, "Print nothing on success (use with --json)");
  app.add_option("--threshold", line.thresholds,
                 "CI gate METRIC OP VALUE, e.g. 'p99<10ms', 'errors<1%', 'rps>=5000', 'closed==0' "
                 "(repeatable; exit 3 if any fails)")
      ->allow_extra_args(false);
  app.add_flag("--strict", config.strict,
               "Exit 4 when the client was the bottleneck or the open-loop schedule was not kept");
  app.add_option("--wait-batch", config.wait_batch,
                 "Wait for up to this many completions per wake-up under load (default 64; 1: "
                 "wake for each)");
  app.add_option("--wait-max", line.wait_max,
                 "Longest a batched wait may delay a completion (default 200us)");
  app.add_flag("--sqpoll", config.sqpoll,
               "A kernel thread polls each ring's submissions (fewer syscalls, costs CPU)");
}

// Many connections: where they come from and how fast they open (issue 12).
void declare_scale(CLI::App& app, RunConfig& config, CommandLine& line) {
  app.add_option("--source-ip", line.source_ip,
                 "Bind connections to these local addresses, round-robin: 127.0.0.2,127.0.0.3, "
                 "ranges 10.0.0.5-10.0.0.8, blocks 127.0.1.0/24 (each brings its own local ports)");
  app.add_option("--connect-rate", config.connect_rate,
                 "Open at most this many connections per second, across workers (default: no "
                 "limit)");
  app.add_flag("--h2c", config.http2, "HTTP/2 over cleartext by prior knowledge (http://)");
  app.add_flag("--http2", line.http2, "HTTP/2 (on http://: as --h2c)");
  // -m is --method: the streams option has its long name only.
  app.add_option("--streams", config.streams,
                 "HTTP/2: concurrent streams per connection (h2load's -m; default 1)");
  app.add_option("--window-bits", config.window_bits,
                 "HTTP/2: stream and connection windows of 2^N-1 bytes (default 30)");
  app.add_option("--keepalive-requests", config.keepalive_requests,
                 "Close and reopen each connection after this many responses (default: never)");
}

// https:// (issue 20): how the TLS handshake is made. Every one of these needs an https:// URL.
void declare_tls(CLI::App& app, RunConfig& config, CommandLine& line) {
  const auto given = [&line](const std::string&) { line.tls_options = true; };
  TlsOptions& t = config.tls;
  app.add_option("--sni", t.sni, "Server name to send (SNI) and verify (default: the URL's host)")
      ->each(given);
  app.add_flag_callback(
      "-k,--insecure",
      [&] {
        t.insecure = true;
        line.tls_options = true;
      },
      "Do not verify the server's certificate");
  app.add_option("--cacert", t.ca_file, "Trust the CAs in this PEM file instead of the system's")
      ->each(given);
  app.add_option("--cert", t.cert_file, "Client certificate (PEM, with its chain)")->each(given);
  app.add_option("--key", t.key_file, "The client certificate's private key (PEM)")->each(given);
  app.add_option("--tls-version", line.tls_version,
                 "Speak exactly TLS 1.2 or 1.3 (default: either)")
      ->each(given);
  app.add_option("--ciphers", t.ciphers, "TLS 1.2 cipher list (OpenSSL syntax)")->each(given);
  app.add_option("--tls13-ciphers", t.tls13_ciphers, "TLS 1.3 cipher suites (OpenSSL syntax)")
      ->each(given);
  app.add_option("--groups", t.groups, "Key exchange groups, e.g. X25519:P-256")->each(given);
  app.add_option("--tls-resume", t.resume,
                 "Share of handshakes that offer to resume the worker's newest session: 1 "
                 "(default) whenever it can, 0 never, 0.25 a quarter")
      ->each(given);
  app.add_option("--ktls", line.ktls,
                 "Kernel TLS: auto (default; user space when the kernel has no tls ULP), on, off "
                 "(only the probe exists: records are always encrypted in user space)")
      ->each(given);
}

// Beyond one box (issue 21): a shard of the run, and when its measured window begins.
void declare_shards(CLI::App& app, CommandLine& line) {
  app.add_option("--shard", line.shard,
                 "Run shard I of N (0 <= I < N) of the run the other options describe: its share "
                 "of -c and -n, and every N-th request of the one -R schedule");
  app.add_option("--start-at", line.start_at,
                 "Begin the measured window at this wall-clock time: unix seconds, RFC 3339 "
                 "(2026-12-05T16:30:00Z) or +5s; connections open and warm-up runs before it");
}

}  // namespace

void declare_options(CLI::App& app, RunConfig& config, CommandLine& line) {
  app.footer(kExamples);
  app.set_version_flag("--version", std::string("ringfire ") + RINGFIRE_VERSION);
  declare_load(app, config, line);
  declare_request(app, config, line);
  declare_output_and_tuning(app, config, line);
  declare_scale(app, config, line);
  declare_shards(app, line);
  declare_tls(app, config, line);
}

}  // namespace ringfire
