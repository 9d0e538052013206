// YAML scenarios: the same Scenario as the JSON twin, the core-schema conversion rule by rule,
// the checker's messages shared with JSON, and YAML's own errors with line and column.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <limits>

#include "../../src/scenario/scenario_yaml.hpp"
#include "ringfire/scenario/scenario.hpp"
#include "temp_files.hpp"

namespace ringfire {
namespace {

using Json = nlohmann::json;

// This file is tests/unit/scenario_yaml_test.cpp; the examples are two folders up.
const std::string kSourceDir =
    std::string(__FILE__).substr(0, std::string(__FILE__).rfind('/')) + "/../..";

void expect_same_template(const RequestTemplate& a, const RequestTemplate& b,
                          const std::string& where) {
  ASSERT_EQ(a.parts.size(), b.parts.size()) << where;
  for (size_t i = 0; i < a.parts.size(); ++i) {
    const TemplatePart& x = a.parts[i];
    const TemplatePart& y = b.parts[i];
    EXPECT_EQ(x.kind, y.kind) << where << " part " << i;
    EXPECT_EQ(x.text, y.text) << where << " part " << i;
    EXPECT_EQ(x.lo, y.lo) << where << " part " << i;
    EXPECT_EQ(x.hi, y.hi) << where << " part " << i;
    EXPECT_EQ(x.width, y.width) << where << " part " << i;
    ASSERT_EQ(x.values == nullptr, y.values == nullptr) << where << " part " << i;
    if (x.values) {
      EXPECT_EQ(*x.values, *y.values) << where << " part " << i;
    }
  }
}

void expect_same_scenario(const Scenario& a, const Scenario& b) {
  EXPECT_EQ(a.base_url, b.base_url);
  ASSERT_EQ(a.requests.size(), b.requests.size());
  for (size_t i = 0; i < a.requests.size(); ++i) {
    const RequestSpec& x = a.requests[i];
    const RequestSpec& y = b.requests[i];
    const std::string where = "requests[" + std::to_string(i) + "]";
    EXPECT_EQ(x.label, y.label) << where;
    EXPECT_EQ(x.method, y.method) << where;
    expect_same_template(x.target, y.target, where + ".path");
    ASSERT_EQ(x.headers.size(), y.headers.size()) << where;
    for (size_t h = 0; h < x.headers.size(); ++h) {
      EXPECT_EQ(x.headers[h].name, y.headers[h].name) << where;
      expect_same_template(x.headers[h].value, y.headers[h].value, where + ".headers");
    }
    expect_same_template(x.body, y.body, where + ".body");
    EXPECT_EQ(x.weight, y.weight) << where;
    EXPECT_EQ(x.expect.status, y.expect.status) << where;
    EXPECT_EQ(x.expect.body_min, y.expect.body_min) << where;
    EXPECT_EQ(x.expect.body_max, y.expect.body_max) << where;
  }
}

class YamlFiles : public TempFiles {
 protected:
  // The error of loading `text` as `name`, without the "<path>: " or "<path>:<line>: " in front
  // (the line, if any, goes to `line`: YAML messages name it, JSON ones cannot).
  std::string error_of(const std::string& name, const std::string& text, size_t* line = nullptr) {
    const std::string path = write(name, text);
    Scenario s;
    std::string error;
    EXPECT_FALSE(load_scenario(path, s, error)) << text;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    EXPECT_EQ(error.rfind(path + ":", 0), 0u) << error;
    size_t at = std::min(error.size(), path.size() + 1);
    size_t digits = 0;
    while (at + digits < error.size() &&
           std::isdigit(static_cast<unsigned char>(error[at + digits])))
      ++digits;
    if (line != nullptr) *line = digits == 0 ? 0 : std::stoul(error.substr(at, digits));
    at += digits == 0 ? 0 : digits + 1;
    EXPECT_EQ(error.compare(at, 1, " "), 0) << error;
    return error.substr(std::min(error.size(), at + 1));
  }
};

TEST(YamlScenario, TheFibPrimeExampleLoadsAsItsJsonTwin) {
  Scenario from_json, from_yaml;
  std::string error;
  ASSERT_TRUE(load_scenario(kSourceDir + "/scripts/examples/fib-prime.json", from_json, error))
      << error;
  ASSERT_TRUE(load_scenario(kSourceDir + "/scripts/examples/fib-prime.yaml", from_yaml, error))
      << error;
  ASSERT_EQ(from_yaml.requests.size(), 2u);
  EXPECT_EQ(from_yaml.requests[1].headers.size(), 4u);  // by alias of the first request's
  EXPECT_TRUE(from_yaml.requests[1].expect.status_ok(200));
  EXPECT_FALSE(from_yaml.requests[1].expect.status_ok(201));
  expect_same_scenario(from_json, from_yaml);
}

TEST_F(YamlFiles, EveryKeyLoadsAsInJson) {
  write("ids.txt", "7\n8\n");
  write("payload.bin", "{raw}");
  const std::string json = write("s.json", R"({"base_url": "http://127.0.0.1:8080", "requests": [
      {"label": "fib", "path": "/fib/{rand:10:30}", "weight": 1.5,
       "expect": {"status": [200, "3xx"], "body_bytes": [1, 100]}},
      {"label": "create", "method": "POST", "path": "/rows/{line:ids.txt}",
       "headers": {"Content-Type": "application/json", "X-Req": "{uuid}"},
       "body": "{{\"id\": {seq:100}}}\n", "expect": {"status": 201}},
      {"label": "up", "method": "PUT", "path": "/up", "body_file": "payload.bin"}]})");
  const std::string yaml = write("s.yml", R"(
base_url: "http://127.0.0.1:8080"
requests:
- label: fib
  path: /fib/{rand:10:30}
  weight: 1.5
  expect:
    status: [200, 3xx]
    body_bytes: [1, 100]
- label: create
  method: POST
  path: "/rows/{line:ids.txt}"
  headers: {Content-Type: application/json, X-Req: "{uuid}"}
  body: |
    {{"id": {seq:100}}}
  expect: {status: 201}
- label: up
  method: PUT
  path: /up
  body_file: payload.bin
)");
  Scenario from_json, from_yaml;
  std::string error;
  ASSERT_TRUE(load_scenario(json, from_json, error)) << error;
  ASSERT_TRUE(load_scenario(yaml, from_yaml, error)) << error;
  EXPECT_EQ(from_yaml.requests[0].weight, 1.5);
  expect_same_scenario(from_json, from_yaml);
}

