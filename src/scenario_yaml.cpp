// A YAML scenario as the JSON value the checker in scenario.cpp reads (scenario_yaml.hpp). Only
// the grammar is yaml-cpp's (0.7.0, Debian 12); types follow the YAML 1.2 core schema here,
// because yaml-cpp leaves every scalar a string and its own conversions read 'yes' as true.
#include "scenario_yaml.hpp"

#include <yaml-cpp/depthguard.h>  // not in yaml.h (0.7.0)
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <vector>

#include "ringfire/quote.hpp"

namespace ringfire {

namespace {

using Json = nlohmann::json;

// yaml-cpp 0.7.0 keeps some 500 bytes per node and parses about 0.5 MB/s of flow lists (a 16 MiB
// one took 47 s and 4 GB here; 1 MiB takes 2 s and 250 MB), so YAML files get 1 MiB, not the
// 16 MiB of JSON: room for some 30,000 requests.
constexpr size_t kMaxYamlBytes = size_t{1} << 20;
// Aliases can repeat a node without its text ("billion laughs"): the value count is bounded.
constexpr size_t kMaxValues = size_t{1} << 20;
// A scenario nests 5 deep. yaml-cpp loads an alias inside its own anchor (&a [*a]) as a cycle.
constexpr int kMaxDepth = 32;

std::string position(const YAML::Mark& mark) {  // yaml-cpp counts from 0, editors from 1
  return "line " + std::to_string(mark.line + 1) + ", column " + std::to_string(mark.column + 1);
}

// UTF-8 as RFC 3629 has it (no overlongs, surrogates or code points past U+10FFFF). yaml-cpp
// passes invalid bytes through; the JSON parser would refuse them, and nlohmann's dump() (which
// the checker's messages use) throws on them.
bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t more = 0;
    unsigned lo = 0x80, hi = 0xbf;  // allowed range of the second byte
    if (b < 0x80) {
      more = 0;
    } else if (b >= 0xc2 && b <= 0xdf) {
      more = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      more = 2;
      if (b == 0xe0) lo = 0xa0;
      if (b == 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      more = 3;
      if (b == 0xf0) lo = 0x90;
      if (b == 0xf4) hi = 0x8f;
    } else {
      return false;
    }
    if (s.size() - i - 1 < more) return false;
    for (size_t k = 1; k <= more; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xbf)) return false;
    }
    i += more + 1;
  }
  return true;
}

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (const std::string_view w : words) {
    if (s == w) return true;
  }
  return false;
}

size_t skip_digits(std::string_view s, size_t i) {
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  return i;
}

// [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+. Unsigned unless negative, as nlohmann's parser gives
// JSON integers (the checker asks is_number_unsigned() of a status). False past 64 bits.
bool core_integer(std::string_view s, Json& out) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
    base = s[1] == 'o' ? 8 : 16;
    s.remove_prefix(2);
  }
  const bool negative = base == 10 && !s.empty() && s[0] == '-';
  if (base == 10 && !s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || (base == 10 && skip_digits(s, 0) != s.size())) return false;
  uint64_t magnitude = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), magnitude, base);
  if (ec != std::errc() || end != s.data() + s.size()) return false;
  if (!negative) {
    out = magnitude;
  } else if (magnitude == 0) {
    out = int64_t{0};
  } else if (magnitude - 1 <= uint64_t{std::numeric_limits<int64_t>::max()}) {
    out = -static_cast<int64_t>(magnitude - 1) - 1;
  } else {
    return false;
  }
  return true;
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?.inf, .nan. Integers too long for
// 64 bits land here and become doubles, as in nlohmann's parser; a value past double's range
// stays a string (JSON would refuse the file; this way the checker names the key).
bool core_float(std::string_view s, Json& out) {
  const bool negative = !s.empty() && s[0] == '-';
  std::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) body.remove_prefix(1);
  if (one_of(body, {".inf", ".Inf", ".INF"})) {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return true;
  }
  if (one_of(s, {".nan", ".NaN", ".NAN"})) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  size_t i = 0;
  if (!body.empty() && body[0] == '.') {
    i = skip_digits(body, 1);
    if (i == 1) return false;
  } else {
    i = skip_digits(body, 0);
    if (i == 0) return false;
    if (i < body.size() && body[i] == '.') i = skip_digits(body, i + 1);
  }
  if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
    size_t e = i + 1;
    if (e < body.size() && (body[e] == '-' || body[e] == '+')) ++e;
    i = skip_digits(body, e);
    if (i == e) return false;
  }
  if (i != body.size()) return false;
  double v = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (ec != std::errc() || end != body.data() + body.size()) return false;
  out = negative ? -v : v;
  return true;
}

