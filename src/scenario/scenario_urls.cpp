// The quick forms of a scenario: several URLs on the command line, and --url-file. URLs are taken
// literally: a brace in a URL is a brace, not a placeholder.
#include <algorithm>
#include <map>

#include "ringfire/base/files.hpp"
#include "ringfire/base/quote.hpp"
#include "ringfire/http/url.hpp"
#include "ringfire/scenario/scenario.hpp"

namespace ringfire {

namespace {

constexpr size_t kMaxUrlFileBytes = size_t{16} << 20;
constexpr size_t kMaxBodyFileBytes = size_t{16} << 20;  // as --body-file

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
  return s;
}

// Gathers the requests of one host, labelled and deduplicated ("/a", "/a #2", ...).
class UrlScenario {
 public:
  // False with `error` when `text` is no URL or names another host or port than the first.
  bool add(const std::string& text, const std::string& method, std::string body,
           std::string& error) {
    Url url;
    UrlError url_error;
    if (!parse_url(text, url, url_error)) {
      error = url_error.message;
      return false;
    }
    const bool v6 = url.host.find(':') != std::string::npos;
    const std::string origin = std::string(url.tls ? "https://" : "http://") +
                               (v6 ? "[" + url.host + "]" : lower(url.host)) + ":" +
                               std::to_string(url.port);
    if (scenario_.requests.empty()) {
      scenario_.base_url = origin;
      first_url_ = text;
    } else if (origin != scenario_.base_url) {
      error = quote(first_url_) + " and " + quote(text) +
              " name different hosts or ports; a run sends to one (host and port must match)";
      return false;
    }
    RequestSpec& spec = scenario_.requests.emplace_back();
    spec.method = method;
    spec.target = literal_template(url.target);
    spec.body = literal_template(body);
    const std::string base = method == "GET" ? url.target : method + " " + url.target;
    const int seen = ++seen_[base];
    spec.label = seen == 1 ? base : base + " #" + std::to_string(seen);
    return true;
  }

  bool empty() const { return scenario_.requests.empty(); }
  Scenario take() { return std::move(scenario_); }

 private:
  Scenario scenario_;
  std::string first_url_;
  std::map<std::string, int> seen_;
};

bool is_method(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

std::vector<std::string> words(const std::string& line) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < line.size()) {
    const size_t start = line.find_first_not_of(" \t", at);
    if (start == std::string::npos) break;
    const size_t end = std::min(line.find_first_of(" \t", start), line.size());
    out.push_back(line.substr(start, end - start));
    at = end;
  }
  return out;
}

// One "[METHOD] URL [@body-file]" line, already split into words.
bool url_line(const std::vector<std::string>& w, const std::string& folder, UrlScenario& urls,
              std::string& error) {
  size_t at = 0;
  std::string method = "GET";
  if (w[0].find("://") == std::string::npos) {
    method = w[at++];
    if (!is_method(method)) {
      error = quote(method) + " is neither a URL nor an uppercase method name (GET, POST, ...)";
      return false;
    }
    if (at == w.size()) {
      error = "expected a URL after " + quote(method);
      return false;
    }
  }
  const std::string& url = w[at++];
  if (at + 1 < w.size()) {
    error = "unexpected " + quote(w[at + 1]) + " (a line is \"[METHOD] URL [@body-file]\")";
    return false;
  }
  std::string body;
  if (at < w.size()) {
    if (w[at].size() < 2 || w[at][0] != '@') {
      error = "expected '@body-file' after the URL, found " + quote(w[at]);
      return false;
    }
    const std::string file = path_in(folder, w[at].substr(1));
    std::string why;
    if (!read_file_limited(file, kMaxBodyFileBytes, body, why)) {
      error = "cannot read body file " + quote(file) + ": " + why;
      return false;
    }
  }
  return urls.add(url, method, std::move(body), error);
}

}  // namespace

bool scenario_from_urls(const std::vector<std::string>& urls, Scenario& out, std::string& error) {
  UrlScenario scenario;
  for (const std::string& url : urls) {
    if (!scenario.add(url, "GET", "", error)) return false;
  }
  if (scenario.empty()) {
    error = "no URL given";
    return false;
  }
  out = scenario.take();
  return true;
}

bool load_url_file(const std::string& path, Scenario& out, std::string& error) {
  std::string text, why;
  if (!read_file_limited(path, kMaxUrlFileBytes, text, why)) {
    error = path + ": cannot read: " + why;
    return false;
  }
  const std::string folder = folder_of(path);
  UrlScenario urls;
  size_t number = 0;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(begin, end - begin);
    begin = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::vector<std::string> w = words(line);
    if (w.empty() || w[0][0] == '#') continue;
    std::string what;
    if (!url_line(w, folder, urls, what)) {
      error = path + ":" + std::to_string(number) + ": " + what;
      return false;
    }
  }
  if (urls.empty()) {
    error = path + ": no URLs (a line is \"[METHOD] URL [@body-file]\")";
    return false;
  }
  out = urls.take();
  return true;
}

}  // namespace ringfire
