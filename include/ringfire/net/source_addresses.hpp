// --source-ip: the local addresses connections are bound to before they connect, so that each
// address brings its own set of local ports (the kernel picks a port per 4-tuple).
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <vector>

#include "ringfire/http/url.hpp"

namespace ringfire {

// The most addresses one --source-ip list may name (a /16 of IPv4): far beyond what one box can
// use, and small enough to check each one before the run.
inline constexpr size_t kMaxSourceAddresses = 65536;

// Parses "127.0.0.2,127.0.0.3", ranges "10.0.0.5-10.0.0.8" and CIDR blocks "127.0.1.0/24" (every
// address of the block), IPv4 or IPv6 single addresses; the port of each is 0. False with a
// one-line `error` naming the bad item.
bool parse_source_list(const std::string& text, std::vector<Endpoint>& out, std::string& error);

// The address without a port: "127.0.0.2", "::1".
std::string address_text(const Endpoint& source);

// Binds `fd` to `source` with IP_BIND_ADDRESS_NO_PORT (Linux 4.2): the port is chosen at connect
// time, per destination, so a source address is not limited to one ip_local_port_range for all
// destinations together. Returns 0 or the errno of bind().
int bind_source(int fd, const Endpoint& source);

// Before the run: every source must be of the destination's family and an address of this
// machine (bind fails with EADDRNOTAVAIL otherwise). "" or the one line saying which is not.
std::string check_sources(const std::vector<Endpoint>& sources, const Endpoint& destination);

}  // namespace ringfire
