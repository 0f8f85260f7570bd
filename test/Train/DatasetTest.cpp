//===- DatasetTest.cpp - the IDX reader on files the test writes ----------===//
#include "compiler/Train/Dataset.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace bfly {
namespace {

std::string tempPath(const std::string &name) {
  return ::testing::TempDir() + "bfly-dataset-" + name;
}

/// An IDX file of unsigned bytes: magic, big-endian dims, data.
std::string idx(std::vector<uint32_t> dims, std::vector<uint8_t> data,
                uint8_t type = 0x08) {
  std::string bytes = {0, 0, char(type), char(dims.size())};
  for (uint32_t d : dims)
    for (int shift : {24, 16, 8, 0})
      bytes.push_back(char((d >> shift) & 0xff));
  bytes.append(data.begin(), data.end());
  return bytes;
}

std::string write(const std::string &name, const std::string &bytes,
                  bool gzip) {
  std::string path = tempPath(name);
  if (gzip) {
    gzFile file = gzopen(path.c_str(), "wb");
    gzwrite(file, bytes.data(), unsigned(bytes.size()));
    gzclose(file);
  } else {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  return path;
}

/// Three 2x2 images with pixel values 0, 51, ... and their labels.
void writePair(bool gzip, std::string &images, std::string &labels) {
  std::vector<uint8_t> pixels;
  for (int i = 0; i < 12; ++i)
    pixels.push_back(uint8_t(i * 17));
  images = write(std::string("images") + (gzip ? ".gz" : ""),
                 idx({3, 2, 2}, pixels), gzip);
  labels = write(std::string("labels") + (gzip ? ".gz" : ""),
                 idx({3}, {4, 0, 9}), gzip);
}

TEST(DatasetTest, ReadsPlainAndGzippedIdxAndPads) {
  for (bool gzip : {false, true}) {
    std::string images, labels, error;
    writePair(gzip, images, labels);
    Dataset data;
    ASSERT_TRUE(loadIdxPair(images, labels, 8, 10, data, error)) << error;
    EXPECT_EQ(data.size(), 3);
    EXPECT_EQ(data.labels, (std::vector<int>{4, 0, 9}));
    ASSERT_EQ(data.images.rows(), 8);
    EXPECT_FLOAT_EQ(data.images(1, 0), 17.0f / 255.0f);
    EXPECT_FLOAT_EQ(data.images(3, 2), 187.0f / 255.0f); // pixel 11
    EXPECT_EQ(data.images(4, 1), 0.0f);                  // padding
  }
}

TEST(DatasetTest, SplitsAValidationSetBySeed) {
  std::string images, labels, error;
  writePair(false, images, labels);
  Dataset data, train, validation, train2, validation2;
  ASSERT_TRUE(loadIdxPair(images, labels, 0, 10, data, error));
  splitValidation(data, 0.34, 1, train, validation);
  EXPECT_EQ(validation.size(), 1);
  EXPECT_EQ(train.size(), 2);
  splitValidation(data, 0.34, 1, train2, validation2);
  EXPECT_EQ(validation.labels, validation2.labels);
}

TEST(DatasetTest, RefusesBadFilesWithAReason) {
  std::string images, labels, error;
  writePair(false, images, labels);
  Dataset data;
  auto refused = [&](const std::string &imagesPath,
                     const std::string &labelsPath, const std::string &words) {
    error.clear();
    EXPECT_FALSE(loadIdxPair(imagesPath, labelsPath, 0, 10, data, error));
    EXPECT_NE(error.find(words), std::string::npos) << error;
  };
  refused(tempPath("missing"), labels, "cannot open");
  refused(write("magic", "\x01\x02\x08\x01\0\0\0\0", false), labels,
          "wrong magic number");
  refused(write("type", idx({3}, {1, 2, 3}, 0x0d), false), labels,
          "IDX type 13");
  std::string truncated = idx({3, 2, 2}, std::vector<uint8_t>(12, 1));
  truncated.resize(truncated.size() - 5);
  refused(write("truncated", truncated, false), labels, "(truncated)");
  refused(write("truncated.gz", truncated, true), labels, "(truncated)");
  refused(images, write("counts", idx({2}, {1, 2}), false),
          "2 labels for 3 images");
  refused(images, write("label", idx({3}, {1, 12, 2}), false),
          "label 12 of example 1 is not below 10");
  refused(labels, labels, "rank 1, images have rank 3");
  // A gzip stream cut short.
  std::string gz, gzLabels, cut = tempPath("cut.gz");
  writePair(true, gz, gzLabels);
  {
    std::ifstream in(gz, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  error.clear();
  EXPECT_FALSE(loadIdxPair(cut, labels, 0, 10, data, error));
  EXPECT_FALSE(error.empty());
  // Images that do not fit the padding.
  error.clear();
  EXPECT_FALSE(loadIdxPair(images, labels, 2, 10, data, error));
  EXPECT_NE(error.find("do not fit"), std::string::npos) << error;
}

/// The bytes of a file the test wrote.
std::vector<uint8_t> contents(const std::string &path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), {}};
}

/// From memory, gzip or plain, with the same checks as from a file.
TEST(DatasetTest, ReadsIdxFromMemory) {
  std::string bytes = idx({2, 3}, {1, 2, 3, 4, 5, 6});
  for (bool gzip : {false, true}) {
    std::vector<uint8_t> data = contents(write("memory", bytes, gzip));
    IdxArray array;
    std::string error;
    ASSERT_TRUE(readIdx(data.data(), data.size(), "memory", array, error))
        << error;
    EXPECT_EQ(array.dims, (std::vector<uint32_t>{2, 3}));
    EXPECT_EQ(array.data, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
    // Cut short, the stream (gzip) or the data (plain) is incomplete.
    EXPECT_FALSE(readIdx(data.data(), data.size() - 3, "memory", array, error));
    EXPECT_NE(error.find("'memory'"), std::string::npos) << error;
  }
}

/// A small gzip file is never inflated beyond what its header declares: a
/// header beyond kMaxIdxBytes is refused before any data is read, and
/// endless data after a small header is refused one byte past it.
TEST(DatasetTest, RefusesFilesThatInflateBeyondTheirHeader) {
  struct Case {
    std::vector<uint32_t> dims;
    const char *message;
  };
  for (const Case &c :
       {Case{{65536, 65536}, "declares more than 1073741824 bytes of data"},
        Case{{2, 3}, "holds more data bytes than its header's 6"}}) {
    std::string path = tempPath("bomb.gz");
    gzFile file = gzopen(path.c_str(), "wb9");
    std::string header = idx(c.dims, {});
    gzwrite(file, header.data(), unsigned(header.size()));
    std::vector<char> zeros(1 << 20, 0);
    for (int mebibyte = 0; mebibyte < 16; ++mebibyte) // 16 KiB compressed
      gzwrite(file, zeros.data(), unsigned(zeros.size()));
    gzclose(file);
    IdxArray array;
    std::string error;
    EXPECT_FALSE(readIdx(path, array, error));
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
    std::vector<uint8_t> data = contents(path);
    EXPECT_FALSE(readIdx(data.data(), data.size(), "bomb", array, error));
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
    EXPECT_NE(error.find("'bomb'"), std::string::npos) << error;
    std::remove(path.c_str());
  }
}

} // namespace
} // namespace bfly
