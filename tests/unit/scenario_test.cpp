#include "ringfire/scenario/scenario.hpp"
#include "temp_files.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace ringfire {
namespace {

std::string literal_text(const RequestTemplate& t) {
  std::string out;
  for (const TemplatePart& p : t.parts) {
    EXPECT_EQ(p.kind, TemplatePart::Kind::kLiteral);
    out += p.text;
  }
  return out;
}

using ScenarioFiles = TempFiles;

TEST_F(ScenarioFiles, LoadsEveryKey) {
  write("payload.bin", "{not a template}");
  write("ids.txt", "7\n8\n");
  const std::string path = write("s.json", R"({
    "base_url": "http://127.0.0.1:8080",
    "requests": [
      {"label": "fib", "path": "/fib/{rand:10:30}", "weight": 3,
       "expect": {"status": [200, "3xx"], "body_bytes": [1, 100]}},
      {"label": "create", "method": "POST", "path": "/rows/{line:ids.txt}",
       "headers": {"Content-Type": "application/json", "X-Req": "{uuid}"},
       "body": "{{\"id\": {seq:100}}}", "expect": {"status": 201}},
      {"label": "upload", "method": "PUT", "path": "/up", "body_file": "payload.bin",
       "weight": 0.5, "expect": {"status": "2xx"}}
    ]})");
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_scenario(path, s, error)) << error;
  EXPECT_EQ(s.base_url, "http://127.0.0.1:8080");
  ASSERT_EQ(s.requests.size(), 3u);
  const RequestSpec& fib = s.requests[0];
  EXPECT_EQ(fib.label, "fib");
  EXPECT_EQ(fib.method, "GET");
  EXPECT_EQ(fib.target.parts.size(), 2u);
  EXPECT_EQ(fib.weight, 3);
  EXPECT_TRUE(fib.body.empty());
  EXPECT_TRUE(fib.expect.status_ok(200));
  EXPECT_TRUE(fib.expect.status_ok(302));
  EXPECT_FALSE(fib.expect.status_ok(201));
  EXPECT_FALSE(fib.expect.body_ok(0));
  EXPECT_TRUE(fib.expect.body_ok(100));
  const RequestSpec& create = s.requests[1];
  EXPECT_EQ(create.method, "POST");
  ASSERT_EQ(create.headers.size(), 2u);
  EXPECT_EQ(create.headers[0].name, "Content-Type");
  EXPECT_EQ(create.headers[1].value.parts[0].kind, TemplatePart::Kind::kUuid);
  EXPECT_EQ(*create.target.parts[1].values, (std::vector<std::string>{"7", "8"}));
  EXPECT_TRUE(create.body.has_seq());
  EXPECT_EQ(create.weight, 1);
  EXPECT_TRUE(create.expect.status_ok(201));
  EXPECT_FALSE(create.expect.status_ok(200));
  EXPECT_TRUE(create.expect.body_ok(0));
  const RequestSpec& upload = s.requests[2];
  EXPECT_EQ(literal_text(upload.body), "{not a template}");  // body_file: bytes as they are
  EXPECT_EQ(upload.weight, 0.5);
  EXPECT_TRUE(upload.expect.status_ok(204));
  EXPECT_FALSE(upload.expect.status_ok(404));
  EXPECT_TRUE(s.requests[0].expect.any() == false);
}

