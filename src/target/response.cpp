#include "ringfire/target/response.hpp"

#include <algorithm>
#include <cstdio>

namespace ringfire::target {
namespace {

// Identical pipelined responses are sent as one contiguous range; this bounds the copies' total.
constexpr size_t kRepeatBytes = 16 * 1024;
constexpr size_t kMaxCopies = 128;

enum class Framing { kOpen, kKeepAlive, kClose };

bool status_forbids_body(int status) {
  return status == 204 || status == 304;
}

// "HTTP/1.1 200 OK\r\nServer: ringfire-target\r\n": what every response starts with.
std::string status_and_server(const TargetOptions& options, int status) {
  std::string out = options.http10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\nServer: ringfire-target\r\n";
  return out;
}

std::string render(const TargetOptions& options, int status, bool head, Framing framing,
                   const std::string& body) {
  std::string out;
  out.reserve(128 + body.size() + body.size() / std::max<uint64_t>(options.chunk_size, 1) * 12);
  out += status_and_server(options, status);
  const bool no_body = status_forbids_body(status);
  const bool chunked = options.chunked && !options.http10 && !no_body;
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (status != 204) {
    out += "Content-Length: ";
    out += std::to_string(no_body ? 0 : body.size());
    out += "\r\n";
  }
  if (framing == Framing::kKeepAlive) out += "Connection: keep-alive\r\n";
  if (framing == Framing::kClose) out += "Connection: close\r\n";
  out += "\r\n";
  if (head || no_body) return out;
  if (!chunked) return out + body;
  for (size_t at = 0; at < body.size(); at += options.chunk_size) {
    const size_t n = std::min<size_t>(options.chunk_size, body.size() - at);
    char size_line[32];
    const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
    out.append(size_line, static_cast<size_t>(len));
    out.append(body, at, n);
    out += "\r\n";
  }
  out += "0\r\n\r\n";
  return out;
}

// The endless pieces are about this big: one send each, and each send's completion is what lets
// the next one go (back-pressure from the peer's reading).
constexpr size_t kEndlessPieceBytes = 16 * 1024;

std::string endless_header_lines() {
  const std::string line = "X-Endless: " + std::string(51, 'x') + "\r\n";  // 64 bytes
  std::string out;
  while (out.size() < kEndlessPieceBytes) out += line;
  return out;
}

std::string endless_chunks(const TargetOptions& options) {
  const size_t size = std::min<size_t>(options.chunk_size, 4096);
  char size_line[32];
  const int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", size);
  const std::string chunk =
      std::string(size_line, static_cast<size_t>(len)) + make_body(size) + "\r\n";
  std::string out;
  while (out.size() < kEndlessPieceBytes) out += chunk;
  return out;
}

// The bytes of one copy of `kind`.
std::string render_kind(const TargetOptions& options, ResponseKind kind, const std::string& body) {
  constexpr Framing kFramings[] = {Framing::kOpen, Framing::kKeepAlive, Framing::kClose};
  const auto i = static_cast<size_t>(kind);
  switch (kind) {
    case ResponseKind::kBadRequest:
      // The 400 carries no body and always closes, whatever --status and --chunked say.
      return std::string(options.http10 ? "HTTP/1.0" : "HTTP/1.1") +
             " 400 Bad Request\r\nServer: ringfire-target\r\nContent-Length: 0\r\n"
             "Connection: close\r\n\r\n";
    case ResponseKind::kJunk:
      return "XYZ\r\n";
    case ResponseKind::kEmptyLine:
      return "\r\n";
    case ResponseKind::kHeadersOnly:  // a GET's head is a HEAD's response
      return render(options, options.status, true, Framing::kOpen, body);
    case ResponseKind::kHalfBody: {
      const std::string head = render(options, options.status, true, Framing::kOpen, body);
      const std::string whole = render(options, options.status, false, Framing::kOpen, body);
      return whole.substr(0, head.size() + (whole.size() - head.size()) / 2);
    }
    case ResponseKind::kNothing:
      return {};
    case ResponseKind::kEndlessHeadersHead:
      return status_and_server(options, options.status);
    case ResponseKind::kEndlessHeaderLines:
      return endless_header_lines();
    case ResponseKind::kEndlessChunkedHead:
      return status_and_server(options, options.status) + "Transfer-Encoding: chunked\r\n\r\n";
    case ResponseKind::kEndlessChunks:
      return endless_chunks(options);
    default:
      return render(options, options.status, i >= 3, kFramings[i % 3], body);
  }
}

}  // namespace

ResponseKind pick_response_kind(bool head, bool keep_open, bool explicit_keep_alive) {
  const int framing = !keep_open ? 2 : (explicit_keep_alive ? 1 : 0);
  return static_cast<ResponseKind>((head ? 3 : 0) + framing);
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Status";
  }
}

std::string make_body(uint64_t size) {
  static constexpr std::string_view kText = "Hello, world!";
  if (size == kText.size()) return std::string(kText);
  std::string body;
  body.reserve(size);
  while (body.size() < size) {
    body.append(kText.substr(0, std::min<size_t>(kText.size(), size - body.size())));
    if (body.size() < size) body += '\n';
  }
  return body;
}

ResponseSet::ResponseSet(const TargetOptions& options) {
  const std::string body = make_body(options.body_size);
  for (size_t i = 0; i < kKinds; ++i) {
    const auto kind = static_cast<ResponseKind>(i);
    const std::string one = render_kind(options, kind, body);
    sizes_[i] = one.size();
    // A close response ends the batch it is in, and fault pieces are sent one by one (or are
    // large already), so repeating them would never be used.
    const bool repeatable = !closes_connection(kind) && kind < kFirstFaultPiece && !one.empty();
    copies_[i] = repeatable ? std::clamp<size_t>(kRepeatBytes / one.size(), 1, kMaxCopies) : 1;
    storage_[i].reserve(one.size() * copies_[i]);
    for (size_t c = 0; c < copies_[i]; ++c) storage_[i] += one;
  }
}

}  // namespace ringfire::target
