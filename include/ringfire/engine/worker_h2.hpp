// A worker's HTTP/2 state (--h2c): the part of the engine that only HTTP/2 runs allocate. The
// worker is the same one (engine/worker.hpp): requests still enter its ledger, go out through its
// one send path and come back through its one receive path; these are the sessions that frame
// them, one per connection, in a pool the worker owns.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "ringfire/http2/h2_request.hpp"
#include "ringfire/http2/h2_session.hpp"

namespace ringfire {

struct WorkerH2 {
  H2Settings settings;
  H2Memory memory;                               // counts what nghttp2 allocates
  std::unique_ptr<H2Session[]> sessions;         // by connection index
  std::vector<std::vector<H2Request>> requests;  // by label, then variant: the mix, converted
};

}  // namespace ringfire
