// The local-port check's cheap source: the kernel's TCP socket tables through NETLINK_SOCK_DIAG
// (local_ports.cpp falls back to /proc/net/tcp when it is not there).
#pragma once

#include <string>

#include "ringfire/net/local_ports.hpp"

namespace ringfire {

// Adds to `use` (its range set, reserved ports already marked) the ports of the range held by a
// listener of either family, and, by local address, the ports of sockets toward `destination`
// in any other state (TIME_WAIT included); sets everywhere_count. False with a one-line `why`
// when sock_diag is unavailable (no netlink, an old kernel, a seccomp filter).
bool diag_port_use(const Endpoint& destination, PortUse& use, std::string& why);

}  // namespace ringfire