TEST(YamlScenario, ScalarsFollowTheCoreSchema) {
  const double inf = std::numeric_limits<double>::infinity();
  const struct {
    const char* yaml;  // the value of key a
    Json want;         // compared by value and by type (unsigned, integer, float, ...)
  } cases[] = {
      {"200", Json(uint64_t{200})},
      {"+7", Json(uint64_t{7})},
      {"012", Json(uint64_t{12})},  // 1.2 core: decimal, not octal
      {"-5", Json(int64_t{-5})},
      {"-9223372036854775808", Json(std::numeric_limits<int64_t>::min())},
      {"18446744073709551615", Json(std::numeric_limits<uint64_t>::max())},
      {"18446744073709551616", Json(18446744073709551616.0)},  // past 64 bits, as nlohmann
      {"0x1F", Json(uint64_t{31})},
      {"0o17", Json(uint64_t{15})},
      {"1.5", Json(1.5)},
      {"-.5", Json(-0.5)},
      {"2.", Json(2.0)},
      {"1e3", Json(1000.0)},
      {"6.02E+23", Json(6.02e23)},
      {".inf", Json(inf)},
      {"-.Inf", Json(-inf)},
      {"~", Json(nullptr)},
      {"null", Json(nullptr)},
      {"NULL", Json(nullptr)},
      {"", Json(nullptr)},
      {"true", Json(true)},
      {"True", Json(true)},
      {"FALSE", Json(false)},
      // Strings: YAML 1.1's booleans, other spellings, quoted, tagged and block scalars.
      {"yes", Json("yes")},
      {"no", Json("no")},
      {"on", Json("on")},
      {"tRUE", Json("tRUE")},
      {"nULL", Json("nULL")},
      {"1_000", Json("1_000")},
      {"0x", Json("0x")},
      {"0xG", Json("0xG")},
      {"1e999", Json("1e999")},  // past a double (JSON refuses the file; here the checker will)
      {"1.2.3", Json("1.2.3")},
      {"e3", Json("e3")},
      {"1:2", Json("1:2")},
      {"\"200\"", Json("200")},
      {"'true'", Json("true")},
      {"\"null\"", Json("null")},
      {"\"\"", Json("")},
      {"!!str 200", Json("200")},
      {"|\n  two\n  lines\n", Json("two\nlines\n")},
      {">-\n  folded\n  line\n", Json("folded line")},
      {"[1, x, {b: ~}]", Json::parse(R"([1, "x", {"b": null}])")},
  };
  for (const auto& c : cases) {
    Json out;
    std::string why;
    ASSERT_TRUE(yaml_to_json(std::string("a: ") + c.yaml, out, why)) << c.yaml << ": " << why;
    const Json& got = out["a"];
    EXPECT_EQ(got.type(), c.want.type()) << c.yaml << " -> " << got.dump();
    EXPECT_EQ(got.is_number_unsigned(), c.want.is_number_unsigned()) << c.yaml;
    EXPECT_EQ(got.is_number_integer(), c.want.is_number_integer()) << c.yaml;
    EXPECT_EQ(got, c.want) << c.yaml << " -> " << got.dump();
  }
  Json nan;
  std::string why;
  ASSERT_TRUE(yaml_to_json("a: .NaN", nan, why)) << why;
  EXPECT_TRUE(nan["a"].is_number_float() && std::isnan(nan["a"].get<double>()));
}

