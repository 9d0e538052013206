// --source-ip lists (addresses, ranges, CIDR blocks) and the local-port arithmetic behind the
// check before the run, on /proc text written here.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "ringfire/net/local_ports.hpp"
#include "ringfire/net/source_addresses.hpp"

namespace ringfire {
namespace {

std::vector<std::string> texts(const std::vector<Endpoint>& list) {
  std::vector<std::string> out;
  for (const Endpoint& e : list) out.push_back(address_text(e));
  return out;
}

TEST(SourceList, AcceptsAddressesRangesAndBlocks) {
  struct Case {
    const char* text;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {"127.0.0.2", {"127.0.0.2"}},
      {"127.0.0.2,127.0.0.3", {"127.0.0.2", "127.0.0.3"}},
      {"10.0.0.5-10.0.0.8", {"10.0.0.5", "10.0.0.6", "10.0.0.7", "10.0.0.8"}},
      {"127.0.0.9-127.0.0.9", {"127.0.0.9"}},
      {"127.0.1.0/30", {"127.0.1.0", "127.0.1.1", "127.0.1.2", "127.0.1.3"}},
      {"127.0.1.7/32", {"127.0.1.7"}},
      {"::1", {"::1"}},
      {"127.0.0.255-127.0.1.1,::1", {"127.0.0.255", "127.0.1.0", "127.0.1.1", "::1"}},
  };
  for (const Case& c : cases) {
    std::vector<Endpoint> out;
    std::string error;
    ASSERT_TRUE(parse_source_list(c.text, out, error)) << c.text << ": " << error;
    EXPECT_EQ(texts(out), c.want) << c.text;
    for (const Endpoint& e : out) {
      EXPECT_EQ(e.len, e.addr.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6));
    }
  }
  std::vector<Endpoint> out;
  std::string error;
  ASSERT_TRUE(parse_source_list("127.0.1.0/24", out, error));
  EXPECT_EQ(out.size(), 256u);
  ASSERT_TRUE(parse_source_list("10.0.0.0/16", out, error));
  EXPECT_EQ(out.size(), kMaxSourceAddresses);
}

TEST(SourceList, RejectsBadItemsWithOneLine) {
  const char* bad[] = {"",           "127.0.0.2,",          ",127.0.0.2",   "127.0.0",
                       "localhost",  "127.0.0.9-127.0.0.2", "127.0.0.1-",   "-127.0.0.1",
                       "127.0.1.0/", "127.0.1.0/33",        "127.0.1.1/24", "127.0.1.0/2x",
                       "::1-::2",    "10.0.0.0/15",         "1.2.3.4 "};
  for (const char* text : bad) {
    std::vector<Endpoint> out;
    std::string error;
    EXPECT_FALSE(parse_source_list(text, out, error)) << text;
    EXPECT_FALSE(error.empty()) << text;
    EXPECT_EQ(error.find('\n'), std::string::npos) << error;
  }
}

TEST(LocalPorts, ParsesTheRange) {
  PortRange r;
  ASSERT_TRUE(parse_port_range("32768\t60999\n", r));
  EXPECT_EQ(r.first, 32768u);
  EXPECT_EQ(r.size(), 28232u);
  EXPECT_FALSE(parse_port_range("", r));
  EXPECT_FALSE(parse_port_range("6000 5000", r));
  EXPECT_FALSE(parse_port_range("1 70000", r));
}

Endpoint endpoint_v4(const char* address, uint16_t port) {
  Endpoint e;
  auto* a = reinterpret_cast<sockaddr_in*>(&e.addr);
  a->sin_family = AF_INET;
  a->sin_port = htons(port);
  inet_pton(AF_INET, address, &a->sin_addr);
  e.len = sizeof(*a);
  return e;
}

TEST(LocalPorts, CountsPortsTakenTowardTheDestination) {
  // 127.0.0.1:8080 is 0100007F:1F90 in /proc/net/tcp (little-endian words).
  const std::string tcp =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
      "   0: 0100007F:9C40 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0\n"
      "   1: 0100007F:9C41 0100007F:1F90 06 00000000:00000000 03:00000000 00000000     0\n"
      "   2: 0200007F:9C41 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0\n"
      "   3: 0100007F:9C42 0100007F:1F91 01 00000000:00000000 00:00000000 00000000     0\n"
      "   4: 00000000:9C43 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n"
      "   5: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0\n"
      "   6: 0100007F:0050 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0\n";
  const PortRange range{40000, 40999};  // 0x9C40 = 40000
  const Endpoint dest = endpoint_v4("127.0.0.1", 8080);
  EXPECT_EQ(proc_address(dest), "0100007F");
  const PortUse use = read_port_use(range, dest, {tcp}, "");
  // From 127.0.0.1: 40000 (established), 40001 (TIME_WAIT), 40003 (a listener); not 40002
  // (another destination port), not 8080 or 80 (outside the range).
  EXPECT_EQ(use.taken("0100007F"), 3u);
  // From 127.0.0.2: its own 40001, and the listener's port.
  EXPECT_EQ(use.taken("0200007F"), 2u);
  EXPECT_EQ(use.taken("0300007F"), 1u);
  const PortUse reserved = read_port_use(range, dest, {tcp}, "40000,40500-40509\n");
  EXPECT_EQ(reserved.taken("0100007F"), 3u + 10u);  // 40000 counts once
  EXPECT_EQ(read_port_use(range, dest, {}, "1-65535").taken("0100007F"), 1000u);
}

}  // namespace
}  // namespace ringfire
