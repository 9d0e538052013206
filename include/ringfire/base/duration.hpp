// Durations as users write them: --duration, --timeout, thresholds, the target's --delay.
#pragma once

#include <chrono>
#include <string>

namespace ringfire {

using Nanos = std::chrono::nanoseconds;

// Parses "500ms", "10s", "2m", "1h", "250us", "100ns" (and a bare number of seconds).
// Returns false on anything else, or on a negative or overflowing value.
bool parse_duration(const std::string& text, Nanos& out);

}  // namespace ringfire