TEST_F(YamlFiles, CheckerMessagesAreTheJsonOnes) {
  const struct {
    const char* yaml;
    const char* json;
  } cases[] = {
      {"requests: [{label: a, path: /, wieght: 2}]",
       R"({"requests": [{"label": "a", "path": "/", "wieght": 2}]})"},
      {"request: []", R"({"request": []})"},
      {"requests: [{label: a, path: /, expect: {status: \"200\"}}]",
       R"({"requests": [{"label": "a", "path": "/", "expect": {"status": "200"}}]})"},
      {"requests: [{label: a, path: /, weight: '2'}]",
       R"({"requests": [{"label": "a", "path": "/", "weight": "2"}]})"},
      {"requests: [{label: a, path: /, weight: ~}]",
       R"({"requests": [{"label": "a", "path": "/", "weight": null}]})"},
      {"requests: [{label: a, path: /, weight: true}]",
       R"({"requests": [{"label": "a", "path": "/", "weight": true}]})"},
      {"requests: [{label: 5, path: /}]", R"({"requests": [{"label": 5, "path": "/"}]})"},
      {"requests: [{label: a, path: /, headers: {X: 1}}]",
       R"({"requests": [{"label": "a", "path": "/", "headers": {"X": 1}}]})"},
      {"requests: [{label: a, path: /, expect: {body_bytes: [5, 1]}}]",
       R"({"requests": [{"label": "a", "path": "/", "expect": {"body_bytes": [5, 1]}}]})"},
      {"requests:\n  - label: a\n", R"({"requests": [{"label": "a"}]})"},
      {"", "null"},
      {"- a", R"(["a"])"},
  };
  for (const auto& c : cases) {
    const std::string from_json = error_of("bad.json", c.json);
    EXPECT_EQ(error_of("bad.yaml", c.yaml), from_json) << c.yaml;
  }
  EXPECT_EQ(error_of("bad.yaml", "requests: [{label: a, path: /, wieght: 2}]"),
            "requests[0]: unknown key 'wieght' (expected label, method, path, headers, body, "
            "body_file, weight or expect)");
  EXPECT_EQ(error_of("bad.yaml", "requests: [{label: a, path: /, expect: {status: \"200\"}}]"),
            "requests[0].expect.status: expected a status code (100-999) or a class like \"2xx\", "
            "got \"200\"");
}

// The checker's messages name the YAML line, compiler style (FILE:LINE: ...): an unknown key's
// own line, a bad value's line, a list item's line.
TEST_F(YamlFiles, CheckerMessagesNameTheYamlLine) {
  const std::string doc =
      "requests:\n"       // 1
      "  - label: a\n"    // 2
      "    path: /a\n"    // 3
      "  - label: b\n"    // 4
      "    path: /b\n"    // 5
      "    wieght: 2\n";  // 6
  size_t line = 0;
  EXPECT_NE(error_of("k.yaml", doc, &line).find("requests[1]: unknown key 'wieght'"),
            std::string::npos);
  EXPECT_EQ(line, 6u);
  error_of("s.yaml",
           "requests:\n  - label: a\n    path: /a\n    expect:\n      status: [200,\n"
           "        \"x\"]\n",
           &line);
  EXPECT_EQ(line, 6u);  // requests[0].expect.status[1]
  EXPECT_NE(error_of("w.yaml", "requests:\n  - label: a\n    path: /a\n    weight: -1\n", &line)
                .find("requests[0].weight"),
            std::string::npos);
  EXPECT_EQ(line, 4u);
  EXPECT_NE(
      error_of("d.yaml", "requests:\n  - label: a\n    path: /\n  - label: a\n    path: /\n", &line)
          .find("duplicate label"),
      std::string::npos);
  EXPECT_EQ(line, 4u);  // the list item
  error_of("j.json", R"({"requests": [{"label": "a", "path": "/", "wieght": 2}]})", &line);
  EXPECT_EQ(line, 0u);  // JSON: the path alone
}

