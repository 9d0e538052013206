// Where a run's requests come from: one URL, several, --url-file or --scenario. Each becomes a
// Scenario (scenario.hpp): downstream, the run knows only scenarios, so one URL takes the same
// path through the engine as a scenario of many labels.
#include <algorithm>
#include <cctype>

#include "ringfire/base/quote.hpp"
#include "ringfire/run/config.hpp"

namespace ringfire {

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// "Name: value" split and trimmed (validate() has checked the shape; a malformed one yields an
// empty name here and validate()'s message later).
ScenarioHeader split_header(const std::string& header) {
  const size_t colon = header.find(':');
  if (colon == std::string::npos) return {};
  std::string_view value(header);
  value.remove_prefix(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return {header.substr(0, colon), literal_template(value)};
}

// -H with several requests: added to each that does not set the header itself. Content-Length
// is computed per request, so a -H Content-Length is left out (validate() checked it matched).
void add_common_headers(const std::vector<std::string>& headers, Scenario& scenario) {
  for (const std::string& text : headers) {
    ScenarioHeader h = split_header(text);
    if (h.name.empty() || iequal(h.name, "Content-Length")) continue;
    for (RequestSpec& r : scenario.requests) {
      const bool set = std::any_of(r.headers.begin(), r.headers.end(),
                                   [&](const ScenarioHeader& o) { return iequal(o.name, h.name); });
      if (!set) r.headers.push_back(h);
    }
  }
}

std::string url_of(const std::string& text, Url& url) {
  UrlError error;
  return parse_url(text, url, error) ? std::string() : error.message;
}

std::string from_file(const CommandLine& line, RunConfig& config) {
  if (!line.scenario_file.empty() && !line.url_file.empty()) {
    return "give --scenario or --url-file, not both";
  }
  if (line.urls.size() > 1) {
    return "with --scenario or --url-file, give at most one URL (it names the host and port)";
  }
  if (config.method != "GET" || !config.body.empty()) {
    return "--method and --body apply to URLs on the command line; a scenario sets them per "
           "request";
  }
  std::string error;
  const bool loaded = line.scenario_file.empty()
                          ? load_url_file(line.url_file, config.scenario, error)
                          : load_scenario(line.scenario_file, config.scenario, error);
  if (!loaded) return error;
  const std::string& url = line.urls.empty() ? config.scenario.base_url : line.urls.front();
  if (url.empty()) {
    const std::string& file = line.scenario_file.empty() ? line.url_file : line.scenario_file;
    return quote(file) + " has no base_url: give the URL on the command line";
  }
  return url_of(url, config.url);
}

}  // namespace

Scenario single_url_scenario(const RunConfig& config) {
  RequestSpec r;
  r.label = config.url.target;
  r.method = config.method;
  r.target = literal_template(config.url.target);
  r.body = literal_template(config.body);
  Scenario s;
  s.base_url = (config.url.tls ? "https://" : "http://") + config.url.host_header;
  s.requests.push_back(std::move(r));
  add_common_headers(config.headers, s);
  return s;
}

bool keeps_labels(const Scenario& scenario) {
  return scenario.requests.size() > 1 ||
         (scenario.requests.size() == 1 && !scenario.requests.front().expect.any());
}

std::string assemble_scenario(const CommandLine& line, RunConfig& config) {
  config.scenario = {};
  if (!line.scenario_file.empty() || !line.url_file.empty()) {
    if (std::string problem = from_file(line, config); !problem.empty()) return problem;
  } else if (line.urls.size() > 1) {
    std::string error;
    if (!scenario_from_urls(line.urls, config.scenario, error)) return error;
    for (RequestSpec& r : config.scenario.requests) {
      r.method = config.method;
      r.body = literal_template(config.body);
    }
    if (std::string problem = url_of(line.urls.front(), config.url); !problem.empty()) {
      return problem;
    }
  } else {
    if (std::string problem = url_of(line.urls.front(), config.url); !problem.empty()) {
      return problem;
    }
    config.scenario = single_url_scenario(config);
    return {};
  }
  add_common_headers(config.headers, config.scenario);
  if (config.scenario.requests.size() > kMaxLabels) {
    return "the scenario has " + std::to_string(config.scenario.requests.size()) +
           " requests; at most " + std::to_string(kMaxLabels) + " labels are supported";
  }
  return {};
}

}  // namespace ringfire
