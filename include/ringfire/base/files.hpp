// Bounded reads of the files a scenario names ({line:FILE}, body_file, --url-file), and paths
// relative to the folder of the file that names them.
#pragma once

#include <cstddef>
#include <string>

namespace ringfire {

// Reads all of `path` into `out`, at most `limit` bytes (so /dev/zero ends in a message, not a
// hang). False with `why`: the errno text or "larger than N MiB".
bool read_file_limited(const std::string& path, size_t limit, std::string& out, std::string& why);

// `name` relative to `folder` ("" = the working directory); an absolute `name` stands as it is.
std::string path_in(const std::string& folder, const std::string& name);

// The folder part of `path` ("" when it has none).
std::string folder_of(const std::string& path);

}  // namespace ringfire