TEST_F(YamlFiles, YamlErrorsNameLineAndColumn) {
  const struct {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"requests:\n  - {label: a, path: /\n",
       "invalid YAML at line 3, column 1: end of map flow not found"},
      {"requests: x\n bad: y\n", "invalid YAML at line 2, column 5: illegal map value"},
      {"a: \"open", "invalid YAML at line 1, column 9: illegal EOF in scalar"},
      {"a: *nowhere\n", "invalid YAML at line 1, column 4: the referenced anchor is not defined"},
      {"requests:\n  - label: a\n    path: /\n    label: b\n",
       "invalid YAML at line 4, column 5: duplicate key 'label'"},
      {"a: 1\n\"a\": 2\n", "invalid YAML at line 2, column 1: duplicate key 'a'"},
      {"a: \"\xff\"\n", "invalid YAML at line 1, column 4: not UTF-8"},
      {"a: \xed\xa0\x80\n", "invalid YAML at line 1, column 4: not UTF-8"},  // a surrogate
      {"? [x]\n: 1\n", "line 1, column 3: a key must be a word, not a list or map"},
      {"a: \"\\\x01\"\n", "invalid YAML at line 1, column 7: unknown escape character: \\x01"},
      {"~: 1\n", "line 1, column 1: a key must be a word, not null"},
      {"a: &x b\n*x : 1\n", "line 2, column 1: a key must be a word, not an alias"},
      {"a: !foo 1\n",
       "line 1, column 4: tag '!foo' is not supported (quote a value to make a "
       "string)"},
      {"a: &loop [*loop]\n", "line 1, column 11: an alias inside its own anchor"},
      {"--- {}\n--- {}\n", "holds more than one YAML document ('---'); keep one"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of("bad.yaml", c.yaml), c.error) << c.yaml;
  const std::string deep = error_of("deep.yaml", std::string(1000, '['));
  EXPECT_EQ(deep.rfind("invalid YAML at line 1, column ", 0), 0u) << deep;
  EXPECT_NE(deep.find(": nested deeper than yaml-cpp allows"), std::string::npos) << deep;
  EXPECT_EQ(error_of("big.yaml", std::string((size_t{1} << 20) + 1, ' ')),
            "larger than 1 MiB, the limit of a YAML scenario (a bigger one can be JSON)");
}

TEST_F(YamlFiles, AliasesCannotExpandWithoutBound) {
  // Nine levels of ten aliases each: 10^9 values from 200 bytes ("billion laughs").
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + prev;
    text += "]\n";
  }
  const std::string error = error_of("laughs.yaml", text);
  EXPECT_NE(error.find("aliases repeat nodes to more than 524288 values"), std::string::npos)
      << error;
}

TEST_F(YamlFiles, TheNameChoosesTheParser) {
  EXPECT_TRUE(is_yaml_path("a.yaml"));
  EXPECT_TRUE(is_yaml_path("dir.json/A.YML"));
  EXPECT_TRUE(is_yaml_path(".yml"));
  EXPECT_FALSE(is_yaml_path("a.yaml.json"));
  EXPECT_FALSE(is_yaml_path("a.json"));
  EXPECT_FALSE(is_yaml_path("yaml"));
  EXPECT_FALSE(is_yaml_path("a.yamll"));
  // YAML in a .json file gets the JSON parser's message; JSON in a .yaml file loads (YAML 1.2
  // reads JSON).
  EXPECT_EQ(error_of("s.json", "requests: []").rfind("invalid JSON: parse error at line 1", 0), 0u);
  const std::string path = write("s.YAML", R"({"requests": [{"label": "a", "path": "/x"}]})");
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(path, s, error)) << error;
  EXPECT_EQ(s.requests.at(0).label, "a");
}

}  // namespace
}  // namespace ringfire
