// TlsTransport between two in-memory endpoints (a client and a server slot pool, no socket): the
// handshake, data both ways, and every server record delivered split at every offset. The
// certificate is made by the openssl CLI in a temp dir (skipped without it).
#include "ringfire/net/tls_transport.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

namespace ringfire {
namespace {

class TlsPair : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringfire-tls-unit-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    const std::string make = "cd " + dir_ +
                             " && openssl req -x509 -newkey ec -pkeyopt "
                             "ec_paramgen_curve:P-256 -nodes -keyout key.pem -out cert.pem -days "
                             "2 -subj /CN=localhost -addext subjectAltName=DNS:localhost "
                             "2>/dev/null";
    if (std::system(make.c_str()) != 0) GTEST_SKIP() << "no openssl CLI";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Both ends set up; the client trusts the server's self-signed certificate.
  void init(uint16_t version = 0) {
    std::string error;
    TlsOptions c;
    c.enabled = true;
    c.ca_file = dir_ + "/cert.pem";
    c.version = version;
    ASSERT_TRUE(client_->init(c, "localhost", 1, 4096, error)) << error;
    TlsOptions s;
    s.cert_file = dir_ + "/cert.pem";
    s.key_file = dir_ + "/key.pem";
    ASSERT_TRUE(server_->init(s, "", 1, 4096, error, TlsTransport::Role::kServer)) << error;
  }

  // Hands what `from` produced to `to` (whole), collecting the plaintext `to` delivers.
  static TransportStep carry(TlsTransport& from, TlsTransport::Session& fs, TlsTransport& to,
                             TlsTransport::Session& ts, std::string& plain) {
    const std::span<const char> wire = from.handshake_output(fs);
    const std::string bytes(wire.data(), wire.size());
    from.sent(fs);
    return to.open(ts, bytes, [&](std::span<const char> p) { plain.append(p.data(), p.size()); });
  }

  void handshake() {
    ASSERT_EQ(client_->start(cs_), TransportStep::kHandshaking);
    ASSERT_EQ(server_->start(ss_), TransportStep::kHandshaking);
    std::string plain;
    TransportStep c = TransportStep::kHandshaking, s = TransportStep::kHandshaking;
    for (int round = 0; round < 10 && (c != TransportStep::kReady || s != TransportStep::kReady);
         ++round) {
      s = carry(*client_, cs_, *server_, ss_, plain);
      c = carry(*server_, ss_, *client_, cs_, plain);
      ASSERT_NE(s, TransportStep::kFailed);
      ASSERT_NE(c, TransportStep::kFailed);
    }
    ASSERT_EQ(c, TransportStep::kReady);
    ASSERT_EQ(s, TransportStep::kReady);
    EXPECT_TRUE(plain.empty());
    client_->established(cs_, 1000);
  }

  // Fresh ends (a transport is set up once).
  void reset_ends() {
    client_ = std::make_unique<TlsTransport>();
    server_ = std::make_unique<TlsTransport>();
    cs_ = {};
    ss_ = {};
  }

  std::string dir_;
  std::unique_ptr<TlsTransport> client_ = std::make_unique<TlsTransport>();
  std::unique_ptr<TlsTransport> server_ = std::make_unique<TlsTransport>();
  TlsTransport::Session cs_, ss_;
};

TEST_F(TlsPair, HandshakeThenDataBothWays) {
  for (const uint16_t version : {uint16_t{12}, uint16_t{13}}) {
    SCOPED_TRACE(version);
    reset_ends();
    init(version);
    handshake();
    EXPECT_EQ(client_->stats().full, 1u);
    EXPECT_EQ(client_->stats().protocols.count(version == 12 ? "TLSv1.2" : "TLSv1.3"), 1u);
    const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    client_->seal(cs_, request);
    std::string got;
    ASSERT_EQ(carry(*client_, cs_, *server_, ss_, got), TransportStep::kReady);
    EXPECT_EQ(got, request);
    const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    server_->seal(ss_, response);
    got.clear();
    ASSERT_EQ(carry(*server_, ss_, *client_, cs_, got), TransportStep::kReady);
    EXPECT_EQ(got, response);
  }
}

TEST_F(TlsPair, ServerRecordsSplitAtEveryOffset) {
  init();
  handshake();
  std::string body(3000, 'x');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  for (size_t cut = 0;; ++cut) {
    server_->seal(ss_, body);
    const std::span<const char> wire = server_->handshake_output(ss_);
    const std::string bytes(wire.data(), wire.size());
    server_->sent(ss_);
    if (cut > bytes.size()) break;
    std::string got;
    const auto collect = [&](std::span<const char> p) { got.append(p.data(), p.size()); };
    ASSERT_EQ(client_->open(cs_, std::string_view(bytes).substr(0, cut), collect),
              TransportStep::kReady);
    ASSERT_EQ(client_->open(cs_, std::string_view(bytes).substr(cut), collect),
              TransportStep::kReady);
    ASSERT_EQ(got, body) << "split at " << cut;
  }
}

TEST_F(TlsPair, AClientThatDoesNotTrustTheServerFailsWithTheVerifyError) {
  std::string error;
  TlsOptions c;
  c.enabled = true;
  c.ca_file = "/etc/ssl/certs/ca-certificates.crt";  // the system's CAs: not our self-signed one
  if (access(c.ca_file.c_str(), R_OK) != 0) GTEST_SKIP() << "no system CA bundle";
  ASSERT_TRUE(client_->init(c, "localhost", 1, 4096, error)) << error;
  TlsOptions s;
  s.cert_file = dir_ + "/cert.pem";
  s.key_file = dir_ + "/key.pem";
  ASSERT_TRUE(server_->init(s, "", 1, 4096, error, TlsTransport::Role::kServer)) << error;
  client_->start(cs_);
  server_->start(ss_);
  std::string plain;
  carry(*client_, cs_, *server_, ss_, plain);
  EXPECT_EQ(carry(*server_, ss_, *client_, cs_, plain), TransportStep::kFailed);
  EXPECT_EQ(client_->stats().failed[static_cast<size_t>(TlsFailure::kVerify)], 1u);
  EXPECT_EQ(client_->stats().dominant_failure(),
            "certificate verify failed: self-signed certificate");
}

}  // namespace
}  // namespace ringfire
