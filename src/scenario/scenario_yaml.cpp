// A YAML scenario as the JSON value the checker in scenario.cpp reads (scenario_yaml.hpp). Only
// the grammar is yaml-cpp's (0.7.0, Debian 12); types follow the YAML 1.2 core schema here,
// because yaml-cpp leaves every scalar a string and its own conversions read 'yes' as true.
#include "scenario_yaml.hpp"

#include <yaml-cpp/depthguard.h>  // not in yaml.h (0.7.0)
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <map>
#include <sstream>
#include <vector>

#include "ringfire/base/quote.hpp"

namespace ringfire {

namespace {

using Json = nlohmann::json;

// yaml-cpp 0.7.0's YAML::Load() took 47 s and 4 GB for a 16 MiB flow list here. Its parser alone,
// as used below, reads 1 MiB (35,000 one-line requests) in 0.4 s and 22 MB, a 1 MiB flow list of
// zeros in 1.2 s and 150 MB: YAML files get 1 MiB, not the 16 MiB of JSON.
constexpr size_t kMaxYamlBytes = size_t{1} << 20;
// Aliases can repeat a node without its text ("billion laughs"): the value count is bounded,
// above what 30,000 requests with their headers by alias need (some 10 values each).
constexpr size_t kMaxValues = size_t{1} << 19;

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

// Builds the JSON value from yaml-cpp's parser events, not from its YAML::Node tree: a node
// there costs some 500 bytes, and its LoadAll() loops forever on some broken input (found by
// fuzzing 0.7.0: ",:x &[*a"), where two HandleNextDocument() calls here end. The first refusal
// is kept and the rest of the document only parsed, so that a syntax error further on (which
// yaml-cpp may report only after events that look odd, such as a list as a key) comes first.
class JsonBuilder : public YAML::EventHandler {
 public:
  Json root;
  std::string refused;  // the first refusal, or empty
  // The line (from 1) where each value starts, by the checker's path of it ("requests[2].path");
  // a map entry's is its key's line.
  std::map<std::string, size_t> lines;

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!refused.empty()) return;
    if (expecting_key()) return refuse(mark, "a key must be a word, not null");
    note_line(mark);
    if (count(mark, 1)) put(nullptr, 1, anchor);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (!refused.empty()) return;
    if (expecting_key()) return refuse(mark, "a key must be a word, not an alias");
    const auto it = anchors_.find(anchor);
    if (it == anchors_.end()) return refuse(mark, "an alias inside its own anchor");
    note_line(mark);
    if (count(mark, it->second.values)) {  // before the copy
      put(Json(it->second.value), it->second.values, YAML::NullAnchor);
    }
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (!refused.empty() || !tag_known(mark, tag, kStringTag)) return;
    if (!valid_utf8(value)) return refuse(mark, "not UTF-8", true);
    if (expecting_key()) {
      if (stack_.back().value.contains(value)) {
        return refuse(mark, "duplicate key " + quote(value), true);
      }
      stack_.back().key = value;
      stack_.back().have_key = true;
      note_line(mark);  // the entry's line is its key's
      return;
    }
    note_line(mark);
    if (count(mark, 1)) put(tag == "?" ? plain_scalar(value) : Json(value), 1, anchor);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, tag, "tag:yaml.org,2002:seq", anchor, Json::array());
  }
  void OnSequenceEnd() override {
    if (refused.empty()) close();
  }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, tag, "tag:yaml.org,2002:map", anchor, Json::object());
  }
  void OnMapEnd() override {
    if (refused.empty()) close();
  }

 private:
  struct Open {  // a sequence or map being filled
    Json value;
    YAML::anchor_t anchor = YAML::NullAnchor;
    size_t values = 1;  // itself and everything in it
    std::string key;    // maps: the key whose value comes next
    bool have_key = false;
    std::string path;  // as the checker names it: "requests[2].expect"
  };
  struct Anchored {
    Json value;
    size_t values;
  };

  // The checker's path of the value that comes next: "key" at the top, "parent.key" in a map,
  // "parent[i]" in a list.
  std::string next_path() const {
    if (stack_.empty()) return "";
    const Open& parent = stack_.back();
    if (parent.value.is_array())
      return parent.path + "[" + std::to_string(parent.value.size()) + "]";
    return parent.path.empty() ? parent.key : parent.path + "." + parent.key;
  }

  void note_line(const YAML::Mark& mark) {
    if (!stack_.empty()) lines.emplace(next_path(), static_cast<size_t>(mark.line) + 1);
  }

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().have_key;
  }

  void refuse(const YAML::Mark& mark, const std::string& what, bool invalid = false) {
    refused = (invalid ? "invalid YAML at " : "") + position(mark) + ": " + what;
  }

  // "?" is no tag, "!" the non-specific one of a quoted or block scalar.
  bool tag_known(const YAML::Mark& mark, const std::string& tag, const std::string& core_tag) {
    if (tag == "?" || tag == "!" || tag == core_tag) return true;
    refuse(mark, "tag " + quote(tag) + " is not supported (quote a value to make a string)");
    return false;
  }

  void open(const YAML::Mark& mark, const std::string& tag, const std::string& core_tag,
            YAML::anchor_t anchor, Json empty) {
    if (!refused.empty()) return;
    if (expecting_key()) return refuse(mark, "a key must be a word, not a list or map");
    if (!tag_known(mark, tag, core_tag) || !count(mark, 1)) return;
    note_line(mark);
    std::string path = next_path();
    Open& opened = stack_.emplace_back();
    opened.path = std::move(path);
    opened.value = std::move(empty);
    opened.anchor = anchor;
  }

  void close() {
    Open done = std::move(stack_.back());
    stack_.pop_back();
    put(std::move(done.value), done.values, done.anchor);
  }

  bool count(const YAML::Mark& mark, size_t values) {
    total_ += values;
    if (total_ <= kMaxValues) return true;
    refuse(mark, "aliases repeat nodes to more than " + std::to_string(kMaxValues) + " values");
    return false;
  }

  // A finished value into its parent (or as the root); `values` counts it and its contents.
  void put(Json value, size_t values, YAML::anchor_t anchor) {
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{value, values};
    if (stack_.empty()) {
      root = std::move(value);
      return;
    }
    Open& parent = stack_.back();
    parent.values += values;
    if (parent.value.is_array()) {
      parent.value.push_back(std::move(value));
    } else {
      parent.value[parent.key] = std::move(value);
      parent.have_key = false;
    }
  }

  std::vector<Open> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  size_t total_ = 0;  // values made so far, aliases' copies included
};

