#include "ringfire/target/options.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <iterator>
#include <string>

namespace ringfire::target {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// Splits "12.5ms" into the number and its unit suffix.
bool split_number(std::string_view text, double& number, std::string_view& unit) {
  size_t digits = 0;
  while (digits < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return false;
  // std::from_chars for double is not in every libstdc++ we build with; strtod needs a terminator.
  const std::string number_text(text.substr(0, digits));
  char* end = nullptr;
  number = std::strtod(number_text.c_str(), &end);
  if (end != number_text.c_str() + number_text.size() || !std::isfinite(number) || number < 0) {
    return false;
  }
  unit = text.substr(digits);
  return true;
}

// Indexed by FaultMode.
constexpr std::string_view kFaultNames[] = {
    "none",
    "response-before-request",
    "junk-after-response",
    "shut-write-after-response",
    "empty-lines",
    "reset-mid-body",
    "close-after-headers",
    "close-before-any-byte",
    "endless-headers",
    "endless-chunked",
    "listener-flap",
    "close-announced",
};
static_assert(std::size(kFaultNames) == static_cast<size_t>(FaultMode::kCount));

// The combinations a fault mode cannot be honest in; empty when there is none.
std::string validate_fault(const TargetOptions& options) {
  const auto mode = static_cast<size_t>(options.fault);
  if (mode >= std::size(kFaultNames))
    return "unknown --fault mode (valid: " + fault_mode_names() + ")";
  const bool cuts_body =
      options.fault == FaultMode::kResetMidBody || options.fault == FaultMode::kCloseAfterHeaders;
  if (cuts_body && (options.body_size < 2 || options.status == 204 || options.status == 304)) {
    return "--fault " + std::string(kFaultNames[mode]) +
           " needs a body to cut: --body-size of at least 2 and a status other than 204/304";
  }
  if (options.fault == FaultMode::kEndlessChunked && options.http10) {
    return "--fault endless-chunked cannot be used with --http10";
  }
  // Shorter half-periods would have the old listener's accept still reporting when the new one
  // is armed.
  if (options.flap_every < std::chrono::milliseconds(10))
    return "--flap-every must be at least 10ms";
  return {};
}

}  // namespace

std::string_view fault_mode_name(FaultMode mode) {
  const auto i = static_cast<size_t>(mode);
  return i < std::size(kFaultNames) ? kFaultNames[i] : std::string_view("unknown");
}

std::optional<FaultMode> parse_fault_mode(std::string_view name) {
  for (size_t i = 1; i < std::size(kFaultNames); ++i) {
    if (name == kFaultNames[i]) return static_cast<FaultMode>(i);
  }
  return std::nullopt;
}

std::string fault_mode_names() {
  std::string names;
  for (size_t i = 1; i < std::size(kFaultNames); ++i) {
    if (!names.empty()) names += ", ";
    names += kFaultNames[i];
  }
  return names;
}

std::optional<uint64_t> parse_byte_size(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!split_number(text, number, unit)) return std::nullopt;
  double scale = 0;
  if (unit.empty() || iequals(unit, "b")) {
    scale = 1;
  } else if (iequals(unit, "k") || iequals(unit, "kb") || iequals(unit, "kib")) {
    scale = 1024.0;
  } else if (iequals(unit, "m") || iequals(unit, "mb") || iequals(unit, "mib")) {
    scale = 1024.0 * 1024.0;
  } else if (iequals(unit, "g") || iequals(unit, "gb") || iequals(unit, "gib")) {
    scale = 1024.0 * 1024.0 * 1024.0;
  } else {
    return std::nullopt;
  }
  const double bytes = number * scale;
  if (bytes > 1.0e15 || bytes != std::floor(bytes)) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

bool is_loopback_address(std::string_view address) {
  if (address == "localhost") return true;
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

std::string validate(const TargetOptions& options) {
  if (!is_loopback_address(options.bind)) {
    return "--bind " + options.bind +
           " refused: only loopback addresses (127.0.0.0/8, ::1) may be bound here";
  }
  if (options.threads < 1 || options.threads > 1024) return "--threads must be in [1, 1024]";
  if (options.status < 200 || options.status > 599) return "--status must be in [200, 599]";
  if (options.chunk_size < 1) return "--chunk-size must be at least 1";
  if (options.body_size > (uint64_t{1} << 30)) return "--body-size must be at most 1 GiB";
  if (options.chunked && options.http10) return "--chunked cannot be used with --http10";
  if (options.delay.count() < 0 || options.stall_at.count() < 0 || options.stall_for.count() < 0) {
    return "durations must not be negative";
  }
  if (options.tls_cert.empty() && !options.tls_key.empty()) return "--tls-key needs --tls-cert";
  return validate_fault(options);
}

}  // namespace ringfire::target
