// Server bytes into the HTTP/2 receive path (http2/h2_session.hpp): an open client session with
// a few streams in flight takes arbitrary input in arbitrary splits; it must never crash, leak or
// report a stream it did not open, and what it wants sent must stay drainable.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "ringfire/http2/h2_request.hpp"
#include "ringfire/http2/h2_session.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringfire;
  static const std::string http1 =
      "POST /p HTTP/1.1\r\nHost: h\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabc";
  static H2Request request = [] {
    H2Request r;
    to_h2_request({http1.data(), http1.size()}, "http", r);
    return r;
  }();
  H2Memory memory;
  {
    H2Session s;
    if (!s.open({4, 20}, memory)) return 0;
    for (int i = 0; i < 3; ++i) s.submit(request);
    (void)s.output();
    // The first byte picks the split: the receive path sees the input in pieces of that size.
    const size_t step = size == 0 ? 1 : size_t{data[0]} % 64 + 1;
    const char* bytes = reinterpret_cast<const char*>(data);
    for (size_t at = 0; at < size; at += step) {
      const size_t n = size - at < step ? size - at : step;
      const bool ok = s.receive({bytes + at, n});
      for (const H2Event& e : s.events()) {
        if (e.stream <= 0 || e.stream > 5) __builtin_trap();  // only streams 1, 3, 5 exist
      }
      s.events().clear();
      (void)s.output();
      if (!ok) break;
    }
  }
  if (memory.now() != 0) __builtin_trap();  // nghttp2 gave back all it took
  return 0;
}
