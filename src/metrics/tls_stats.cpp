#include "ringfire/metrics/tls_stats.hpp"

#include <iterator>

namespace ringfire {

namespace {
constexpr const char* kTlsFailureNames[] = {"verify", "alert", "protocol", "closed", "timeout"};
static_assert(std::size(kTlsFailureNames) == kTlsFailures);

void add_counts(NameCounts& into, const NameCounts& part) {
  for (const auto& [name, n] : part) into[name] += n;
}
}  // namespace

const char* to_string(TlsFailure f) {
  const auto i = static_cast<size_t>(f);
  return i < kTlsFailures ? kTlsFailureNames[i] : "?";
}

std::string TlsStats::dominant_failure() const {
  const NameCounts::value_type* best = nullptr;
  for (const auto& entry : failures) {
    if (best == nullptr || entry.second > best->second) best = &entry;
  }
  return best != nullptr ? best->first : std::string();
}

void TlsStats::add(const TlsStats& o) {
  if (!enabled && o.enabled) {
    resume_ratio = o.resume_ratio;
    ktls = o.ktls;
  }
  enabled = enabled || o.enabled;
  full += o.full;
  resumed += o.resumed;
  offered += o.offered;
  for (size_t i = 0; i < kTlsFailures; ++i) failed[i] += o.failed[i];
  full_latency.merge(o.full_latency);
  resumed_latency.merge(o.resumed_latency);
  add_counts(protocols, o.protocols);
  add_counts(ciphers, o.ciphers);
  add_counts(groups, o.groups);
  add_counts(failures, o.failures);
}

}  // namespace ringfire
