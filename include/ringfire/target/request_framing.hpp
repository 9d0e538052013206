// Minimal HTTP/1.1 request framing for the target server: where a request's header block ends, what
// little the server needs from it (method HEAD or not, version, Connection, Content-Length), and
// whether it is garbage. Pure functions over bytes; no allocation, no copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringfire::target {

// A header block larger than this is answered with 400 and the connection is closed.
inline constexpr size_t kMaxRequestHead = 64 * 1024;

struct HeadEnd {
  size_t end = 0;     // bytes through the blank line; 0 when the block is not complete yet
  size_t resume = 0;  // where the next scan of the same (longer) buffer may start
};

// Finds the blank line (CRLF CRLF, bare LF LF tolerated) ending a header block that starts at
// buffered[0]. Scanning starts at `from` (a previous HeadEnd::resume) so a request trickling in
// byte by byte costs linear, not quadratic, time.
HeadEnd find_head_end(std::string_view buffered, size_t from);

// True while the bytes so far can still become a valid request line (method token, SP, ...).
// Lets garbage be refused before its blank line arrives (or never does).
bool plausible_request_start(std::string_view buffered);

struct RequestHead {
  bool valid = false;
  bool is_head = false;           // method HEAD: headers only
  bool http10 = false;            // request line says HTTP/1.0
  bool wants_close = false;       // Connection: close
  bool wants_keep_alive = false;  // Connection: keep-alive
  uint64_t content_length = 0;    // body bytes that follow the header block
  std::string_view target;        // the request-target, as sent (a view into the parsed bytes)
};

// Parses a complete header block (as delimited by find_head_end). Invalid request line, malformed
// header lines, conflicting Content-Length and Transfer-Encoding (request bodies must be framed by
// Content-Length here) all give valid == false.
RequestHead parse_request_head(std::string_view head);

}  // namespace ringfire::target
