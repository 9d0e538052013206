// Building one worker's request pools (request_mix.hpp): every label's variants rendered into one
// arena, within the byte budget, and the cumulative thresholds of the weighted label choice.
#include "ringfire/scenario/request_mix.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "ringfire/base/quote.hpp"

namespace ringfire {

namespace {

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);  // header names are tokens: ASCII case folding
         });
}

bool has_header(const RequestSpec& spec, std::string_view name) {
  return std::any_of(spec.headers.begin(), spec.headers.end(),
                     [&](const ScenarioHeader& h) { return same_name(h.name, name); });
}

// A request and where its {seq} fields are: one variant.
struct Rendered {
  std::string bytes;
  std::vector<SeqField> fields;
};

}  // namespace

class RequestMixBuilder {
 public:
  RequestMixBuilder(const Scenario& scenario, const Url& url, const MixOptions& options,
                    RequestMix& out)
      : scenario_(scenario),
        url_(url),
        options_(options),
        out_(out),
        rng_(options.seed, 2 * global_worker(options)) {}

  // A worker's place among the workers of every shard, I + N·w: distinct for every (shard,
  // worker) whatever each shard's worker count, and w itself on one box.
  static uint64_t global_worker(const MixOptions& o) {
    return o.shard + uint64_t{o.shards} * o.worker;
  }

  bool build(std::string& error) {
    const std::vector<RequestSpec>& specs = scenario_.requests;
    if (specs.empty()) return fail(error, "the scenario has no requests");
    if (specs.size() > 65535) return fail(error, "a scenario has at most 65535 labels");
    if (options_.shards == 0 || options_.shard >= options_.shards) {
      return fail(error, "shard " + std::to_string(options_.shard) + " of " +
                             std::to_string(options_.shards) + " does not exist");
    }
    if (options_.workers == 0 || options_.worker >= options_.workers) {
      return fail(error, "worker " + std::to_string(options_.worker) + " of " +
                             std::to_string(options_.workers) + " does not exist");
    }
    std::vector<Rendered> first(specs.size());
    size_t one_each = 0;
    size_t largest = 0;
    for (size_t l = 0; l < specs.size(); ++l) {
      render(specs[l], first[l]);
      one_each += first[l].bytes.size();
      if (first[l].bytes.size() > first[largest].bytes.size()) largest = l;
    }
    if (one_each > options_.max_pool_bytes) {
      return fail(error, "one request of each label takes " + std::to_string(one_each) +
                             " bytes, more than the pool limit of " +
                             std::to_string(options_.max_pool_bytes) + " bytes (the largest, " +
                             quote(specs[largest].label) + ", takes " +
                             std::to_string(first[largest].bytes.size()) + ")");
    }
    fill_pools(first, options_.max_pool_bytes - one_each);
    set_thresholds();
    finish();
    return true;
  }

 private:
  static bool fail(std::string& error, std::string message) {
    error = std::move(message);
    return false;
  }

  uint32_t wanted(const RequestSpec& spec) const {
    bool random = spec.target.has_random() || spec.body.has_random();
    for (const ScenarioHeader& h : spec.headers) random = random || h.value.has_random();
    return random ? std::max<uint32_t>(1, options_.variants) : 1;
  }

