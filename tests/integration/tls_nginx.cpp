#include "tls_nginx.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

namespace ringfire::testing {

namespace {

bool sh(const std::string& command) {
  return std::system(command.c_str()) == 0;
}

// A CA, a second CA that signs nothing, and the server's certificate (localhost, 127.0.0.1).
bool make_certificates(const std::string& d) {
  const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes ";
  return sh("cd " + d + " && openssl req -x509" + ec +
            "-keyout ca.key -out ca.pem -days 2 -subj /CN=ringfire-test-ca 2>/dev/null") &&
         sh("cd " + d + " && openssl req -x509" + ec +
            "-keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca 2>/dev/null") &&
         sh("cd " + d + " && openssl req" + ec +
            "-keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null") &&
         sh("cd " + d + " && printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > ext.cnf") &&
         sh("cd " + d +
            " && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
            "-out server.pem -days 2 -extfile ext.cnf 2>/dev/null");
}

std::string config(const std::string& d, uint16_t port) {
  return "worker_processes 1;\ndaemon off;\nmaster_process on;\npid " + d +
         "/nginx.pid;\nerror_log " + d +
         "/error.log warn;\nevents { worker_connections 1024; }\nhttp {\n"
         "  log_format tls '$ssl_session_reused $ssl_protocol';\n  access_log " +
         d + "/access.log tls;\n  client_body_temp_path " + d + "/body;\n  proxy_temp_path " + d +
         "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d +
         "/uwsgi;\n  scgi_temp_path " + d +
         "/scgi;\n  keepalive_requests 1000000;\n  server {\n    listen 127.0.0.1:" +
         std::to_string(port) + " ssl;\n    ssl_certificate " + d +
         "/server.pem;\n    ssl_certificate_key " + d +
         "/server.key;\n    ssl_protocols TLSv1.2 TLSv1.3;\n    ssl_session_tickets on;\n"
         "    location / { default_type text/plain; return 200 \"Hello, TLS!\"; }\n  }\n}\n";
}

}  // namespace

TlsNginx::TlsNginx() {
  const char* nginx = "/usr/sbin/nginx";
  if (access(nginx, X_OK) != 0) {
    skip_reason_ = "nginx is not installed (apt-get install nginx-light)";
    return;
  }
  char pattern[] = "/tmp/ringfire-tls-XXXXXX";
  if (mkdtemp(pattern) == nullptr) return;
  dir_ = pattern;
  std::filesystem::permissions(dir_, std::filesystem::perms(0755));
  if (!make_certificates(dir_)) {
    skip_reason_ = "the openssl CLI could not make the test certificates";
    return;
  }
  const uint16_t port = unused_port();  // as NginxServer does (harness.cpp)
  std::ofstream(dir_ + "/nginx.conf") << config(dir_, port);
  process_ =
      Subprocess::start({nginx, "-c", dir_ + "/nginx.conf", "-p", dir_, "-e", dir_ + "/error.log"});
  if (!process_) return;
  for (int i = 0; i < 200; ++i) {  // ready when it accepts connections
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    const bool up = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
    close(fd);
    if (up) {
      port_ = port;
      return;
    }
    usleep(25'000);
  }
}

TlsNginx::~TlsNginx() {
  if (process_) process_->stop(SIGQUIT, std::chrono::seconds(10));
  if (!dir_.empty()) std::filesystem::remove_all(dir_);
}

std::map<std::string, int64_t> TlsNginx::log(int64_t at_least) {
  std::map<std::string, int64_t> lines;
  int64_t total = -1;
  for (int i = 0; i < 40; ++i) {
    lines.clear();
    std::ifstream f(dir_ + "/access.log");
    std::string line;
    int64_t n = 0;
    while (std::getline(f, line)) {
      ++lines[line];
      ++n;
    }
    if (n == total && n >= at_least) break;
    total = n;
    usleep(50'000);
  }
  return lines;
}

void TlsNginx::clear_log() {
  std::ofstream(dir_ + "/access.log", std::ios::trunc);
}

}  // namespace ringfire::testing