// A plain (unquoted, untagged) scalar by the YAML 1.2 core schema (YAML 1.2.2, section 10.3.2).
Json plain_scalar(const std::string& s) {
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) return nullptr;
  if (one_of(s, {"true", "True", "TRUE"})) return true;
  if (one_of(s, {"false", "False", "FALSE"})) return false;
  Json number;
  if (core_integer(s, number) || core_float(s, number)) return number;
  return s;
}

const std::string kStringTag = "tag:yaml.org,2002:str";

class Converter {
 public:
  explicit Converter(std::string& why) : why_(why) {}

  bool value(const YAML::Node& node, int depth, Json& out) {
    if (++values_ > kMaxValues) {
      return fail(node,
                  "aliases repeat nodes to more than " + std::to_string(kMaxValues) + " values");
    }
    if (depth > kMaxDepth) {
      return fail(node, "nested deeper than " + std::to_string(kMaxDepth) +
                            " levels (an alias inside its own anchor?)");
    }
    switch (node.Type()) {
      case YAML::NodeType::Map:
        return tag_known(node, "tag:yaml.org,2002:map") && map(node, depth, out);
      case YAML::NodeType::Sequence:
        return tag_known(node, "tag:yaml.org,2002:seq") && sequence(node, depth, out);
      case YAML::NodeType::Scalar:
        return scalar(node, out);
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        out = nullptr;
        return true;
    }
    out = nullptr;
    return true;
  }

 private:
  bool fail(const YAML::Node& node, const std::string& what) {
    why_ = position(node.Mark()) + ": " + what;
    return false;
  }
  bool invalid(const YAML::Node& node, const std::string& what) {
    why_ = "invalid YAML at " + position(node.Mark()) + ": " + what;
    return false;
  }

  // "?" is no tag, "!" the non-specific one of a quoted or block scalar.
  bool tag_known(const YAML::Node& node, const std::string& core_tag) {
    const std::string& tag = node.Tag();
    if (tag == "?" || tag == "!" || tag == core_tag) return true;
    return fail(node, "tag " + quote(tag) + " is not supported (quote a value to make a string)");
  }

  bool text(const YAML::Node& node, const std::string*& out) {
    if (!tag_known(node, kStringTag)) return false;
    if (!valid_utf8(node.Scalar())) return invalid(node, "not UTF-8");
    out = &node.Scalar();
    return true;
  }

  bool scalar(const YAML::Node& node, Json& out) {
    const std::string* s = nullptr;
    if (!text(node, s)) return false;
    out = node.Tag() == "?" ? plain_scalar(*s) : Json(*s);
    return true;
  }

  bool map(const YAML::Node& node, int depth, Json& out) {
    out = Json::object();
    for (const auto& item : node) {
      const std::string* key = nullptr;
      if (!item.first.IsScalar())
        return fail(item.first, "a key must be a word, not a list, map or null");
      if (!text(item.first, key)) return false;
      if (out.contains(*key)) return invalid(item.first, "duplicate key " + quote(*key));
      if (!value(item.second, depth + 1, out[*key])) return false;
    }
    return true;
  }

  bool sequence(const YAML::Node& node, int depth, Json& out) {
    out = Json::array();
    for (const YAML::Node& element : node) {
      if (!value(element, depth + 1, out.emplace_back())) return false;
    }
    return true;
  }

  size_t values_ = 0;
  std::string& why_;
};

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  s.remove_prefix(s.size() - suffix.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if ((s[i] | 0x20) != suffix[i]) return false;
  }
  return true;
}

}  // namespace

bool is_yaml_path(std::string_view path) {
  return ends_with_nocase(path, ".yaml") || ends_with_nocase(path, ".yml");
}

bool yaml_to_json(const std::string& text, Json& out, std::string& why) {
  if (text.size() > kMaxYamlBytes) {
    why = "larger than 1 MiB, the limit of a YAML scenario (a bigger one can be JSON)";
    return false;
  }
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      why = "holds " + std::to_string(documents.size()) + " YAML documents ('---'); keep one";
      return false;
    }
    if (documents.empty()) {  // an empty file: the checker says what it expected
      out = nullptr;
      return true;
    }
    return Converter(why).value(documents[0], 0, out);
  } catch (const YAML::DeepRecursion& e) {  // its own message says "bad file"
    why = "invalid YAML at " + position(e.mark) + ": nested deeper than yaml-cpp allows";
  } catch (const YAML::Exception& e) {
    why = e.mark.is_null() ? "invalid YAML: " + e.msg
                           : "invalid YAML at " + position(e.mark) + ": " + e.msg;
  }
  return false;
}

}  // namespace ringfire
