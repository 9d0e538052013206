#include "ringfire/target/request_framing.hpp"

#include <cstring>

namespace ringfire::target {
namespace {

constexpr size_t kMaxMethod = 20;

bool is_method_char(char c) {
  return (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

// RFC 9110 token characters (header names).
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view lowercase) {
  if (a.size() != lowercase.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lowercase[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Next line of `rest` without its LF (and CR); advances `rest` past it.
std::string_view next_line(std::string_view& rest) {
  const size_t lf = rest.find('\n');
  std::string_view line = rest.substr(0, lf);
  rest.remove_prefix(lf == std::string_view::npos ? rest.size() : lf + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool parse_request_line(std::string_view line, RequestHead& out) {
  const size_t sp1 = line.find(' ');
  if (sp1 == 0 || sp1 == std::string_view::npos || sp1 > kMaxMethod) return false;
  const std::string_view method = line.substr(0, sp1);
  for (char c : method) {
    if (!is_method_char(c)) return false;
  }
  const size_t sp2 = line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp2 == sp1 + 1) return false;
  out.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (char c : out.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  const std::string_view version = line.substr(sp2 + 1);
  if (version == "HTTP/1.1") {
    out.http10 = false;
  } else if (version == "HTTP/1.0") {
    out.http10 = true;
  } else {
    return false;
  }
  out.is_head = method == "HEAD";
  return true;
}

bool parse_content_length(std::string_view value, uint64_t& out) {
  if (value.empty() || value.size() > 18) return false;
  uint64_t n = 0;
  for (char c : value) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  out = n;
  return true;
}

void parse_connection_tokens(std::string_view value, RequestHead& out) {
  while (!value.empty()) {
    const size_t comma = value.find(',');
    const std::string_view token = trim(value.substr(0, comma));
    if (iequals(token, "close")) out.wants_close = true;
    if (iequals(token, "keep-alive")) out.wants_keep_alive = true;
    value.remove_prefix(comma == std::string_view::npos ? value.size() : comma + 1);
  }
}

bool parse_header_line(std::string_view line, RequestHead& out, bool& saw_length) {
  const size_t colon = line.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;  // also rejects obs-fold
  const std::string_view name = line.substr(0, colon);
  for (char c : name) {
    if (!is_tchar(c)) return false;
  }
  const std::string_view value = trim(line.substr(colon + 1));
  for (char c : value) {
    if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  if (iequals(name, "content-length")) {
    uint64_t n = 0;
    if (!parse_content_length(value, n)) return false;
    if (saw_length && n != out.content_length) return false;
    out.content_length = n;
    saw_length = true;
  } else if (iequals(name, "transfer-encoding")) {
    return false;  // chunked request bodies are not supported: refuse rather than misframe
  } else if (iequals(name, "connection")) {
    parse_connection_tokens(value, out);
  }
  return true;
}

}  // namespace

HeadEnd find_head_end(std::string_view buffered, size_t from) {
  size_t at = from;
  while (at < buffered.size()) {
    const void* hit = std::memchr(buffered.data() + at, '\n', buffered.size() - at);
    if (hit == nullptr) return {0, buffered.size()};
    const size_t lf = static_cast<size_t>(static_cast<const char*>(hit) - buffered.data());
    // Not enough bytes yet to see whether the next line is empty: resume from this LF.
    if (lf + 1 >= buffered.size()) return {0, lf};
    const char next = buffered[lf + 1];
    if (next == '\n') return {lf + 2, 0};
    if (next == '\r') {
      if (lf + 2 >= buffered.size()) return {0, lf};
      if (buffered[lf + 2] == '\n') return {lf + 3, 0};
    }
    at = lf + 1;
  }
  return {0, buffered.size()};
}

bool plausible_request_start(std::string_view buffered) {
  const size_t lf = buffered.find('\n');
  if (lf != std::string_view::npos) {
    std::string_view rest = buffered;
    RequestHead ignored;
    return parse_request_line(next_line(rest), ignored);
  }
  // Only the method (and maybe more) so far: check what can be checked.
  const size_t sp = buffered.find(' ');
  const std::string_view method = buffered.substr(0, sp);
  if (method.size() > kMaxMethod || sp == 0) return false;
  for (char c : method) {
    if (!is_method_char(c)) return false;
  }
  return true;
}

RequestHead parse_request_head(std::string_view head) {
  RequestHead out;
  std::string_view rest = head;
  if (!parse_request_line(next_line(rest), out)) return out;
  bool saw_length = false;
  while (!rest.empty()) {
    const std::string_view line = next_line(rest);
    if (line.empty()) break;  // the blank line that ends the block
    if (!parse_header_line(line, out, saw_length)) return out;
  }
  out.valid = true;
  return out;
}

}  // namespace ringfire::target
