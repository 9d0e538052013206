// A private network namespace for one test (root only): the calling thread, and every process
// it starts while the object lives, see only their own lo, /proc/net and /proc/sys/net; so a
// test may narrow sysctls and read TCP counters without touching the host or other tests.
#pragma once

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace ringfire::testing {

class PrivateNetns {
 public:
  // `port_range` ("40000 40999"): net.ipv4.ip_local_port_range inside; null keeps the default.
  explicit PrivateNetns(const char* port_range = nullptr)
      : original_(open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) {
    if (geteuid() != 0) {
      why_not_ = "needs root for a network namespace";
      return;
    }
    if (original_ < 0 || unshare(CLONE_NEWNET) != 0) {
      why_not_ = std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
      return;
    }
    entered_ = true;
    const int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strcpy(ifr.ifr_name, "lo");
    bool up = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    up = up && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    if (s >= 0) close(s);
    if (!up) why_not_ = "cannot bring lo up in the namespace";
    if (port_range != nullptr && why_not_.empty()) {
      // /proc/sys/net is the opening thread's namespace: this one's.
      std::ofstream("/proc/sys/net/ipv4/ip_local_port_range") << port_range << '\n';
      std::ifstream check("/proc/sys/net/ipv4/ip_local_port_range");
      std::string first, last;
      check >> first >> last;
      if (first + " " + last != port_range) why_not_ = "cannot set ip_local_port_range";
    }
  }
  ~PrivateNetns() {
    if (entered_) setns(original_, CLONE_NEWNET);
    if (original_ >= 0) close(original_);
  }
  PrivateNetns(const PrivateNetns&) = delete;
  PrivateNetns& operator=(const PrivateNetns&) = delete;
  // Empty when the namespace is ready; otherwise why the test should be skipped.
  const std::string& why_not() const { return why_not_; }

 private:
  int original_;
  bool entered_ = false;
  std::string why_not_;
};

}  // namespace ringfire::testing
