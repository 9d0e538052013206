// --scenario FILE in YAML: the document becomes the nlohmann::json value a JSON file would have
// given, so one checker (scenario.cpp) holds every rule and message for both formats.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace ringfire {

// The file is read as YAML when its name ends in ".yaml" or ".yml" (any case); anything else is
// JSON. By name, not by content: a mistyped JSON file still gets the JSON parser's message.
bool is_yaml_path(std::string_view path);

// Maps become objects (keys are scalars, unique), sequences arrays, quoted and block scalars
// strings; plain scalars follow the YAML 1.2 core schema: null, ~ and nothing are null,
// true/false booleans, [-+]digits, 0o.. and 0x.. integers (unsigned unless negative, as the JSON
// parser gives them), decimal and .inf/.nan floats; anything else (yes, no, 1:2) is a string.
// Aliases are resolved. False with a one-line `why` (no file name), e.g. "invalid YAML at line 3,
// column 7: end of map flow not found" (1-based, as an editor counts). With `lines`, also the
// line (from 1) of each value by the checker's path of it ("requests[2].path"; a map entry's is
// its key's line), so the checker's messages can name the line.
bool yaml_to_json(const std::string& text, nlohmann::json& out, std::string& why,
                  std::map<std::string, size_t>* lines = nullptr);

}  // namespace ringfire
