#include "ringfire/request.hpp"

#include <algorithm>
#include <cctype>

namespace ringfire {

namespace {

bool has_header(const RunConfig& config, std::string_view name) {
  for (const std::string& h : config.headers) {
    if (h.size() > name.size() && h[name.size()] == ':' &&
        std::equal(name.begin(), name.end(), h.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string render_request(const RunConfig& config) {
  std::string r;
  r.reserve(256 + config.body.size());
  r += config.method;
  r += ' ';
  r += config.url.target;
  r += " HTTP/1.1\r\n";
  if (!has_header(config, "Host")) r += "Host: " + config.url.host_header + "\r\n";
  for (const std::string& h : config.headers) r += h + "\r\n";
  if (!config.body.empty() && !has_header(config, "Content-Length")) {
    r += "Content-Length: " + std::to_string(config.body.size()) + "\r\n";
  }
  r += "\r\n";
  r += config.body;
  return r;
}

RequestBytes::RequestBytes(const RunConfig& config)
    : depth_(std::max<uint32_t>(1, config.pipeline)), head_(config.method == "HEAD") {
  const std::string one = render_request(config);
  size_ = one.size();
  batch_.reserve(size_ * depth_);
  for (uint32_t i = 0; i < depth_; ++i) batch_.insert(batch_.end(), one.begin(), one.end());
}

}  // namespace ringfire