TEST_F(ScenarioFiles, ErrorsNameTheFileThePositionAndTheProblem) {
  struct Case {
    const char* json;
    const char* error;  // after "<file>: "
  };
  const Case cases[] = {
      {R"([])", "expected a JSON object {\"requests\": [...]}"},
      {R"({"requests": [)", ""},  // the JSON parser's message, checked below
      {R"({})", "missing key 'requests'"},
      {R"({"requests": []})", "requests: expected a non-empty list"},
      {R"({"request": []})", "unknown key 'request' (expected base_url or requests)"},
      {R"({"base_url": "http://h/x", "requests": [{"label": "a", "path": "/"}]})",
       "base_url: has a path ('/x'); paths belong in each request's 'path'"},
      {R"({"base_url": "ftp://h", "requests": [{"label": "a", "path": "/"}]})",
       "base_url: unsupported scheme 'ftp' in 'ftp://h': only http:// and https:// are "
       "supported"},
      {R"({"requests": [{"label": "a", "path": "/"}, {"label": "b", "path": "/", "wieght": 2}]})",
       "requests[1]: unknown key 'wieght' (expected label, method, path, headers, body, "
       "body_file, weight or expect)"},
      {R"({"requests": [{"label": "a"}]})", "requests[0]: missing key 'path'"},
      {R"({"requests": [{"path": "/"}]})", "requests[0]: missing key 'label'"},
      {R"({"requests": [{"label": "", "path": "/"}]})", "requests[0].label: is empty"},
      {R"({"requests": [{"label": "a\tb", "path": "/"}]})",
       "requests[0].label: 'a\\tb' holds a control character"},
      {R"({"requests": [{"label": 5, "path": "/"}]})",
       "requests[0].label: expected a string, got 5"},
      {R"({"requests": [{"label": "a", "path": "/"}, {"label": "a", "path": "/b"}]})",
       "requests[1]: duplicate label 'a'"},
      {R"({"requests": [{"label": "a", "path": "x"}]})",
       "requests[0].path: must start with '/', got 'x'"},
      {R"({"requests": [{"label": "a", "path": "/{rand:5}"}]})",
       "requests[0].path: position 8: expected ':' after LO ({rand:LO:HI}), found '}'"},
      {R"({"requests": [{"label": "a", "path": "/a b"}]})",
       "requests[0].path: can hold a space or control character (write %20 for a space)"},
      {R"({"requests": [{"label": "a", "path": "/{choice:x,y z}"}]})",
       "requests[0].path: can hold a space or control character (write %20 for a space)"},
      {R"({"requests": [{"label": "a", "path": "/", "method": "get"}]})",
       "requests[0].method: 'get' is not an uppercase method name (GET, POST, ...)"},
      {R"({"requests": [{"label": "a", "path": "/", "weight": 0}]})",
       "requests[0].weight: expected a number above 0, got 0"},
      {R"({"requests": [{"label": "a", "path": "/", "weight": -1.5}]})",
       "requests[0].weight: expected a number above 0, got -1.5"},
      {R"({"requests": [{"label": "a", "path": "/", "weight": "2"}]})",
       "requests[0].weight: expected a number above 0, got \"2\""},
      {R"({"requests": [{"label": "a", "path": "/", "headers": {"Content-Length": "5"}}]})",
       "requests[0].headers: Content-Length is set for each request from its body; leave it out"},
      {R"({"requests": [{"label": "a", "path": "/", "headers": {"transfer-encoding": "x"}}]})",
       "requests[0].headers: Transfer-Encoding is not supported (bodies go with Content-Length)"},
      {R"({"requests": [{"label": "a", "path": "/", "headers": {"Bad Name": "x"}}]})",
       "requests[0].headers: 'Bad Name' is not a valid header name"},
      {R"({"requests": [{"label": "a", "path": "/", "headers": {"X": 1}}]})",
       "requests[0].headers.X: expected a string, got 1"},
      {R"({"requests": [{"label": "a", "path": "/", "headers": {"X": "a\r\nB: c"}}]})",
       "requests[0].headers.X: can hold a line break or NUL"},
      {R"({"requests": [{"label": "a", "path": "/", "headers": ["X"]}]})",
       "requests[0].headers: expected an object {\"Name\": \"value\"}"},
      {R"({"requests": [{"label": "a", "path": "/", "body": "{x}"}]})",
       "requests[0].body: position 1: unknown placeholder 'x' (expected rand, seq, choice, line "
       "or uuid; '{{' for a literal brace)"},
      {R"({"requests": [{"label": "a", "path": "/", "body": "x", "body_file": "y"}]})",
       "requests[0]: has both 'body' and 'body_file'; keep one"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"status": 200, "size": 1}}]})",
       "requests[0].expect: unknown key 'size' (expected status or body_bytes)"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"status": 99}}]})",
       "requests[0].expect.status: expected a status code (100-999) or a class like \"2xx\", "
       "got 99"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"status": [200, "6xx"]}}]})",
       "requests[0].expect.status[1]: expected a status code (100-999) or a class like \"2xx\", "
       "got \"6xx\""},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"status": []}}]})",
       "requests[0].expect.status: expected at least one status"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"body_bytes": [5, 1]}}]})",
       "requests[0].expect.body_bytes: expected [min, max] with 0 <= min <= max, got [5,1]"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": {"body_bytes": [-1, 1]}}]})",
       "requests[0].expect.body_bytes: expected [min, max] with 0 <= min <= max, got [-1,1]"},
      {R"({"requests": [{"label": "a", "path": "/", "expect": 200}]})",
       "requests[0].expect: expected an object {\"status\": ..., \"body_bytes\": ...}"},
      {R"({"requests": ["/"]})", "requests[0]: expected an object {\"label\": ..., \"path\": ...}"},
  };
  for (const Case& c : cases) {
    const std::string path = write("bad.json", c.json);
    Scenario s;
    std::string error;
    EXPECT_FALSE(load_scenario(path, s, error)) << c.json;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    if (*c.error == '\0') {
      EXPECT_EQ(error.rfind(path + ": invalid JSON: parse error at line 1, column 15", 0), 0u)
          << error;
    } else {
      EXPECT_EQ(error, path + ": " + c.error) << c.json;
    }
  }
}

