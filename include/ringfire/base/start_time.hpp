// --start-at: the wall-clock instant at which every shard's measured window begins.
#pragma once

#include <string>

namespace ringfire {

// `text` as unix seconds ("1764950400", "1764950400.25"), RFC 3339 ("2026-12-05T16:30:00Z",
// "2026-12-05T17:30:00.5+01:00"; 't' and 'z' and a space for the 'T' accepted), or "+DURATION"
// after `now_wall` ("+5s", "+1m"). Sets `out` (unix seconds); false with a one-line `error`.
bool parse_start_time(const std::string& text, double now_wall, double& out, std::string& error);

}  // namespace ringfire
