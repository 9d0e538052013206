// A scenario: the requests a run sends, by label. It comes from --scenario FILE (JSON), from
// several URLs on the command line, or from --url-file; a run with one URL is a scenario of one
// label. Loading checks everything once (templates parse, files read, keys known), so that
// building the per-worker request pools (request_mix.hpp) cannot fail for a reason the user
// could have been told at the start.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ringfire/http/expect.hpp"
#include "ringfire/http/request_template.hpp"

namespace ringfire {

struct ScenarioHeader {
  std::string name;
  RequestTemplate value;
};

struct RequestSpec {
  std::string label;           // unique within the scenario
  std::string method = "GET";  // an uppercase token
  RequestTemplate target;      // origin-form request target ("/path?q"), a template
  std::vector<ScenarioHeader> headers;
  RequestTemplate body;  // from `body` or `body_file`; empty: no body
  double weight = 1;     // > 0, finite
  Expect expect;
};

struct Scenario {
  std::string base_url;  // `base_url` key, or the URL(s) given; scheme://host:port of the run
  std::vector<RequestSpec> requests;
};

// --scenario FILE: a JSON object {"base_url"?: "...", "requests": [ {...}, ... ]}. Each request:
// "label" (required, unique), "method" (default GET), "path" (a template starting with '/'),
// "headers" ({"Name": "template"}; Host may be set, Content-Length and Transfer-Encoding may
// not), "body" (a template) or "body_file" (sent byte for byte: its braces are no placeholders;
// at most 16 MiB), "weight" (> 0, default 1), "expect" ({"status": 201 | "2xx" | [200, "3xx"],
// "body_bytes": [min, max]}). base_url has no path. Paths of `body_file` and of {line:FILE}
// placeholders are relative to the scenario file's folder. Unknown keys are errors. False with a
// one-line `error` naming the file, the position and the problem, e.g.
// "s.json: requests[2]: unknown key 'wieght' (expected label, method, ...)". A file named *.yaml
// or *.yml holds the same in YAML (scenario_yaml.hpp has the rules), checked the same way.
bool load_scenario(const std::string& path, Scenario& out, std::string& error);

// Several URLs on the command line (equal weights, GET): all must share scheme, host and port.
// Labels are the URLs' targets ("/a", a repeat "/a #2"); base_url is "http://host:port". A URL
// is taken literally (its braces are no placeholders).
bool scenario_from_urls(const std::vector<std::string>& urls, Scenario& out, std::string& error);

// --url-file FILE: one "[METHOD] URL [@body-file]" a line; blank lines and '#' comments skipped.
// The body file (relative to FILE's folder) is sent byte for byte. Labels are the target, or
// "METHOD target" for another method than GET. Errors name "FILE:LINE".
bool load_url_file(const std::string& path, Scenario& out, std::string& error);

}  // namespace ringfire
