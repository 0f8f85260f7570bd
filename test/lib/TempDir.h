//===- TempDir.h - a temporary folder for a test ----------------*- C++ -*-===//
#ifndef BFLY_TEST_LIB_TEMPDIR_H
#define BFLY_TEST_LIB_TEMPDIR_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <string>

namespace bfly::test {

/// A fresh folder, removed with what is in it when the test ends.
class TempDir {
public:
  explicit TempDir(const std::string &prefix = "bfly-test") {
    llvm::SmallString<128> path;
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, path));
    path_ = std::string(path);
  }
  ~TempDir() { llvm::sys::fs::remove_directories(path_); }
  TempDir(const TempDir &) = delete;
  TempDir &operator=(const TempDir &) = delete;

  const std::string &path() const { return path_; }
  /// `name` inside the folder.
  std::string file(const std::string &name) const { return path_ + "/" + name; }

private:
  std::string path_;
};

} // namespace bfly::test

#endif // BFLY_TEST_LIB_TEMPDIR_H
