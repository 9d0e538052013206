// A preformatted HTTP/1.1 request (request_mix.hpp) turned, once at set-up, into what nghttp2
// submits: pseudo-headers, the other headers lower-cased, and the body. The HTTP/1.1-only
// connection headers (Connection, Keep-Alive, Transfer-Encoding, Upgrade, Proxy-Connection) are
// dropped, as RFC 9113 section 8.2.2 requires; Host becomes :authority.
#pragma once

#include <nghttp2/nghttp2.h>

#include <span>
#include <string>
#include <vector>

namespace ringfire {

struct H2Request {
  std::string storage;         // every name and value, which nv points into
  std::vector<nghttp2_nv> nv;  // :method, :scheme, :authority, :path, then the headers
  std::span<const char> body;  // into the request's own bytes (the mix's arena)
  size_t http_bytes = 0;       // the HTTP/1.1 form's size (the ledger's bytes sent)
};

// False when `http1` is not a request of the form RequestMix renders.
bool to_h2_request(std::span<const char> http1, const char* scheme, H2Request& out);

}  // namespace ringfire
