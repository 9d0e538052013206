// CPU lists as Linux writes them ("0,2,4-7"): --cpus, the target's --cpus, /proc/PID/status.
#pragma once

#include <string>
#include <vector>

namespace ringfire {

// Parses "0,2,4-7" into a CPU list. Returns false on a malformed list.
bool parse_cpu_list(const std::string& text, std::vector<int>& out);

}  // namespace ringfire
