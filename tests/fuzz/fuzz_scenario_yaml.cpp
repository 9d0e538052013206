// libFuzzer target for yaml_to_json(), the YAML side of --scenario. Whatever the bytes, it returns:
// false with one non-empty line of why (the error a user sees), or true with a JSON value that
// serialises (valid UTF-8 throughout: the checker quotes its strings into messages). yaml-cpp's
// own whole-document loader hung on such inputs; this target keeps the event-based one honest.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "../../src/scenario/scenario_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  nlohmann::json out;
  std::string why;
  if (!ringfire::yaml_to_json(text, out, why)) {
    if (why.empty() || why.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  (void)out.dump();  // throws (and so aborts) on a string that is not UTF-8
  return 0;
}
