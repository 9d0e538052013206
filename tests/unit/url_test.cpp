#include <gtest/gtest.h>

#include "ringfire/url.hpp"

namespace ringfire {
namespace {

struct Good {
  const char* text;
  const char* host;
  uint16_t port;
  const char* target;
  const char* host_header;
};

TEST(ParseUrl, Accepts) {
  const Good cases[] = {
      {"http://127.0.0.1:8080/", "127.0.0.1", 8080, "/", "127.0.0.1:8080"},
      {"http://localhost", "localhost", 80, "/", "localhost"},
      {"http://localhost:5000/api/v1?x=1&y=2", "localhost", 5000, "/api/v1?x=1&y=2",
       "localhost:5000"},
      {"http://[::1]:9000/p", "::1", 9000, "/p", "[::1]:9000"},
      {"http://[::1]/", "::1", 80, "/", "[::1]"},
      {"http://h?q", "h", 80, "/?q", "h"},
      {"http://h/x#frag", "h", 80, "/x", "h"},
  };
  for (const Good& c : cases) {
    Url url;
    UrlError error;
    ASSERT_TRUE(parse_url(c.text, url, error)) << c.text << ": " << error.message;
    EXPECT_EQ(url.host, c.host) << c.text;
    EXPECT_EQ(url.port, c.port) << c.text;
    EXPECT_EQ(url.target, c.target) << c.text;
    EXPECT_EQ(url.host_header, c.host_header) << c.text;
  }
}

TEST(ParseUrl, RejectsWithAReason) {
  for (const char* text : {"", "127.0.0.1:8080", "ftp://h/", "https://h/", "http://", "http://:80/",
                           "http://h:0/", "http://h:65536/", "http://h:x/", "http://[::1/",
                           "http://[zz]:1/", "http://u:p@h/", "http://h/a b", "http://h:/"}) {
    Url url;
    UrlError error;
    EXPECT_FALSE(parse_url(text, url, error)) << text;
    EXPECT_FALSE(error.message.empty()) << text;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << text;
  }
}

TEST(Resolve, LoopbackLiteralsAndUnknownNames) {
  Url url;
  UrlError error;
  ASSERT_TRUE(parse_url("http://127.0.0.1:1/", url, error));
  std::vector<Endpoint> endpoints;
  std::string message;
  ASSERT_TRUE(resolve(url, endpoints, message)) << message;
  ASSERT_EQ(endpoints.size(), 1u);
  EXPECT_EQ(endpoints[0].text(), "127.0.0.1:1");

  ASSERT_TRUE(parse_url("http://no-such-host.invalid/", url, error));
  EXPECT_FALSE(resolve(url, endpoints, message));
  EXPECT_NE(message.find("cannot resolve 'no-such-host.invalid'"), std::string::npos) << message;
}

TEST(FirstReachable, NamesEveryAddressTried) {
  Url url;
  UrlError error;
  ASSERT_TRUE(parse_url("http://127.0.0.1:1/", url, error));
  std::vector<Endpoint> endpoints;
  std::string message;
  ASSERT_TRUE(resolve(url, endpoints, message));
  EXPECT_EQ(first_reachable(endpoints, std::chrono::milliseconds(500), message), -1);
  EXPECT_NE(message.find("127.0.0.1:1 (Connection refused)"), std::string::npos) << message;
}

}  // namespace
}  // namespace ringfire
