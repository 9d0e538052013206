#include "ringfire/base/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ringfire {

bool read_file_limited(const std::string& path, size_t limit, std::string& out, std::string& why) {
  why.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    why = std::strerror(errno);
    return false;
  }
  std::string contents;
  char chunk[65536];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof(chunk));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) why = std::strerror(errno);  // EISDIR for a directory
    if (n <= 0) break;
    contents.append(chunk, static_cast<size_t>(n));
    if (contents.size() > limit) {
      why = "larger than " + std::to_string(limit >> 20) + " MiB";
      break;
    }
  }
  ::close(fd);
  if (!why.empty()) return false;
  out = std::move(contents);
  return true;
}

std::string path_in(const std::string& folder, const std::string& name) {
  if (folder.empty() || (!name.empty() && name[0] == '/')) return name;
  return folder.back() == '/' ? folder + name : folder + "/" + name;
}

std::string folder_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return "";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace ringfire
