// HTTP/1.1 request bytes → nghttp2 name/value pairs, once per request at set-up.
#include "ringfire/http2/h2_request.hpp"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace ringfire {

namespace {

bool connection_specific(std::string_view lower_name) {
  return lower_name == "connection" || lower_name == "keep-alive" ||
         lower_name == "transfer-encoding" || lower_name == "upgrade" ||
         lower_name == "proxy-connection";
}

struct Field {
  size_t name, name_len, value, value_len;  // offsets into storage
};

}  // namespace

bool to_h2_request(std::span<const char> http1, const char* scheme, H2Request& out) {
  const std::string_view text(http1.data(), http1.size());
  const size_t head_end = text.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return false;
  const size_t line_end = text.find("\r\n");
  const std::string_view line = text.substr(0, line_end);
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 <= sp1) return false;

  // Offsets first: storage grows while it is filled, nv takes pointers only at the end.
  out.storage.clear();
  std::vector<Field> fields;
  auto add = [&](std::string_view name, std::string_view value, bool lower) {
    Field f{out.storage.size(), name.size(), 0, value.size()};
    for (const char ch : name) {
      out.storage.push_back(lower ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch)))
                                  : ch);
    }
    f.value = out.storage.size();
    out.storage.append(value);
    fields.push_back(f);
  };
  add(":method", line.substr(0, sp1), false);
  add(":scheme", scheme, false);
  const size_t authority = fields.size();
  add(":authority", "", false);
  add(":path", line.substr(sp1 + 1, sp2 - sp1 - 1), false);

  size_t at = line_end + 2;
  while (at < head_end) {
    const size_t end = text.find("\r\n", at);
    const std::string_view h = text.substr(at, end - at);
    at = end + 2;
    const size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) return false;
    std::string lower(h.substr(0, colon));
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    std::string_view value = h.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    if (connection_specific(lower)) continue;
    if (lower == "host") {  // :authority takes its value (re-added at the end of storage)
      Field& f = fields[authority];
      f.value = out.storage.size();
      f.value_len = value.size();
      out.storage.append(value);
      continue;
    }
    add(lower, value, false);
  }
  out.nv.clear();
  for (const Field& f : fields) {
    out.nv.push_back(nghttp2_nv{
        reinterpret_cast<uint8_t*>(out.storage.data() + f.name),
        reinterpret_cast<uint8_t*>(out.storage.data() + f.value), f.name_len, f.value_len,
        // The request's strings outlive the session: nghttp2 need not copy them.
        NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE});
  }
  out.body = http1.subspan(head_end + 4);
  out.http_bytes = http1.size();
  return true;
}

}  // namespace ringfire