TEST_F(ScenarioFiles, UnreadableFilesAreErrors) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(load_scenario(dir_ + "/none.json", s, error));
  EXPECT_EQ(error, dir_ + "/none.json: cannot read: No such file or directory");
  const std::string path =
      write("s.json", R"({"requests": [{"label": "a", "path": "/", "body_file": "gone.bin"}]})");
  EXPECT_FALSE(load_scenario(path, s, error));
  EXPECT_EQ(error, path + ": requests[0].body_file: cannot read '" + dir_ +
                       "/gone.bin': No such file or directory");
  write("t.json", R"({"requests": [{"label": "a", "path": "/{line:gone.txt}"}]})");
  EXPECT_FALSE(load_scenario(dir_ + "/t.json", s, error));
  EXPECT_EQ(error, dir_ + "/t.json: requests[0].path: position 7: cannot read '" + dir_ +
                       "/gone.txt': No such file or directory");
}

TEST(ScenarioFromUrls, LabelsAreTargetsDeduplicated) {
  Scenario s;
  std::string error;
  ASSERT_TRUE(scenario_from_urls({"http://Localhost:8080/a", "http://localhost:8080/b?x={y}",
                                  "http://localhost:8080/a", "http://localhost:8080/a"},
                                 s, error))
      << error;
  EXPECT_EQ(s.base_url, "http://localhost:8080");
  ASSERT_EQ(s.requests.size(), 4u);
  EXPECT_EQ(s.requests[0].label, "/a");
  EXPECT_EQ(s.requests[1].label, "/b?x={y}");
  EXPECT_EQ(literal_text(s.requests[1].target), "/b?x={y}");  // braces in a URL are literal
  EXPECT_EQ(s.requests[2].label, "/a #2");
  EXPECT_EQ(s.requests[3].label, "/a #3");
  for (const RequestSpec& r : s.requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_EQ(r.weight, 1);
    EXPECT_TRUE(r.body.empty());
  }
  ASSERT_TRUE(scenario_from_urls({"http://[::1]/x"}, s, error)) << error;
  EXPECT_EQ(s.base_url, "http://[::1]:80");
}

