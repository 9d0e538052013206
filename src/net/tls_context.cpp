// TlsTransport's set-up: the per-worker SSL_CTX from the run's TLS options, OpenSSL's callbacks
// (the session cache, alerts, SSLKEYLOGFILE) and the slot pool. Everything here runs once per
// worker, before the first connection.
#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

#include "ringfire/net/tls_transport.hpp"

namespace ringfire {

namespace {

// A record carries at most 16 KiB of plaintext; SSL_read never hands more at once.
constexpr size_t kPlainBytes = 16 * 1024;
// Room for a handshake flight (a client certificate chain) besides the sealed requests.
constexpr size_t kFlightBytes = 32 * 1024;
// The most a record adds to its plaintext: header, explicit IV, MAC, padding (CBC suites).
constexpr size_t kRecordOverhead = 512;

std::string openssl_error(const std::string& what) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  char text[256] = "unknown error";
  if (e != 0) ERR_error_string_n(e, text, sizeof(text));
  return what + ": " + text;
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

// OpenSSL calls C functions; these find the transport through the context's app data.
struct TlsCallbacks {
  static TlsTransport* of(const SSL* ssl) {
    return static_cast<TlsTransport*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  }
  // A client's session (TLS 1.2 at the handshake's end, TLS 1.3 with each ticket): 1 = kept.
  static int new_session(SSL* ssl, SSL_SESSION* session) {
    if (SSL_SESSION_is_resumable(session) == 0) return 0;
    of(ssl)->keep_session(session);
    return 1;
  }
  static void info(const SSL* ssl, int where, int ret) {
    // Only fatal alerts end a handshake; close_notify and the like are warnings.
    if ((where & SSL_CB_READ_ALERT) != 0 && (ret >> 8) == SSL3_AL_FATAL) {
      of(ssl)->alert_received(const_cast<SSL*>(ssl), SSL_alert_desc_string_long(ret));
    }
  }
  // SSLKEYLOGFILE: one NSS line per secret, appended with one write (atomic with O_APPEND, so
  // the workers' lines never interleave). A write per handshake, only when asked for.
  static void keylog(const SSL* ssl, const char* line) {
    const int fd = of(ssl)->keylog_fd_;
    if (fd < 0) return;
    char buf[512];
    const size_t n = std::min(std::strlen(line), sizeof(buf) - 1);
    std::memcpy(buf, line, n);
    buf[n] = '\n';
    [[maybe_unused]] const ssize_t w = ::write(fd, buf, n + 1);
  }
};

TlsTransport::TlsTransport() = default;

TlsTransport::~TlsTransport() {
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i].ssl != nullptr) {
      slots_[i].release_pending = false;
      slots_[i].in_open = false;
      release(i);
    }
  }
  if (cached_ != nullptr) SSL_SESSION_free(cached_);
  if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  if (keylog_fd_ >= 0) ::close(keylog_fd_);
}

bool TlsTransport::init(const TlsOptions& o, const std::string& host, uint32_t slots,
                        size_t max_plain_out, std::string& error, Role role) {
  role_ = role;
  ctx_ = SSL_CTX_new(role == Role::kClient ? TLS_client_method() : TLS_server_method());
  if (ctx_ == nullptr) return error = openssl_error("TLS context"), false;
  SSL_CTX_set_app_data(ctx_, this);
  // TLS 1.2 and 1.3 only, or exactly the one asked for (--tls-version).
  const int low = o.version == 13 ? TLS1_3_VERSION : TLS1_2_VERSION;
  const int high = o.version == 12 ? TLS1_2_VERSION : TLS1_3_VERSION;
  SSL_CTX_set_min_proto_version(ctx_, low);
  SSL_CTX_set_max_proto_version(ctx_, high);
  // Records may leave from a moving buffer (the output buffer is compacted) and in parts.
  SSL_CTX_set_mode(ctx_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!o.ciphers.empty() && SSL_CTX_set_cipher_list(ctx_, o.ciphers.c_str()) != 1) {
    return error = openssl_error("--ciphers '" + o.ciphers + "'"), false;
  }
  if (!o.tls13_ciphers.empty() && SSL_CTX_set_ciphersuites(ctx_, o.tls13_ciphers.c_str()) != 1) {
    return error = openssl_error("--tls13-ciphers '" + o.tls13_ciphers + "'"), false;
  }
  if (!o.groups.empty() && SSL_CTX_set1_groups_list(ctx_, o.groups.c_str()) != 1) {
    return error = openssl_error("--groups '" + o.groups + "'"), false;
  }
  if (!o.cert_file.empty()) {
    const std::string& key = o.key_file.empty() ? o.cert_file : o.key_file;
    if (SSL_CTX_use_certificate_chain_file(ctx_, o.cert_file.c_str()) != 1) {
      return error = openssl_error("certificate " + o.cert_file), false;
    }
    if (SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx_) != 1) {
      return error = openssl_error("private key " + key), false;
    }
  }
  if (role == Role::kClient) {
    verify_ = !o.insecure;
    if (verify_) {
      const bool loaded =
          o.ca_file.empty() ? SSL_CTX_set_default_verify_paths(ctx_) == 1
                            : SSL_CTX_load_verify_locations(ctx_, o.ca_file.c_str(), nullptr) == 1;
      if (!loaded) return error = openssl_error("--cacert " + o.ca_file), false;
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    } else {
      SSL_CTX_set_verify(ctx_, SSL_VERIFY_NONE, nullptr);
    }
    static const unsigned char kAlpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(ctx_, kAlpn, sizeof(kAlpn) - 1);
    // The worker keeps its own cache of one session (the newest); OpenSSL's store stays empty.
    SSL_CTX_set_session_cache_mode(ctx_, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx_, &TlsCallbacks::new_session);
    server_name_ = o.sni.empty() ? host : o.sni;
    ip_host_ = is_ip_literal(server_name_);
    resume_ = o.resume;
  }
  SSL_CTX_set_info_callback(ctx_, &TlsCallbacks::info);
  if (!o.keylog_file.empty()) {
    keylog_fd_ = ::open(o.keylog_file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (keylog_fd_ < 0) return error = "SSLKEYLOGFILE " + o.keylog_file + ": cannot open", false;
    SSL_CTX_set_keylog_callback(ctx_, &TlsCallbacks::keylog);
  }
  plain_cap_ = kPlainBytes;
  out_cap_ = kFlightBytes + max_plain_out + (max_plain_out / kPlainBytes + 1) * kRecordOverhead;
  memory_ = std::make_unique_for_overwrite<char[]>(size_t{slots} * (plain_cap_ + out_cap_));
  slots_.assign(slots, Slot{});
  free_.resize(slots);
  for (uint32_t i = 0; i < slots; ++i) free_[i] = slots - 1 - i;
  stats_.enabled = true;
  stats_.resume_ratio = resume_;
  // Only the probe exists: records are encrypted here whatever the kernel offers.
  stats_.ktls = o.ktls == KtlsMode::kOff ? "off"
                : ktls_available()       ? "available, not used (offload not implemented)"
                                         : "not available (no tls ULP)";
  return true;
}

void TlsTransport::keep_session(SSL_SESSION* session) {
  if (cached_ != nullptr) SSL_SESSION_free(cached_);
  cached_ = session;  // new_session() returned 1: the reference is ours
}

void TlsTransport::alert_received(SSL* ssl, const char* description) {
  auto* slot = static_cast<Slot*>(SSL_get_app_data(ssl));
  if (slot != nullptr) slot->alert = description;
}

}  // namespace ringfire
