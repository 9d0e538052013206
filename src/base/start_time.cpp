#include "ringfire/base/start_time.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>

#include "ringfire/base/duration.hpp"

namespace ringfire {

namespace {

// `n` digits at `p` into `out`; advances `p`.
bool digits(const char*& p, const char* end, int n, int& out) {
  if (end - p < n) return false;
  out = 0;
  for (int i = 0; i < n; ++i, ++p) {
    if (!std::isdigit(static_cast<unsigned char>(*p))) return false;
    out = out * 10 + (*p - '0');
  }
  return true;
}

bool literal(const char*& p, const char* end, char c) {
  if (p == end || std::tolower(static_cast<unsigned char>(*p)) != c) return false;
  ++p;
  return true;
}

// A fraction of a second: '.' and at least one digit.
bool fraction(const char*& p, const char* end, double& out) {
  out = 0;
  if (p == end || *p != '.') return true;
  ++p;
  double scale = 0.1;
  const char* first = p;
  for (; p != end && std::isdigit(static_cast<unsigned char>(*p)); ++p, scale /= 10) {
    out += (*p - '0') * scale;
  }
  return p != first;
}

bool rfc3339(const std::string& text, double& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  std::tm tm{};
  int year, month, day, hour, minute, second;
  if (!digits(p, end, 4, year) || !literal(p, end, '-') || !digits(p, end, 2, month) ||
      !literal(p, end, '-') || !digits(p, end, 2, day)) {
    return false;
  }
  if (!literal(p, end, 't') && !literal(p, end, ' ')) return false;
  double frac = 0;
  if (!digits(p, end, 2, hour) || !literal(p, end, ':') || !digits(p, end, 2, minute) ||
      !literal(p, end, ':') || !digits(p, end, 2, second) || !fraction(p, end, frac)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  int offset_s = 0;
  if (!literal(p, end, 'z')) {
    if (p == end || (*p != '+' && *p != '-')) return false;
    const int sign = *p++ == '-' ? -1 : 1;
    int oh, om;
    if (!digits(p, end, 2, oh) || !literal(p, end, ':') || !digits(p, end, 2, om)) return false;
    offset_s = sign * (oh * 3600 + om * 60);
  }
  if (p != end) return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const time_t utc = timegm(&tm);  // UTC fields to unix seconds, whatever TZ says
  out = static_cast<double>(utc - offset_s) + frac;
  return true;
}

bool unix_seconds(const std::string& text, double& out) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

}  // namespace

bool parse_start_time(const std::string& text, double now_wall, double& out, std::string& error) {
  if (!text.empty() && text[0] == '+') {
    Nanos d{0};
    if (!parse_duration(text.substr(1), d) || d.count() < 0) {
      error = "bad --start-at '" + text + "' (a delay is +DURATION, e.g. +5s)";
      return false;
    }
    out = now_wall + static_cast<double>(d.count()) * 1e-9;
    return true;
  }
  if (unix_seconds(text, out) || rfc3339(text, out)) return true;
  error = "bad --start-at '" + text +
          "' (unix seconds, RFC 3339 like 2026-12-05T16:30:00Z, or +5s from now)";
  return false;
}

}  // namespace ringfire
