//===- NpyTest.cpp - reading .npy files the tests write themselves --------===//
#include "compiler/Import/Npy.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <limits>

namespace bfly {
namespace {

/// Writes a version-1 .npy file: header dict padded to 64 bytes, then data.
std::string writeNpy(const std::string &name, const std::string &dict,
                     const std::string &data, const char *magic = "\x93NUMPY") {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile(name, "npy", path);
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::ofstream file(std::string(path), std::ios::binary);
  file.write(magic, 6);
  file.put(1);
  file.put(0);
  file.put(char(header.size() & 0xff));
  file.put(char(header.size() >> 8));
  file << header << data;
  return std::string(path);
}

template <typename T> std::string bytes(std::initializer_list<T> values) {
  std::string data(values.size() * sizeof(T), '\0');
  std::memcpy(data.data(), values.begin(), data.size());
  return data;
}

std::string errorOf(const std::string &path) {
  llvm::Expected<NpyMatrix> result = readNpy(path);
  EXPECT_FALSE(bool(result));
  return result ? "" : llvm::toString(result.takeError());
}

TEST(NpyTest, ReadsFloatsInCOrder) {
  std::string path = writeNpy(
      "c", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      bytes<float>({1, 2, 3, 4, 5, 6}));
  llvm::Expected<NpyMatrix> m = readNpy(path);
  ASSERT_TRUE(bool(m)) << llvm::toString(m.takeError());
  EXPECT_FALSE(m->complex);
  EXPECT_EQ(m->values.rows(), 2);
  EXPECT_EQ(m->values(0, 2), Complex(3));
  EXPECT_EQ(m->values(1, 0), Complex(4));
}

TEST(NpyTest, ReadsDoublesInFortranOrder) {
  std::string path = writeNpy(
      "f", "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }",
      bytes<double>({1, 2, 3, 4, 5, 6}));
  llvm::Expected<NpyMatrix> m = readNpy(path);
  ASSERT_TRUE(bool(m));
  // Column-major: the first column is (1, 2).
  EXPECT_EQ(m->values(1, 0), Complex(2));
  EXPECT_EQ(m->values(0, 2), Complex(5));
}

TEST(NpyTest, ReadsComplexOfBothWidths) {
  std::string single = writeNpy(
      "c8", "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 2), }",
      bytes<float>({1, -1, 0.5f, 2}));
  std::string wide = writeNpy(
      "c16", "{'descr': '<c16', 'fortran_order': False, 'shape': (1, 2), }",
      bytes<double>({1, -1, 0.5, 2}));
  for (const std::string &path : {single, wide}) {
    llvm::Expected<NpyMatrix> m = readNpy(path);
    ASSERT_TRUE(bool(m));
    EXPECT_TRUE(m->complex);
    EXPECT_EQ(m->values(0, 0), Complex(1, -1));
    EXPECT_EQ(m->values(0, 1), Complex(0.5, 2));
  }
}

TEST(NpyTest, RectangularMatricesArePaddedToAPowerOfTwo) {
  NpyMatrix m;
  m.values = Eigen::MatrixXcd::Ones(3, 5);
  Target t = targetFromMatrix(m, "w");
  EXPECT_EQ(t.size(), 8);
  EXPECT_TRUE(t.real);
  EXPECT_EQ(t.matrix.block(0, 0, 3, 5), m.values);
  EXPECT_EQ(t.matrix.block(3, 0, 5, 8).norm(), 0.0);
  EXPECT_EQ(t.matrix.block(0, 5, 8, 3).norm(), 0.0);
}

TEST(NpyTest, RefusesBadFilesWithAReason) {
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }";
  EXPECT_NE(
      errorOf(writeNpy("magic", dict, bytes<float>({1, 2, 3, 4}), "\x93NUMPX"))
          .find("not a .npy file"),
      std::string::npos);
  EXPECT_NE(errorOf(writeNpy("dtype",
                             "{'descr': '<i4', 'fortran_order': False, "
                             "'shape': (2, 2), }",
                             bytes<int>({1, 2, 3, 4})))
                .find("unsupported dtype '<i4'"),
            std::string::npos);
  EXPECT_NE(errorOf(writeNpy("bigendian",
                             "{'descr': '>f8', 'fortran_order': False, "
                             "'shape': (1, 1), }",
                             bytes<double>({1})))
                .find("unsupported dtype '>f8'"),
            std::string::npos);
  EXPECT_NE(errorOf(writeNpy("truncated", dict, bytes<float>({1, 2, 3})))
                .find("header declares 16 bytes of data, the file holds 12"),
            std::string::npos);
  EXPECT_NE(errorOf(writeNpy("lies",
                             "{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (4, 4), }",
                             bytes<float>({1, 2, 3, 4})))
                .find("header declares 64 bytes"),
            std::string::npos);
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_NE(errorOf(writeNpy("nan", dict, bytes<float>({1, 2, nan, 4})))
                .find("entry (1, 0) is not finite"),
            std::string::npos);
  EXPECT_NE(errorOf(writeNpy("rank3",
                             "{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (1, 1, 1), }",
                             bytes<float>({1})))
                .find("expected a matrix (a 2-D array), got shape (1, 1, 1)"),
            std::string::npos);
  EXPECT_NE(errorOf(writeNpy("noshape", "{'descr': '<f4', }", ""))
                .find("header lacks"),
            std::string::npos);
  EXPECT_NE(errorOf("/nonexistent/w.npy").find("cannot read"),
            std::string::npos);
}

/// A vector is not a linear map: a 1-D array is refused, not taken as a
/// 1 x n matrix (which the learner would "recover" with RMSE 0).
TEST(NpyTest, RefusesVectors) {
  std::string path = writeNpy(
      "vector", "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }",
      bytes<float>({1, 2, 3, 4}));
  EXPECT_NE(errorOf(path).find("expected a matrix (a 2-D array), got shape "
                               "(4,); reshape a vector"),
            std::string::npos)
      << errorOf(path);
}

/// A small file of a shape that pads to a huge square is refused by its
/// header, before anything the size of the padded matrix is allocated.
TEST(NpyTest, RefusesMatricesThatPadBeyondTheLearnersLimit) {
  std::string data(65536 * sizeof(float), '\0');
  std::string path = writeNpy(
      "wide", "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 65536), }",
      data);
  std::string error = errorOf(path);
  EXPECT_NE(error.find("a 1 x 65536 matrix is zero-padded to 65536 x 65536: "
                       "a 65536 x 65536 target would need 64.0 GiB; the "
                       "learner takes n from 2 to 8192"),
            std::string::npos)
      << error;
  EXPECT_EQ(paddedSize(8192, 3), 8192);
  EXPECT_EQ(paddedSize(8193, 1), 16384);
  EXPECT_EQ(paddedSize(1, 1), 2);
}

/// A file that stops after the magic is truncated, not "not a .npy file".
TEST(NpyTest, NamesATruncatedHeader) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile("magic-only", "npy", path);
  std::ofstream(std::string(path), std::ios::binary) << "\x93NUMPY";
  EXPECT_NE(errorOf(std::string(path))
                .find("truncated: 6 bytes, the header "
                      "needs at least 10"),
            std::string::npos)
      << errorOf(std::string(path));
}

} // namespace
} // namespace bfly
