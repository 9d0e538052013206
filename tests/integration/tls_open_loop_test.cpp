// Open loop over TLS: a request that has to wait for a new connection's handshake counts from its
// intended send time, so the handshake stall is in its latency (README, HTTPS). A tiny Python TLS
// server sleeps before each handshake; with --keepalive-requests 1 every request needs a new
// connection, and one connection at 5 req/s is never ready in time. Closed loop, against the same
// server, keeps connect and handshake out of the latency (they are in the handshake histogram).
#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "harness.hpp"
#include "tls_certs.hpp"

namespace ringfire::testing {
namespace {

// argv: CERT KEY DELAY_S. Prints "port N", serves for at most 30 s (a bound of its own).
constexpr const char* kSlowHandshakeServer = R"(
import socket, ssl, sys, threading, time
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[1], sys.argv[2])
delay = float(sys.argv[3])
ls = socket.socket()
ls.bind(("127.0.0.1", 0))
ls.listen(64)
ls.settimeout(0.5)
print("port", ls.getsockname()[1], flush=True)
def serve(c):
    try:
        time.sleep(delay)  # the client's ClientHello waits unanswered
        s = ctx.wrap_socket(c, server_side=True)
        buf = b""
        while True:
            d = s.recv(4096)
            if not d:
                break
            buf += d
            while b"\r\n\r\n" in buf:
                _, buf = buf.split(b"\r\n\r\n", 1)
                s.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    except (OSError, ssl.SSLError):
        pass
    finally:
        c.close()
end = time.monotonic() + 30
while time.monotonic() < end:
    try:
        c, _ = ls.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
)";

constexpr double kDelayS = 0.3;

TEST(TlsOpenLoop, AHandshakeStallCountsFromTheIntendedTime) {
  TlsCerts certs;
  ASSERT_TRUE(certs.ok());
  auto server = Subprocess::start({"/usr/bin/python3", "-c", kSlowHandshakeServer, certs.cert(),
                                   certs.key(), std::to_string(kDelayS)});
  ASSERT_TRUE(server);
  const auto line = server->read_line_starting_with("port ", std::chrono::seconds(10));
  ASSERT_TRUE(line);
  const std::string url = "https://127.0.0.1:" + line->substr(5) + "/";
  const std::vector<std::string> common = {
      "--cacert", certs.cert(),           "-c", "1", "-t", "1", "--timeout", "3s", "-d",
      "1s",       "--keepalive-requests", "1"};

  std::vector<std::string> open = common;
  open.insert(open.end(), {"-R", "5", url});
  const RingfireRun o = run_ringfire(open, std::chrono::seconds(30));
  std::vector<std::string> closed = common;
  closed.push_back(url);
  const RingfireRun c = run_ringfire(closed, std::chrono::seconds(30));
  server->stop(SIGKILL);

  ASSERT_EQ(o.exit.exit_code, 0) << o.exit.err;
  ASSERT_EQ(c.exit.exit_code, 0) << c.exit.err;
  const double stall_ns = kDelayS * 1e9;
  // Open loop: every request waited for a connection whose handshake the server held back.
  ASSERT_GT(u(o.result.at("totals"), "completed"), 0u);
  EXPECT_GE(o.result.at("latency_ns").at("min").get<double>(), 0.9 * stall_ns)
      << o.result.at("latency_ns").dump();
  // Closed loop: the request is sent on a ready connection; the stall is the handshake's.
  ASSERT_GT(u(c.result.at("totals"), "completed"), 0u);
  EXPECT_LT(c.result.at("latency_ns").at("percentiles").at("50").get<double>(), 0.5 * stall_ns)
      << c.result.at("latency_ns").dump();
  const nlohmann::json& tls = c.result.at("tls");
  const nlohmann::json& full = tls.at("full_latency_ns");
  EXPECT_GE(full.at("max").get<double>(), 0.9 * stall_ns) << tls.dump();
}

}  // namespace
}  // namespace ringfire::testing
