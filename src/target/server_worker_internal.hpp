// What the server worker's files share and nobody else needs.
#pragma once

#include <cerrno>

namespace ringfire::target {

// A result that asks for the same operation again. ECANCELED only comes from finish_close
// (handled before) or from stopping, which re-arms nothing.
inline bool transient(int res) {
  return res == -EINTR || res == -EAGAIN || res == -ENOBUFS || res == -ECANCELED;
}

}  // namespace ringfire::target