  // Every label's pool: its first variant, then more while the spare bytes last, shared out
  // fairly by water-filling: the labels that need least go first and take at most an equal share
  // of what is left, so what they do not need goes to the labels after them.
  void fill_pools(const std::vector<Rendered>& first, size_t spare) {
    const std::vector<RequestSpec>& specs = scenario_.requests;
    const size_t n = specs.size();
    std::vector<size_t> need(n), order(n);
    for (size_t l = 0; l < n; ++l) {
      const uint64_t more = wanted(specs[l]) - 1;
      const uint64_t size = first[l].bytes.size();
      need[l] = size == 0 || more <= SIZE_MAX / size ? more * size : SIZE_MAX;
    }
    size_t estimate = 0;  // all pools at their first variant's size, within the cap
    for (size_t l = 0; l < n; ++l) estimate += std::min(need[l], spare) + first[l].bytes.size();
    out_.arena_.reserve(std::min(estimate, options_.max_pool_bytes));
    std::iota(order.begin(), order.end(), size_t{0});
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return need[a] < need[b]; });
    out_.pools_.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const size_t l = order[i];
      spare -= fill_pool(specs[l], first[l], spare / (n - i), out_.pools_[l]);
    }
  }

  void render(const RequestSpec& spec, Rendered& r) {
    body_.clear();
    body_fields_.clear();
    render_template(spec.body, rng_, body_, body_fields_);
    r.bytes.clear();
    r.fields.clear();
    r.bytes += spec.method;
    r.bytes += ' ';
    render_template(spec.target, rng_, r.bytes, r.fields);
    r.bytes += " HTTP/1.1\r\n";
    if (!has_header(spec, "Host")) r.bytes += "Host: " + url_.host_header + "\r\n";
    for (const ScenarioHeader& h : spec.headers) {
      r.bytes += h.name;
      r.bytes += ": ";
      render_template(h.value, rng_, r.bytes, r.fields);
      r.bytes += "\r\n";
    }
    // RFC 9110 section 8.6: a POST, PUT or PATCH without a body says so with Content-Length: 0.
    const bool wants_length =
        !body_.empty() || spec.method == "POST" || spec.method == "PUT" || spec.method == "PATCH";
    if (wants_length && !has_header(spec, "Content-Length")) {
      r.bytes += "Content-Length: " + std::to_string(body_.size()) + "\r\n";
    }
    r.bytes += "\r\n";
    const size_t body_at = r.bytes.size();
    r.bytes += body_;
    for (const SeqField& f : body_fields_)
      r.fields.push_back({body_at + f.offset, f.width, f.start});
  }

  void push_variant(const Rendered& r) {
    const auto first_patch = static_cast<uint32_t>(out_.patches_.size());
    out_.variants_.push_back(
        {out_.arena_.size(), static_cast<uint32_t>(r.bytes.size()), first_patch});
    out_.arena_.insert(out_.arena_.end(), r.bytes.begin(), r.bytes.end());
    for (const SeqField& f : r.fields) {
      out_.patches_.push_back({static_cast<uint32_t>(f.offset), f.width, f.start});
    }
    out_.max_size_ = std::max(out_.max_size_, r.bytes.size());
  }

  // The label's first variant, then more until `wanted` or until the next would pass `extra`
  // bytes. Returns the bytes used beyond the first.
  size_t fill_pool(const RequestSpec& spec, const Rendered& first, size_t extra,
                   RequestMix::Pool& pool) {
    pool.label = spec.label;
    pool.first = static_cast<uint32_t>(out_.variants_.size());
    pool.seq_fields = static_cast<uint32_t>(first.fields.size());
    pool.head = spec.method == "HEAD";
    push_variant(first);
    pool.variants = 1;
    const uint32_t want = wanted(spec);
    size_t used = 0;
    while (pool.variants < want) {
      render(spec, scratch_);
      if (scratch_.bytes.size() > extra - used) break;
      used += scratch_.bytes.size();
      push_variant(scratch_);
      ++pool.variants;
    }
    return used;
  }

  void set_thresholds() {
    double total = 0;
    for (const RequestSpec& spec : scenario_.requests) total += spec.weight;
    double cumulative = 0;
    for (const RequestSpec& spec : scenario_.requests) {
      cumulative += spec.weight;
      const double share = cumulative / total;
      // share < 1 keeps share * 2^64 below 2^64 (it is at most 1 - 2^-53).
      out_.thresholds_.push_back(share < 1 ? static_cast<uint64_t>(share * 0x1p64) : UINT64_MAX);
    }
    out_.thresholds_.back() = UINT64_MAX;
  }

  void finish() {
    out_.rng_ = Rng(options_.seed, 2 * global_worker(options_) + 1);
    // {seq}: START + I + N·w + k·N·W, unique across the workers of every shard.
    out_.worker_ = global_worker(options_);
    out_.workers_ = uint64_t{options_.shards} * options_.workers;
    if (out_.is_static()) {
      const uint32_t depth = std::max<uint32_t>(1, options_.depth);
      out_.static_batch_.reserve(out_.arena_.size() * depth);
      for (uint32_t i = 0; i < depth; ++i) {
        out_.static_batch_.insert(out_.static_batch_.end(), out_.arena_.begin(), out_.arena_.end());
      }
    }
  }

  const Scenario& scenario_;
  const Url& url_;
  const MixOptions& options_;
  RequestMix& out_;
  Rng rng_;  // the pools' random values; the picks have their own stream
  std::string body_;
  std::vector<SeqField> body_fields_;
  Rendered scratch_;
};

bool RequestMix::build(const Scenario& scenario, const Url& url, const MixOptions& options,
                       RequestMix& out, std::string& error) {
  RequestMix mix;
  if (!RequestMixBuilder(scenario, url, options, mix).build(error)) return false;
  out = std::move(mix);
  return true;
}

uint32_t RequestMix::labels() const {
  return static_cast<uint32_t>(pools_.size());
}

const std::string& RequestMix::label(uint16_t l) const {
  return pools_[l].label;
}

bool RequestMix::head(uint16_t l) const {
  return pools_[l].head;
}

bool RequestMix::is_static() const {
  return pools_.size() == 1 && pools_[0].variants == 1 && pools_[0].seq_fields == 0;
}

std::span<const char> RequestMix::static_batch(uint32_t n) const {
  // Never past the batch, even if asked for more than depth copies or for a mix that is not
  // static (then it is empty).
  const size_t bytes = std::min(static_batch_.size(), size_t{variants_[0].size} * n);
  return {static_batch_.data(), bytes};
}

bool RequestMix::has_patches() const {
  return !patches_.empty();
}

size_t RequestMix::max_size() const {
  return max_size_;
}

uint32_t RequestMix::variants(uint16_t l) const {
  return pools_[l].variants;
}

size_t RequestMix::pool_bytes() const {
  return arena_.size();
}

}  // namespace ringfire
