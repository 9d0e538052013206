// The target's listening sockets: opened by the server at start, and again by a worker whose
// listener flaps (--fault listener-flap). Internal to src/target.
#pragma once

#include <cstdint>
#include <string>

namespace ringfire::target {

// A listening TCP socket on host:port (a loopback literal, already validated) with SO_REUSEADDR
// and SO_REUSEPORT, so that one listener per worker can share the port and a closed one can be
// bound again at once. -1 (and `error` set) on failure.
// `backlog`: the accept queue (--backlog; small ones overflow under a connect storm on purpose).
int open_listener(const std::string& host, uint16_t port, std::string& error, int backlog = 4096);

// The port a bound socket got; 0 if it cannot be asked.
uint16_t bound_port(int fd);

// SO_REUSEPORT would let us silently share an explicit port with another server of the same user
// (each getting a share of the connections). A plain bind first proves the port is ours.
bool port_is_free(const std::string& host, uint16_t port, std::string& error);

}  // namespace ringfire::target
