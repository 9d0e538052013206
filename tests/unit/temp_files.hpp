// A fixture for tests that read files: a private folder under /tmp, files written into it by
// name, and everything removed after the test.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

namespace ringfire {

class TempFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ringfire-unit-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    for (const std::string& f : files_) ::unlink(f.c_str());
    ::rmdir(dir_.c_str());
  }
  // Writes `contents` to `name` in the folder (again: replaced) and returns its path.
  std::string write(const std::string& name, const std::string& contents) {
    const std::string path = dir_ + "/" + name;
    if (std::find(files_.begin(), files_.end(), path) == files_.end()) files_.push_back(path);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
  }
  std::string dir_;
  std::vector<std::string> files_;
};

}  // namespace ringfire
