#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ringfire/base/quote.hpp"
#include "ringfire/http/url.hpp"

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
      {"HTTP://Example.test:81/A", "Example.test", 81, "/A", "Example.test:81"},
      {"http://my_host-1.example:65535", "my_host-1.example", 65535, "/",
       "my_host-1.example:65535"},
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
  for (const char* text : {"", "127.0.0.1:8080", "ftp://h/", "https://", "http://", "http://:80/",
                           "http://h:0/", "http://h:65536/", "http://h:x/", "http://[::1/",
                           "http://[zz]:1/", "http://u:p@h/", "http://h/a b", "http://h:/"}) {
    Url url;
    UrlError error;
    EXPECT_FALSE(parse_url(text, url, error)) << text;
    EXPECT_FALSE(error.message.empty()) << text;
    EXPECT_EQ(error.message.find('\n'), std::string::npos) << text;
  }
}

// A name glibc refuses without asking a DNS server (a label over 63 bytes cannot be encoded), so
// the tests send nothing off this machine.
const std::string kUnresolvableHost = std::string(64, 'a') + ".test";

// The reason parse_url gives for `text`, checked to be one line.
std::string reason(const std::string& text) {
  Url url;
  UrlError error;
  EXPECT_FALSE(parse_url(text, url, error)) << text;
  EXPECT_EQ(error.message.find('\n'), std::string::npos) << error.message;
  return error.message;
}

TEST(ParseUrl, BareIpv6SaysWhereTheBracketsGo) {
  EXPECT_EQ(reason("http://::1:8080/"),
            "IPv6 address without brackets in 'http://::1:8080/': write http://[::1]:8080/");
  EXPECT_EQ(reason("http://::1"),
            "IPv6 address without brackets in 'http://::1': write http://[::1]/");
  EXPECT_EQ(reason("http://fe80::1:80/x?y"),
            "IPv6 address without brackets in 'http://fe80::1:80/x?y': write "
            "http://[fe80::1]:80/x?y");
  EXPECT_EQ(reason("http://2001:db8::/"),
            "IPv6 address without brackets in 'http://2001:db8::/': write http://[2001:db8::]/");
  EXPECT_NE(reason("http://a:b:c/").find("a host has one ':' at most"), std::string::npos);
}

TEST(ParseUrl, HostHoldsOnlyHostNameCharacters) {
  EXPECT_EQ(reason("http://a b/"),
            "bad host 'a b' in 'http://a b/': ' ' is not allowed in a host "
            "name (letters, digits, '-', '.', '_')");
  EXPECT_NE(reason("http://a%20b/").find("'%' is not allowed"), std::string::npos);
  EXPECT_NE(reason("http://ex!ample/").find("'!' is not allowed"), std::string::npos);
  EXPECT_NE(reason("http://a\tb:80/").find("bad host 'a\\tb' in 'http://a\\tb:80/'"),
            std::string::npos);
  EXPECT_NE(reason("http://a\nb/").find("'\\n' is not allowed"), std::string::npos);
}

TEST(ParseUrl, EmptyHost) {
  for (const char* text : {"http://", "http://:80/", "http:///x", "http://?q"}) {
    EXPECT_EQ(reason(text).rfind("URL has no host: '", 0), 0u) << text;
  }
  EXPECT_NE(reason("http://[]:80/").find("bad IPv6 literal ''"), std::string::npos);
}

TEST(ParseUrl, PortIsOneTo65535) {
  EXPECT_EQ(reason("http://h:0/"), "port 0 in 'http://h:0/' is out of range (1-65535)");
  EXPECT_EQ(reason("http://h:65536/"), "port 65536 in 'http://h:65536/' is out of range (1-65535)");
  EXPECT_NE(reason("http://h:99999999999999999999/").find("is out of range"), std::string::npos);
  EXPECT_NE(reason("http://[::1]:0/").find("port 0 in"), std::string::npos);
  for (const char* text :
       {"http://h:x/", "http://h:8o/", "http://h:-1/", "http://h:+80/", "http://h: 80/"}) {
    EXPECT_NE(reason(text).find("not a number (ports are 1-65535)"), std::string::npos) << text;
  }
  EXPECT_EQ(reason("http://h:/"),
            "empty port in 'http://h:/' (leave the ':' out for the default port)");
}

TEST(ParseUrl, HttpAndHttpsSchemes) {
  EXPECT_EQ(reason("ftp://h/"),
            "unsupported scheme 'ftp' in 'ftp://h/': only http:// and https:// are supported");
  EXPECT_EQ(reason("127.0.0.1:8080"),
            "URL must start with http:// or https:// (got '127.0.0.1:8080')");
}

// https:// (issue 20): port 443 unless given, and the Host header leaves the default port out.
TEST(ParseUrl, HttpsDefaultsToPort443) {
  Url url;
  UrlError error;
  ASSERT_TRUE(parse_url("HTTPS://h/x", url, error)) << error.message;
  EXPECT_TRUE(url.tls);
  EXPECT_EQ(url.port, 443);
  EXPECT_EQ(url.host_header, "h");
  ASSERT_TRUE(parse_url("https://h:80/", url, error));
  EXPECT_EQ(url.port, 80);
  EXPECT_EQ(url.host_header, "h:80");
  ASSERT_TRUE(parse_url("http://h/", url, error));
  EXPECT_FALSE(url.tls);
}

TEST(Quote, EscapesWhatWouldBreakTheLine) {
  EXPECT_EQ(quote("a b"), "'a b'");
  EXPECT_EQ(quote("a\r\n\t\x01\x7f\xff"), "'a\\r\\n\\t\\x01\\x7f\\xff'");
  EXPECT_EQ(quote(std::string("\0", 1)), "'\\x00'");
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

  ASSERT_TRUE(parse_url("http://" + kUnresolvableHost + "/", url, error));
  EXPECT_FALSE(resolve(url, endpoints, message));
  EXPECT_NE(message.find("cannot resolve '" + kUnresolvableHost + "'"), std::string::npos)
      << message;
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

// find_endpoint: the name resolves, then the first address that accepts is kept.
TEST(FindEndpoint, SaysWhichStepFailed) {
  Url url;
  UrlError error;
  Endpoint endpoint;
  std::string message;
  ASSERT_TRUE(parse_url("http://" + kUnresolvableHost + "/", url, error));
  EXPECT_EQ(find_endpoint(url, std::chrono::seconds(1), endpoint, message), Reach::kUnresolved);
  EXPECT_NE(message.find("cannot resolve"), std::string::npos) << message;
  ASSERT_TRUE(parse_url("http://127.0.0.1:1/", url, error));
  EXPECT_EQ(find_endpoint(url, std::chrono::seconds(1), endpoint, message), Reach::kUnreachable);
  EXPECT_EQ(message, "cannot connect to 127.0.0.1:1 (Connection refused)");
}

TEST(FindEndpoint, KeepsTheAddressThatAccepts) {
  // A listening socket, no server: the kernel completes the handshake from the backlog.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(a);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  ASSERT_EQ(listen(fd, 4), 0);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const std::string port = std::to_string(ntohs(a.sin_port));
  Url url;
  UrlError error;
  ASSERT_TRUE(parse_url("http://127.0.0.1:" + port + "/", url, error));
  Endpoint endpoint;
  std::string message;
  // A sub-millisecond timeout still waits for the connect (rounded up, not down to 0).
  EXPECT_EQ(find_endpoint(url, std::chrono::microseconds(500), endpoint, message), Reach::kFound)
      << message;
  EXPECT_EQ(endpoint.text(), "127.0.0.1:" + port);
  close(fd);
}

}  // namespace
}  // namespace ringfire
