// The result reader's TLS part: the "tls" object of an https:// run (null or absent otherwise,
// and in files written before it existed), so that ringfire merge keeps the TLS figures.
#include "read_json_internal.hpp"

namespace ringfire::read_detail {

namespace {

NameCounts counts(const nlohmann::json& j) {
  NameCounts c;
  for (const auto& [name, n] : j.items()) c[name] = n.get<uint64_t>();
  return c;
}

}  // namespace

void read_tls(const nlohmann::json& doc, Result& out) {
  if (!doc.contains("tls") || doc.at("tls").is_null()) return;
  const nlohmann::json& j = doc.at("tls");
  TlsStats& t = out.tls;
  t.enabled = true;
  t.resume_ratio = j.at("resume_ratio").get<double>();
  t.ktls = j.at("ktls").get<std::string>();
  t.full = j.at("full").get<uint64_t>();
  t.resumed = j.at("resumed").get<uint64_t>();
  t.offered = j.at("offered").get<uint64_t>();
  for (size_t i = 0; i < kTlsFailures; ++i) {
    t.failed[i] = j.at("failed").at(to_string(static_cast<TlsFailure>(i))).get<uint64_t>();
  }
  t.failures = counts(j.at("failure_reasons"));
  t.protocols = counts(j.at("protocols"));
  t.ciphers = counts(j.at("ciphers"));
  t.groups = counts(j.at("groups"));
  t.full_latency = histogram(j.at("full_latency_ns"), "tls.full_latency_ns");
  t.resumed_latency = histogram(j.at("resumed_latency_ns"), "tls.resumed_latency_ns");
}

}  // namespace ringfire::read_detail
