// --scenario FILE: the JSON scenario format (scenario.hpp), checked key by key so that every
// mistake is one line naming the file, the position and what was expected. A YAML file is made
// the same JSON value first (scenario_yaml.cpp), so both formats share these checks.
#include "ringfire/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "ringfire/base/files.hpp"
#include "ringfire/base/quote.hpp"
#include "ringfire/http/url.hpp"
#include "scenario_yaml.hpp"

namespace ringfire {

namespace {

using Json = nlohmann::json;

constexpr size_t kMaxScenarioBytes = size_t{16} << 20;
constexpr size_t kMaxBodyFileBytes = size_t{16} << 20;  // as --body-file

// Bytes that may never reach a request target (RFC 9112 section 3.2: no whitespace, no controls)
// or a header value (no line break, no NUL).
constexpr char kTargetBreakers[] =
    "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16"
    "\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x20\x7f";
constexpr std::string_view kTargetBad(kTargetBreakers, sizeof(kTargetBreakers));  // with NUL
constexpr std::string_view kValueBad("\r\n\0", 3);

bool is_token(std::string_view s) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  if (s.empty()) return false;
  for (const char c : s) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && kSpecials.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
  }
  return true;
}

std::string join(std::initializer_list<const char*> names) {
  std::string out;
  size_t i = 0;
  for (const char* n : names) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += n;
    ++i;
  }
  return out;
}

class Loader {
 public:
  Loader(const std::string& file, std::string& error)
      : file_(file), folder_(folder_of(file)), error_(error) {}

