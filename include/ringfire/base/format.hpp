// Human-readable durations and sizes, for the text report and one-line messages of every layer.
#pragma once

#include <cstdint>
#include <string>

namespace ringfire {

// "850ns", "12.34us", "1.23ms", "2.50s".
std::string format_duration(uint64_t ns);
// "12.3KB", "4.56MB" (powers of 1024, like wrk).
std::string format_bytes(double bytes);
// printf into a string of whatever length it needs (the reports' lines).
std::string fmt(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace ringfire
