#include "ringfire/base/duration.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace ringfire {

bool parse_duration(const std::string& text, Nanos& out) {
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr == begin || !std::isfinite(value) || value < 0) return false;
  const std::string unit(ptr, end);
  double scale = 0;
  if (unit.empty() || unit == "s") {
    scale = 1e9;
  } else if (unit == "ms") {
    scale = 1e6;
  } else if (unit == "us") {
    scale = 1e3;
  } else if (unit == "ns") {
    scale = 1;
  } else if (unit == "m" || unit == "min") {
    scale = 60e9;
  } else if (unit == "h") {
    scale = 3600e9;
  } else {
    return false;
  }
  const double ns = value * scale;
  if (ns > 9e18) return false;
  out = Nanos(static_cast<int64_t>(std::llround(ns)));
  return true;
}

}  // namespace ringfire