  bool load(Scenario& out) {
    std::string text, why;
    if (!read_file_limited(file_, kMaxScenarioBytes, text, why))
      return fail("", "cannot read: " + why);
    Json root;
    if (is_yaml_path(file_)) {
      if (!yaml_to_json(text, root, why, &lines_)) return fail("", why);
    } else {
      try {
        root = Json::parse(text);
      } catch (const Json::parse_error& e) {
        std::string what = e.what();
        if (const size_t end = what.find("] "); what.rfind("[json.", 0) == 0 && end != what.npos) {
          what.erase(0, end + 2);
        }
        return fail("", "invalid JSON: " + what);
      }
    }
    if (!root.is_object()) return fail("", "expected a JSON object {\"requests\": [...]}");
    if (!known_keys(root, {"base_url", "requests"}, "")) return false;
    Scenario scenario;
    if (root.contains("base_url") && !base_url(root["base_url"], scenario.base_url)) return false;
    if (!root.contains("requests")) return fail("", "missing key 'requests'");
    const Json& list = root["requests"];
    if (!list.is_array() || list.empty()) return fail("requests", "expected a non-empty list");
    if (list.size() > 65535) return fail("requests", "more than 65535 requests");
    std::set<std::string> labels;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string where = "requests[" + std::to_string(i) + "]";
      RequestSpec& spec = scenario.requests.emplace_back();
      if (!request(list[i], where, spec)) return false;
      if (!labels.insert(spec.label).second) {
        return fail(where, "duplicate label " + quote(spec.label));
      }
    }
    out = std::move(scenario);
    return true;
  }

 private:
  // "FILE: where: what", or for YAML "FILE:LINE: where: what" (as compilers print, so editors
  // jump there) with the line of `line_of` (default: of `where`) when the document had it.
  bool fail(const std::string& where, const std::string& what, const std::string& line_of = "") {
    const auto line = lines_.find(line_of.empty() ? where : line_of);
    error_ = file_ + (line == lines_.end() ? "" : ":" + std::to_string(line->second)) + ": " +
             (where.empty() ? "" : where + ": ") + what;
    return false;
  }

  bool known_keys(const Json& object, std::initializer_list<const char*> known,
                  const std::string& where) {
    for (const auto& item : object.items()) {
      bool found = false;
      for (const char* k : known) found = found || item.key() == k;
      if (!found) {
        return fail(where, "unknown key " + quote(item.key()) + " (expected " + join(known) + ")",
                    where.empty() ? item.key() : where + "." + item.key());
      }
    }
    return true;
  }

  bool string_at(const Json& j, const std::string& where, std::string& out) {
    if (!j.is_string()) return fail(where, "expected a string, got " + j.dump());
    out = j.get<std::string>();
    return true;
  }

  bool base_url(const Json& j, std::string& out) {
    if (!string_at(j, "base_url", out)) return false;
    Url url;
    UrlError url_error;
    if (!parse_url(out, url, url_error)) return fail("base_url", url_error.message);
    if (url.target != "/") {
      return fail("base_url",
                  "has a path (" + quote(url.target) + "); paths belong in each request's 'path'");
    }
    return true;
  }

  bool request(const Json& j, const std::string& where, RequestSpec& spec) {
    if (!j.is_object()) return fail(where, "expected an object {\"label\": ..., \"path\": ...}");
    if (!known_keys(j,
                    {"label", "method", "path", "headers", "body", "body_file", "weight", "expect"},
                    where)) {
      return false;
    }
    if (!j.contains("label")) return fail(where, "missing key 'label'");
    if (!string_at(j["label"], where + ".label", spec.label)) return false;
    if (spec.label.empty()) return fail(where + ".label", "is empty");
    if (std::any_of(spec.label.begin(), spec.label.end(),
                    [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
      return fail(where + ".label", quote(spec.label) + " holds a control character");
    }
    if (j.contains("method") && !method(j["method"], where + ".method", spec.method)) return false;
    if (!j.contains("path")) return fail(where, "missing key 'path'");
    if (!path(j["path"], where + ".path", spec.target)) return false;
    if (j.contains("headers") && !headers(j["headers"], where + ".headers", spec)) return false;
    if (!body(j, where, spec.body)) return false;
    if (j.contains("weight") && !weight(j["weight"], where + ".weight", spec.weight)) return false;
    if (j.contains("expect") && !expect(j["expect"], where + ".expect", spec.expect)) return false;
    return true;
  }

  bool method(const Json& j, const std::string& where, std::string& out) {
    if (!string_at(j, where, out)) return false;
    const bool upper =
        std::none_of(out.begin(), out.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!is_token(out) || !upper) {
      return fail(where, quote(out) + " is not an uppercase method name (GET, POST, ...)");
    }
    return true;
  }

  bool parsed(const std::string& text, const std::string& where, RequestTemplate& out) {
    std::string why;
    if (!parse_template(text, folder_, out, why)) return fail(where, why);
    return true;
  }

  bool path(const Json& j, const std::string& where, RequestTemplate& out) {
    std::string text;
    if (!string_at(j, where, text)) return false;
    if (text.empty() || text[0] != '/')
      return fail(where, "must start with '/', got " + quote(text));
    if (!parsed(text, where, out)) return false;
    if (template_may_contain(out, kTargetBad)) {
      return fail(where, "can hold a space or control character (write %20 for a space)");
    }
    return true;
  }

  bool headers(const Json& j, const std::string& where, RequestSpec& spec) {
    if (!j.is_object()) return fail(where, "expected an object {\"Name\": \"value\"}");
    for (const auto& item : j.items()) {
      const std::string& name = item.key();
      const std::string at = where + "." + name;
      if (!is_token(name)) return fail(where, quote(name) + " is not a valid header name");
      if (same_name(name, "Content-Length")) {
        return fail(where, "Content-Length is set for each request from its body; leave it out");
      }
      if (same_name(name, "Transfer-Encoding")) {
        return fail(where, "Transfer-Encoding is not supported (bodies go with Content-Length)");
      }
      std::string text;
      if (!string_at(item.value(), at, text)) return false;
      ScenarioHeader& header = spec.headers.emplace_back();
      header.name = name;
      if (!parsed(text, at, header.value)) return false;
      if (template_may_contain(header.value, kValueBad)) {
        return fail(at, "can hold a line break or NUL");
      }
    }
    return true;
  }

  // `body` is a template; `body_file` is sent byte for byte (its braces are not placeholders).
  bool body(const Json& j, const std::string& where, RequestTemplate& out) {
    if (j.contains("body") && j.contains("body_file")) {
      return fail(where, "has both 'body' and 'body_file'; keep one");
    }
    std::string text;
    if (j.contains("body")) {
      return string_at(j["body"], where + ".body", text) && parsed(text, where + ".body", out);
    }
    if (!j.contains("body_file")) return true;
    std::string name, why;
    if (!string_at(j["body_file"], where + ".body_file", name)) return false;
    const std::string file = path_in(folder_, name);
    if (!read_file_limited(file, kMaxBodyFileBytes, text, why)) {
      return fail(where + ".body_file", "cannot read " + quote(file) + ": " + why);
    }
    out = literal_template(text);
    return true;
  }

  bool weight(const Json& j, const std::string& where, double& out) {
    if (!j.is_number() || !std::isfinite(j.get<double>()) || j.get<double>() <= 0) {
      return fail(where, "expected a number above 0, got " + j.dump());
    }
    out = j.get<double>();
    return true;
  }

  bool expect(const Json& j, const std::string& where, Expect& out) {
    if (!j.is_object())
      return fail(where, "expected an object {\"status\": ..., \"body_bytes\": ...}");
    if (!known_keys(j, {"status", "body_bytes"}, where)) return false;
    if (j.contains("status")) {
      const Json& s = j["status"];
      if (s.is_array() && s.empty()) return fail(where + ".status", "expected at least one status");
      if (s.is_array()) {
        for (size_t i = 0; i < s.size(); ++i) {
          if (!status(s[i], where + ".status[" + std::to_string(i) + "]", out)) return false;
        }
      } else if (!status(s, where + ".status", out)) {
        return false;
      }
    }
    if (j.contains("body_bytes")) {
      const Json& b = j["body_bytes"];
      const auto bound = [](const Json& n) { return n.is_number_unsigned(); };
      if (!b.is_array() || b.size() != 2 || !bound(b[0]) || !bound(b[1]) ||
          b[0].get<uint64_t>() > b[1].get<uint64_t>()) {
        return fail(where + ".body_bytes",
                    "expected [min, max] with 0 <= min <= max, got " + b.dump());
      }
      out.body_min = b[0].get<uint64_t>();
      out.body_max = b[1].get<uint64_t>();
    }
    return true;
  }

  // One status code (100-999) or class ("1xx".."5xx").
  bool status(const Json& j, const std::string& where, Expect& out) {
    if (j.is_number_unsigned() && j.get<uint64_t>() >= 100 && j.get<uint64_t>() <= 999) {
      out.status.set(j.get<size_t>());
      return true;
    }
    if (j.is_string()) {
      const std::string s = j.get<std::string>();
      if (s.size() == 3 && s[0] >= '1' && s[0] <= '5' && (s[1] | 0x20) == 'x' &&
          (s[2] | 0x20) == 'x') {
        out.allow_class(static_cast<unsigned>(s[0] - '0'));
        return true;
      }
    }
    return fail(where, "expected a status code (100-999) or a class like \"2xx\", got " + j.dump());
  }

  const std::string& file_;
  const std::string folder_;
  std::string& error_;
  std::map<std::string, size_t> lines_;  // YAML only: each value's line, by its path
};

}  // namespace

bool load_scenario(const std::string& path, Scenario& out, std::string& error) {
  return Loader(path, error).load(out);
}

}  // namespace ringfire