// Only asks whether there is a next document.
struct Ignore : YAML::EventHandler {
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
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

bool yaml_to_json(const std::string& text, Json& out, std::string& why,
                  std::map<std::string, size_t>* lines) {
  if (text.size() > kMaxYamlBytes) {
    why = "larger than 1 MiB, the limit of a YAML scenario (a bigger one can be JSON)";
    return false;
  }
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    JsonBuilder builder;
    Ignore ignore;
    const bool more = parser.HandleNextDocument(builder) && parser.HandleNextDocument(ignore);
    if (!builder.refused.empty()) {
      why = builder.refused;
    } else if (more) {
      why = "holds more than one YAML document ('---'); keep one";
    } else {
      out = std::move(builder.root);  // null for an empty file: the checker says what it wants
      if (lines != nullptr) *lines = std::move(builder.lines);
      return true;
    }
  } catch (const YAML::DeepRecursion& e) {  // its own message says "bad file"
    why = "invalid YAML at " + position(e.mark) + ": nested deeper than yaml-cpp allows";
  } catch (const YAML::Exception& e) {
    // Some messages end in the offending byte ("unknown escape character: \n"): escaped.
    const std::string quoted = quote(e.msg);
    const std::string what = quoted.substr(1, quoted.size() - 2);
    why = e.mark.is_null() ? "invalid YAML: " + what
                           : "invalid YAML at " + position(e.mark) + ": " + what;
  }
  return false;
}

}  // namespace ringfire
