// How the connections themselves fared (issue 12): connect latency, the most open at once, how
// long opening took, and reconnects asked for by --keepalive-requests. Kept by each worker,
// merged by the run; the request figures are the ledger's.
#pragma once

#include <algorithm>
#include <cstdint>

#include "ringfire/metrics/histogram.hpp"

namespace ringfire {

struct ConnectionStats {
  Histogram connect_latency;  // successful connects: the connect queued → its completion (ns)
  // The most connections open at once. Each worker keeps its own peak; merged, they add up, so
  // when workers peak at different moments the sum is an upper bound.
  uint64_t peak_open = 0;
  uint64_t planned = 0;        // connections the run keeps (its workers' shares)
  uint64_t first_open_ns = 0;  // the first successful connect (0: none)
  // When the last of the planned connections first became open: every one had connected at
  // least once by then (0: never all at once).
  uint64_t all_open_ns = 0;
  uint64_t keepalive_reconnects = 0;  // closed by ringfire after --keepalive-requests responses

  void add(const ConnectionStats& o) {
    const bool first_merge = planned == 0;
    connect_latency.merge(o.connect_latency);
    peak_open += o.peak_open;
    if (first_open_ns == 0 || (o.first_open_ns != 0 && o.first_open_ns < first_open_ns)) {
      first_open_ns = o.first_open_ns;
    }
    if (first_merge) {
      all_open_ns = o.all_open_ns;
    } else {
      all_open_ns =
          all_open_ns == 0 || o.all_open_ns == 0 ? 0 : std::max(all_open_ns, o.all_open_ns);
    }
    planned += o.planned;
    keepalive_reconnects += o.keepalive_reconnects;
  }
};

}  // namespace ringfire
