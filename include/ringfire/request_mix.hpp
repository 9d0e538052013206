// One worker's requests, preformatted before the run: for each label of the scenario a pool of
// complete HTTP/1.1 requests (request line, Host, headers, Content-Length right for each body,
// body), and the weighted choice among labels. The hot path picks a request and sends its bytes;
// {seq} fields are patched in place at their fixed width in a copy (write()). Nothing is formatted
// while the run goes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ringfire/scenario.hpp"
#include "ringfire/url.hpp"

namespace ringfire {

struct MixOptions {
  uint32_t variants = 4096;  // pool size per label (a label without random parts needs one)
  size_t max_pool_bytes = size_t{64} << 20;  // per worker: big bodies get fewer variants
  uint64_t seed = 1;
  uint32_t worker = 0;  // this worker's index, and how many there are ({seq} interleaves them)
  uint32_t workers = 1;
  uint32_t depth = 1;  // most requests in one batch (--pipeline)
};

class RequestMix {
 public:
  struct Pick {
    uint16_t label;
    uint32_t variant;
  };

  // Renders every label's pool. `url` gives Host. False with a one-line error (a pool that
  // cannot be built within max_pool_bytes, say).
  static bool build(const Scenario& scenario, const Url& url, const MixOptions& options,
                    RequestMix& out, std::string& error);

  uint32_t labels() const;
  const std::string& label(uint16_t l) const;
  bool head(uint16_t l) const;  // label's method is HEAD: its response has no body
  // One label, one variant, no {seq}: a batch of n is n contiguous copies (static_batch()).
  bool is_static() const;
  std::span<const char> static_batch(uint32_t n) const;  // 1 <= n <= depth given to build()
  bool has_patches() const;                              // some label has {seq} fields
  size_t max_size() const;                               // the largest request of any pool

  Pick pick();  // a label by weight and a variant uniformly, from this worker's seeded generator
  std::span<const char> bytes(Pick p) const;  // as pooled ({seq} fields hold zeros)
  bool needs_patch(Pick p) const;
  // Copies the request to `dst` (bytes(p).size() bytes) with this worker's next {seq} values.
  void write(Pick p, char* dst);
};

}  // namespace ringfire
