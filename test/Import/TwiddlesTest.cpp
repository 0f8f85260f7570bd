//===- TwiddlesTest.cpp - torch_butterfly twiddles, read and imported -----===//
//
// Files written here (safetensors, .npy) with random twiddles; the imported
// model's dense matrix against torch_butterfly's forward pass as its
// documentation states it, written out below as plain loops; and every lie a
// safetensors header can tell.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/Twiddles.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace bfly {
namespace {

struct Shape {
  int64_t stacks, blocks, n;
  int64_t logN() const { return log2Exact(n); }
  int64_t count() const { return stacks * blocks * logN() * n / 2 * 4; }
  std::string json() const {
    return "[" + std::to_string(stacks) + "," + std::to_string(blocks) + "," +
           std::to_string(logN()) + "," + std::to_string(n / 2) + ",2,2]";
  }
};

std::string tempFile(const std::string &name, const std::string &extension) {
  llvm::SmallString<128> path;
  llvm::sys::fs::createTemporaryFile(name, extension, path);
  return std::string(path);
}

/// A safetensors file: 8-byte little-endian header size, JSON, data.
std::string writeSafetensors(const std::string &name, const std::string &json,
                             const std::string &data) {
  std::string path = tempFile(name, "safetensors");
  std::ofstream file(path, std::ios::binary);
  uint64_t size = json.size();
  for (int i = 0; i < 8; ++i)
    file.put(char((size >> (8 * i)) & 0xff));
  file << json << data;
  return path;
}

std::string floats(const std::vector<float> &values) {
  return std::string(reinterpret_cast<const char *>(values.data()),
                     values.size() * sizeof(float));
}

std::vector<float> randomValues(int64_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> values(count);
  for (float &v : values)
    v = normal(rng);
  return values;
}

/// torch_butterfly's forward pass on one vector, as documented: for each
/// block (strides increasing for even blocks when `increasing`), factor
/// idx has stride 2^idx or 2^(log n - 1 - idx); pair i mixes positions
/// 2h (i / h) + i % h and + h with twiddle[s][block][idx][i][out][in].
Eigen::VectorXd torchForward(const std::vector<float> &t, const Shape &shape,
                             int64_t stack, bool increasing,
                             Eigen::VectorXd x) {
  int64_t n = shape.n, logN = shape.logN();
  for (int64_t block = 0; block < shape.blocks; ++block) {
    bool up = increasing != bool(block % 2);
    for (int64_t idx = 0; idx < logN; ++idx) {
      int64_t h = int64_t(1) << (up ? idx : logN - 1 - idx);
      Eigen::VectorXd y = x;
      for (int64_t i = 0; i < n / 2; ++i) {
        int64_t pos = 2 * h * (i / h) + i % h;
        const float *m =
            &t[((((stack * shape.blocks + block) * logN + idx) * (n / 2)) + i) *
               4];
        y[pos] = m[0] * x[pos] + m[1] * x[pos + h];
        y[pos + h] = m[2] * x[pos] + m[3] * x[pos + h];
      }
      x = y;
    }
  }
  return x;
}

void expectSameMap(const Factorization &model, const std::vector<float> &t,
                   const Shape &shape, int64_t stack, bool increasing) {
  Eigen::MatrixXcd dense = model.toDense();
  for (int64_t j = 0; j < shape.n; ++j) {
    Eigen::VectorXd e = Eigen::VectorXd::Unit(shape.n, j);
    Eigen::VectorXd want = torchForward(t, shape, stack, increasing, e);
    EXPECT_LT((dense.col(j).real() - want).norm(), 1e-5 * want.norm())
        << "column " << j;
    EXPECT_LT(dense.col(j).imag().norm(), 1e-12);
  }
}

TEST(TwiddlesTest, SafetensorsImportComputesTorchButterflysMap) {
  Shape shape{2, 2, 16};
  std::vector<float> t = randomValues(shape.count(), 1);
  std::string json = R"({"__metadata__":{"format":"pt"},"layer.twiddle":)"
                     R"({"dtype":"F32","shape":)" +
                     shape.json() + R"(,"data_offsets":[0,)" +
                     std::to_string(4 * shape.count()) + "]}}";
  std::string path = writeSafetensors("twiddles", json, floats(t));
  llvm::Expected<TwiddleTensor> tensor = readTwiddlesSafetensors(path, "");
  ASSERT_TRUE(bool(tensor)) << llvm::toString(tensor.takeError());
  for (bool increasing : {true, false})
    for (int64_t stack : {0, 1}) {
      llvm::Expected<Factorization> model =
          butterflyFromTwiddles(*tensor, increasing, stack);
      ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
      ASSERT_FALSE(model->validate()) << *model->validate();
      EXPECT_EQ(model->type.field, Field::Real);
      expectSameMap(*model, t, shape, stack, increasing);
    }
  llvm::Expected<Factorization> outOfRange =
      butterflyFromTwiddles(*tensor, true, 2);
  EXPECT_EQ(llvm::toString(outOfRange.takeError()), "stack 2 of 2 stacks");
}

TEST(TwiddlesTest, NpyImportComputesTorchButterflysMap) {
  Shape shape{1, 1, 8};
  std::vector<float> t = randomValues(shape.count(), 2);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, "
                     "1, 3, 4, 2, 2), }";
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::string path = tempFile("twiddles", "npy");
  {
    std::ofstream file(path, std::ios::binary);
    file.write("\x93NUMPY\x01\x00", 8);
    file.put(char(header.size() & 0xff));
    file.put(char(header.size() >> 8));
    file << header << floats(t);
  }
  llvm::Expected<TwiddleTensor> tensor = readTwiddlesNpy(path);
  ASSERT_TRUE(bool(tensor)) << llvm::toString(tensor.takeError());
  llvm::Expected<Factorization> model = butterflyFromTwiddles(*tensor, true, 0);
  ASSERT_TRUE(bool(model)) << llvm::toString(model.takeError());
  expectSameMap(*model, t, shape, 0, true);
}

TEST(TwiddlesTest, LyingSafetensorsHeadersAreRefusedWithAReason) {
  Shape shape{1, 1, 8};
  std::string data = floats(randomValues(shape.count(), 3));
  auto entry = [&](const std::string &dtype, const std::string &shapeJson,
                   int64_t begin, int64_t end) {
    return R"({"w.twiddle":{"dtype":")" + dtype + R"(","shape":)" + shapeJson +
           R"(,"data_offsets":[)" + std::to_string(begin) + "," +
           std::to_string(end) + "]}}";
  };
  int64_t bytes = 4 * shape.count();
  auto refused = [&](const std::string &path, const std::string &words) {
    llvm::Expected<TwiddleTensor> tensor = readTwiddlesSafetensors(path, "");
    ASSERT_FALSE(bool(tensor)) << words;
    std::string message = llvm::toString(tensor.takeError());
    EXPECT_NE(message.find(words), std::string::npos) << message;
  };
  refused("/no/such/file.safetensors", "cannot read");
  {
    std::string path = tempFile("tiny", "safetensors");
    std::ofstream(path, std::ios::binary) << "abc";
    refused(path, "shorter than its 8-byte header size");
  }
  {
    // A header size beyond the file.
    std::string path = tempFile("huge", "safetensors");
    std::ofstream file(path, std::ios::binary);
    file.write("\xff\xff\xff\xff\x00\x00\x00\x00", 8);
    file << "{}";
    file.close();
    refused(path, "the header claims 4294967295 bytes");
  }
  refused(writeSafetensors("json", "{not json", data), "is not JSON");
  refused(writeSafetensors("array", "[1,2]", data), "not a JSON object");
  refused(writeSafetensors("none", R"({"a":{}})", data),
          "0 tensors named '...twiddle'");
  refused(writeSafetensors("dtype", entry("I8", shape.json(), 0, bytes), data),
          "dtype I8, expected F32, F64 or C64");
  refused(writeSafetensors("beyond", entry("F32", shape.json(), 0, bytes + 4),
                           data),
          "data_offsets outside the file");
  refused(writeSafetensors("backwards", entry("F32", shape.json(), 8, 4), data),
          "data_offsets outside the file");
  refused(
      writeSafetensors("size", entry("F32", "[1,1,3,4,2,4]", 0, bytes), data),
      "needs 384 bytes, its offsets span 192");
  refused(
      writeSafetensors("negative", entry("F32", "[1,-1,3]", 0, bytes), data),
      "bad shape");
  {
    std::vector<float> nan(shape.count(), 1.0f);
    nan[5] = std::numeric_limits<float>::quiet_NaN();
    refused(writeSafetensors("nan", entry("F32", shape.json(), 0, bytes),
                             floats(nan)),
            "entry 5 is not finite");
  }
  // A consistent file whose shape is not a butterfly's.
  std::string flat = writeSafetensors(
      "flat", entry("F32", "[" + std::to_string(shape.count()) + "]", 0, bytes),
      data);
  llvm::Expected<TwiddleTensor> tensor = readTwiddlesSafetensors(flat, "");
  ASSERT_TRUE(bool(tensor));
  llvm::Expected<Factorization> model = butterflyFromTwiddles(*tensor, true, 0);
  ASSERT_FALSE(bool(model));
  EXPECT_NE(llvm::toString(model.takeError()).find("expected (nstacks"),
            std::string::npos);
}

} // namespace
} // namespace bfly
