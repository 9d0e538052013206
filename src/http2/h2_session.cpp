// nghttp2 in callback mode over memory: the worker's ring moves the bytes, nghttp2 frames them.
#include "ringfire/http2/h2_session.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "ringfire/http2/h2_stats.hpp"

namespace ringfire {

namespace {
// One flush copies at most this much: a large request body goes out in several sends (the next
// flush follows the send's completion), so the buffer stays bounded.
constexpr size_t kMaxFlush = size_t{256} << 10;
}  // namespace

const char* h2_error_name(size_t code) {
  static constexpr const char* kNames[kH2ErrorCodes] = {"NO_ERROR",
                                                        "PROTOCOL_ERROR",
                                                        "INTERNAL_ERROR",
                                                        "FLOW_CONTROL_ERROR",
                                                        "SETTINGS_TIMEOUT",
                                                        "STREAM_CLOSED",
                                                        "FRAME_SIZE_ERROR",
                                                        "REFUSED_STREAM",
                                                        "CANCEL",
                                                        "COMPRESSION_ERROR",
                                                        "CONNECT_ERROR",
                                                        "ENHANCE_YOUR_CALM",
                                                        "INADEQUATE_SECURITY",
                                                        "HTTP_1_1_REQUIRED",
                                                        "OTHER"};
  return code < kH2ErrorCodes ? kNames[code] : kNames[kH2ErrorCodes - 1];
}

// The callbacks are the same for every session: built once (a leak by design, one small object).
nghttp2_session_callbacks* H2Session::callbacks() {
  static nghttp2_session_callbacks* cbs = [] {
    nghttp2_session_callbacks* c = nullptr;
    nghttp2_session_callbacks_new(&c);
    nghttp2_session_callbacks_set_on_header_callback(c, &H2Session::on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(c, &H2Session::on_data);
    nghttp2_session_callbacks_set_on_frame_recv_callback(c, &H2Session::on_frame);
    nghttp2_session_callbacks_set_on_stream_close_callback(c, &H2Session::on_close);
    return c;
  }();
  return cbs;
}

bool H2Session::open(const H2Settings& settings, H2Memory& memory) {
  close();
  nghttp2_option* option = nullptr;
  if (nghttp2_option_new(&option) != 0) return false;
  // Windows are ours to manage: WINDOW_UPDATE goes out as data is consumed (automatic), and
  // nghttp2 must not cap concurrent streams at 100 before the server's SETTINGS arrive.
  nghttp2_option_set_peer_max_concurrent_streams(option, settings.streams);
  const int rv = nghttp2_session_client_new3(&session_, callbacks(), this, option, memory.get());
  nghttp2_option_del(option);
  if (rv != 0) {
    session_ = nullptr;
    return false;
  }
  const auto window = static_cast<int32_t>((uint32_t{1} << settings.window_bits) - 1);
  const nghttp2_settings_entry entries[] = {
      {NGHTTP2_SETTINGS_ENABLE_PUSH, 0},
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, settings.streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<uint32_t>(window)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, entries, std::size(entries));
  // The connection window is not a setting: raise it from 65,535 with one WINDOW_UPDATE.
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, window);
  streams_limit_ = settings.streams;
  if (slots_.size() != settings.streams) {
    slots_.assign(settings.streams, Stream{});
    free_.reserve(settings.streams);
    events_.reserve(settings.streams + 1);
  }
  free_.clear();
  for (uint32_t i = settings.streams; i-- > 0;) free_.push_back(i);
  events_.clear();
  goaway_ = goaway_new_ = false;
  goaway_code_ = 0;
  goaway_last_ = 0;
  return true;
}

void H2Session::close() {
  if (session_ != nullptr) nghttp2_session_del(session_);
  session_ = nullptr;
}

uint32_t H2Session::remote_max_streams() const {
  return session_ == nullptr ? 0
                             : nghttp2_session_get_remote_settings(
                                   session_, NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
}

bool H2Session::can_submit() const {
  if (session_ == nullptr || goaway_ || free_.empty()) return false;
  if (nghttp2_session_check_request_allowed(session_) == 0) return false;
  const uint32_t open = streams_limit_ - static_cast<uint32_t>(free_.size());
  return open < remote_max_streams();
}

int32_t H2Session::submit(const H2Request& request) {
  if (free_.empty()) return -1;
  const uint32_t slot = free_.back();
  Stream& s = slots_[slot];
  s = Stream{&request, 0, 0, 0, 0};
  nghttp2_data_provider body{};
  body.read_callback = &H2Session::read_body;
  const int32_t id = nghttp2_submit_request(session_, nullptr, request.nv.data(), request.nv.size(),
                                            request.body.empty() ? nullptr : &body, &s);
  if (id > 0) free_.pop_back();
  return id;
}

std::span<const char> H2Session::output() {
  out_.clear();
  if (session_ == nullptr) return {};
  while (out_.size() < kMaxFlush) {
    const uint8_t* data = nullptr;
    const ssize_t n = nghttp2_session_mem_send(session_, &data);
    if (n <= 0) break;  // nothing more (or a fatal error: receive() reports those)
    out_.insert(out_.end(), reinterpret_cast<const char*>(data),
                reinterpret_cast<const char*>(data) + n);
  }
  return {out_.data(), out_.size()};
}

bool H2Session::terminated() const {
  // want_read is 0 also after the server's GOAWAY once no stream is open: that end is graceful.
  return session_ != nullptr && !goaway_ && nghttp2_session_want_read(session_) == 0;
}

bool H2Session::receive(std::span<const char> bytes) {
  if (session_ == nullptr) return false;
  const ssize_t n = nghttp2_session_mem_recv(
      session_, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return n == static_cast<ssize_t>(bytes.size());
}

int H2Session::on_header(nghttp2_session*, const nghttp2_frame* frame, const uint8_t* name,
                         size_t namelen, const uint8_t* value, size_t valuelen, uint8_t,
                         void* self) {
  auto* h = static_cast<H2Session*>(self);
  auto* s =
      static_cast<Stream*>(nghttp2_session_get_stream_user_data(h->session_, frame->hd.stream_id));
  if (s == nullptr) return 0;
  s->header_bytes += namelen + valuelen;
  if (std::string_view(reinterpret_cast<const char*>(name), namelen) == ":status" &&
      valuelen == 3) {
    uint16_t status = 0;
    for (size_t i = 0; i < 3; ++i) status = static_cast<uint16_t>(status * 10 + (value[i] - '0'));
    // 1xx responses are interim: the final one overwrites.
    s->status = status;
  }
  return 0;
}

int H2Session::on_data(nghttp2_session*, uint8_t, int32_t stream, const uint8_t*, size_t len,
                       void* self) {
  auto* h = static_cast<H2Session*>(self);
  auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(h->session_, stream));
  if (s != nullptr) s->body_bytes += len;
  return 0;
}

int H2Session::on_frame(nghttp2_session*, const nghttp2_frame* frame, void* self) {
  auto* h = static_cast<H2Session*>(self);
  if (frame->hd.type == NGHTTP2_GOAWAY) {
    // nghttp2 closes the streams above last_stream_id right after this (with REFUSED_STREAM):
    // on_close() must know the line by then.
    h->goaway_ = true;
    h->goaway_new_ = true;
    h->goaway_code_ = frame->goaway.error_code;
    h->goaway_last_ = frame->goaway.last_stream_id;
  }
  return 0;
}

int H2Session::on_close(nghttp2_session*, int32_t stream, uint32_t code, void* self) {
  auto* h = static_cast<H2Session*>(self);
  auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(h->session_, stream));
  if (s == nullptr) return 0;
  H2Event e;
  e.stream = stream;
  e.code = code;
  e.status = s->status;
  e.body_bytes = s->body_bytes;
  e.response_bytes = s->header_bytes + s->body_bytes;
  if (h->goaway_ && stream > h->goaway_last_) {
    e.kind = H2Event::Kind::kNotProcessed;
  } else if (code == NGHTTP2_NO_ERROR && s->status >= 200) {
    e.kind = H2Event::Kind::kResponse;
  } else {
    e.kind = H2Event::Kind::kReset;
    if (code == NGHTTP2_NO_ERROR) e.code = NGHTTP2_PROTOCOL_ERROR;  // ended without a response
  }
  h->events_.push_back(e);
  h->free_.push_back(static_cast<uint32_t>(s - h->slots_.data()));
  return 0;
}

ssize_t H2Session::read_body(nghttp2_session* session, int32_t stream, uint8_t* buf, size_t length,
                             uint32_t* flags, nghttp2_data_source*, void*) {
  // The stream's own state (which body, how much went) is its stream user data, set at submit.
  auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, stream));
  if (s == nullptr) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
  const std::span<const char> body = s->request->body;
  const size_t n = std::min(length, body.size() - s->body_sent);
  std::memcpy(buf, body.data() + s->body_sent, n);
  s->body_sent += n;
  if (s->body_sent == body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

}  // namespace ringfire
