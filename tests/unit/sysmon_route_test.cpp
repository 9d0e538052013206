// Which interface traffic to the target leaves by: routing tables on fixture text, loopback
// targets, and the line rate of /sys/class/net.
#include "ringfire/machine/sysmon.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

namespace ringfire {
namespace {

in_addr v4(const char* text) {
  in_addr a{};
  inet_pton(AF_INET, text, &a);
  return a;
}

in6_addr v6(const char* text) {
  in6_addr a{};
  inet_pton(AF_INET6, text, &a);
  return a;
}

TEST(Route, Ipv4LongestPrefixThenMetric) {
  // Hex is the in-memory (network order) address read as a little-endian u32: 192.0.2.0 is
  // 000200C0. 10.1.0.0/16 via eth1, 10.0.0.0/8 via eth2 (two, metric 5 wins), default via eth0.
  constexpr const char* text =
      "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
      "eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
      "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
      "eth1\t0000010A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n"
      "eth3\t0000000A\t00000000\t0001\t0\t0\t9\t000000FF\t0\t0\t0\n"
      "eth2\t0000000A\t00000000\t0001\t0\t0\t5\t000000FF\t0\t0\t0\n"
      "blk\t0000020A\t00000000\t0201\t0\t0\t0\t0000FFFF\t0\t0\t0\n";  // reject route
  in_addr a = v4("10.1.2.3");
  EXPECT_EQ(route_interface_v4(text, &a), "eth1");
  a = v4("10.9.2.3");
  EXPECT_EQ(route_interface_v4(text, &a), "eth2");
  a = v4("10.2.0.1");
  EXPECT_EQ(route_interface_v4(text, &a), "eth2");
  a = v4("192.0.2.77");
  EXPECT_EQ(route_interface_v4(text, &a), "eth0");
  a = v4("8.8.8.8");
  EXPECT_EQ(route_interface_v4(text, &a), "eth0");
  EXPECT_EQ(route_interface_v4("Iface\tDestination\n", &a), "");
}

TEST(Route, Ipv6SkipsRejectAndPicksLongest) {
  constexpr const char* text =
      "fd000000000000000000000000000000 40 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
      "20010db8000000000000000000000000 20 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n"
      "20010db8000100000000000000000000 30 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth2\n"
      "00000000000000000000000000000001 80 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 00000000 00000002 00000000 80200001       lo\n"
      "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
      "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n";
  in6_addr a = v6("2001:db8:1::5");
  EXPECT_EQ(route_interface_v6(text, &a), "eth2");
  a = v6("2001:db8:2::5");
  EXPECT_EQ(route_interface_v6(text, &a), "eth1");
  a = v6("fd00::9");
  EXPECT_EQ(route_interface_v6(text, &a), "eth0");
  a = v6("2a00::1");  // only the unreachable default matches, and it is skipped
  EXPECT_EQ(route_interface_v6(text, &a), "");
  a = v6("::1");
  EXPECT_EQ(route_interface_v6(text, &a), "lo");
}

TEST(Route, LoopbackTargetsAreLo) {
  sockaddr_storage ss{};
  auto& s4 = reinterpret_cast<sockaddr_in&>(ss);
  s4.sin_family = AF_INET;
  s4.sin_addr = v4("127.0.0.5");
  EXPECT_EQ(interface_for(ss), "lo");
  sockaddr_storage ss6{};
  auto& s6 = reinterpret_cast<sockaddr_in6&>(ss6);
  s6.sin6_family = AF_INET6;
  s6.sin6_addr = v6("::1");
  EXPECT_EQ(interface_for(ss6), "lo");
  s6.sin6_addr = v6("::ffff:127.0.0.1");
  EXPECT_EQ(interface_for(ss6), "lo");
  sockaddr_storage none{};
  EXPECT_EQ(interface_for(none), "");
}

TEST(Speed, KnownAndUnknown) {
  EXPECT_EQ(parse_speed_mbps("10000\n"), 10000);
  EXPECT_EQ(parse_speed_mbps("-1\n"), -1);
  EXPECT_EQ(parse_speed_mbps(""), -1);
  EXPECT_EQ(parse_speed_mbps("fast"), -1);
  EXPECT_EQ(read_line_rate_mbps("lo"), -1);  // virtual: EINVAL
  EXPECT_EQ(read_line_rate_mbps("../../etc"), -1);
  EXPECT_EQ(read_line_rate_mbps("no-such-if0"), -1);
}

}  // namespace
}  // namespace ringfire