TEST(ScenarioFromUrls, OneHostOnly) {
  Scenario s;
  std::string error;
  EXPECT_FALSE(scenario_from_urls({"http://a:80/x", "http://a/y", "http://a:81/z"}, s, error));
  EXPECT_EQ(error,
            "'http://a:80/x' and 'http://a:81/z' name different hosts or ports; a run sends to one "
            "(host and port must match)");
  EXPECT_FALSE(scenario_from_urls({"http://a/x", "ftp://a/y"}, s, error));
  EXPECT_EQ(error,
            "unsupported scheme 'ftp' in 'ftp://a/y': only http:// and https:// are supported");
  EXPECT_FALSE(scenario_from_urls({}, s, error));
  EXPECT_EQ(error, "no URL given");
}

TEST_F(ScenarioFiles, UrlFileLines) {
  write("body.json", "{\"a\": {seq}}");
  const std::string path = write("urls.txt",
                                 "# targets\n"
                                 "http://127.0.0.1:9000/a\r\n"
                                 "\n"
                                 "   \t\n"
                                 "POST http://127.0.0.1:9000/a @body.json\n"
                                 "DELETE  http://127.0.0.1:9000/a\n"
                                 "GET http://127.0.0.1:9000/a");
  Scenario s;
  std::string error;
  ASSERT_TRUE(load_url_file(path, s, error)) << error;
  EXPECT_EQ(s.base_url, "http://127.0.0.1:9000");
  ASSERT_EQ(s.requests.size(), 4u);
  EXPECT_EQ(s.requests[0].label, "/a");
  EXPECT_EQ(s.requests[1].label, "POST /a");
  EXPECT_EQ(s.requests[1].method, "POST");
  EXPECT_EQ(literal_text(s.requests[1].body), "{\"a\": {seq}}");
  EXPECT_EQ(s.requests[2].label, "DELETE /a");
  EXPECT_EQ(s.requests[3].label, "/a #2");
}

TEST_F(ScenarioFiles, UrlFileErrorsNameTheLine) {
  struct Case {
    const char* text;
    const char* error;  // after "<file>:"
  };
  const Case cases[] = {
      {"", " no URLs (a line is \"[METHOD] URL [@body-file]\")"},
      {"# only a comment\n", " no URLs (a line is \"[METHOD] URL [@body-file]\")"},
      {"http://h/a\nget http://h/b\n",
       "2: 'get' is neither a URL nor an uppercase method name (GET, POST, ...)"},
      {"POST\n", "1: expected a URL after 'POST'"},
      {"\nhttp://h/a body.json\n", "2: expected '@body-file' after the URL, found 'body.json'"},
      {"http://h/a @x @y\n", "1: unexpected '@y' (a line is \"[METHOD] URL [@body-file]\")"},
      {"http://h/a\n\nhttp://g/b\n",
       "3: 'http://h/a' and 'http://g/b' name different hosts or ports; a run sends to one (host "
       "and port must match)"},
      {"http://h/a\nGET https://h/b\n",
       "2: 'http://h/a' and 'https://h/b' name different hosts or ports; a run sends to one (host "
       "and port must match)"},
  };
  for (const Case& c : cases) {
    const std::string path = write("bad.txt", c.text);
    Scenario s;
    std::string error;
    EXPECT_FALSE(load_url_file(path, s, error)) << c.text;
    EXPECT_EQ(error, path + ":" + c.error) << c.text;
  }
  const std::string path = write("bad.txt", "PUT http://h/a @missing.bin\n");
  Scenario s;
  std::string error;
  EXPECT_FALSE(load_url_file(path, s, error));
  EXPECT_EQ(error, path + ":1: cannot read body file '" + dir_ +
                       "/missing.bin': No such file or directory");
  EXPECT_FALSE(load_url_file(dir_ + "/none.txt", s, error));
  EXPECT_EQ(error, dir_ + "/none.txt: cannot read: No such file or directory");
}

}  // namespace
}  // namespace ringfire
