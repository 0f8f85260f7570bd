//===- BaselinesTest.cpp - the baselines compute what they are timed as ---===//
//
// A baseline that computed something else would make every ratio in
// bfly-bench meaningless: the plain radix-2 loops against the textbook
// matrices (Targets), the scalar butterfly loop against the model's dense
// evaluator (Factorization::toDense, sparse matrix products).
//
//===----------------------------------------------------------------------===//
#include "bench/Benchmark.h"
#include "bench/KernelIO.h"
#include "bench/Radix2Loop.h"
#include "compiler/Model/Targets.h"
#include "test/Model/RandomButterfly.h"

#include <gtest/gtest.h>

#include <cstring>

namespace bfly {
namespace {

constexpr int64_t kBatch = 3;

double relativeError(const Eigen::MatrixXcd &got,
                     const Eigen::MatrixXcd &want) {
  return (got - want).norm() / want.norm();
}

double tolerance(bool single) { return single ? 2e-6 : 1e-13; }

struct Radix2Case {
  std::string transform;
  int32_t dtype;
};

TEST(Radix2LoopTest, ComputesTheTextbookTransform) {
  for (Radix2Case c :
       std::vector<Radix2Case>{{"dft", BFLY_DTYPE_COMPLEX_F32},
                               {"dft", BFLY_DTYPE_COMPLEX_F64},
                               {"idft", BFLY_DTYPE_COMPLEX_F64},
                               {"hadamard", BFLY_DTYPE_F32},
                               {"hadamard", BFLY_DTYPE_F64},
                               {"hadamard", BFLY_DTYPE_COMPLEX_F32}})
    for (int64_t n : {2, 16, 256}) {
      Radix2Loop loop(c.transform, n, c.dtype, kBatch);
      ASSERT_TRUE(loop.valid()) << c.transform;
      Eigen::MatrixXcd x =
          randomColumns(n, kBatch, isComplexDtype(c.dtype), unsigned(n));
      std::vector<char> bytes = packColumns(x, c.dtype);
      std::memcpy(loop.data(), bytes.data(), bytes.size());
      loop.run();
      std::memcpy(bytes.data(), loop.data(), bytes.size());
      Eigen::MatrixXcd want = c.transform == "hadamard"
                                  ? Eigen::MatrixXcd(hadamardMatrix(n) * x)
                                  : dftMatrix(n, c.transform == "idft") * x;
      EXPECT_LE(relativeError(unpackColumns(bytes, c.dtype, n, kBatch), want),
                tolerance(isSingleDtype(c.dtype)))
          << c.transform << " " << bfly_dtype_name(c.dtype) << " n=" << n;
    }
}

TEST(Radix2LoopTest, HasNoLoopForOtherTransforms) {
  EXPECT_FALSE(Radix2Loop("dct", 16, BFLY_DTYPE_F32, 1).valid());
  EXPECT_FALSE(Radix2Loop("dft", 16, BFLY_DTYPE_F32, 1).valid());
}

TEST(ButterflyLoopTest, EveryFactorKindMatchesTheDenseEvaluator) {
  unsigned seed = 5;
  for (int64_t n : {2, 8, 64})
    for (ElementType type : ElementType::all())
      for (bool realIO : {false, true}) {
        if (realIO && type.field == Field::Real)
          continue;
        Factorization model = randomModel(n, type, realIO, ++seed);
        ASSERT_FALSE(model.validate()) << *model.validate();
        auto [chain, input, output] = loopDtypes(model);
        ButterflyLoop loop(n, chain, input, output, loopFactors(model), kBatch);
        Eigen::MatrixXcd x =
            randomColumns(n, kBatch, isComplexDtype(input), seed);
        std::vector<char> in = packColumns(x, input);
        std::memcpy(loop.input(), in.data(), in.size());
        loop.run();
        std::vector<char> out(n * kBatch * bfly_dtype_size(output));
        std::memcpy(out.data(), loop.output(), out.size());
        Eigen::MatrixXcd want = model.toDense() * x;
        if (!isComplexDtype(output))
          want = want.real().cast<Complex>();
        // Random untied stages are not unitary: allow for their growth.
        EXPECT_LE(relativeError(unpackColumns(out, output, n, kBatch), want),
                  8 * std::log2(double(n) + 1) *
                      tolerance(type.precision == Precision::F32))
            << type.str() << " n=" << n << " realIO=" << realIO;
      }
}

TEST(ButterflyLoopTest, TiedStagesShareTheirMatrices) {
  Factorization dft =
      Factorization::dft(256, false, Normalization::Unitary, Precision::F64);
  auto [chain, input, output] = loopDtypes(dft);
  ButterflyLoop loop(256, chain, input, output, loopFactors(dft), 1);
  Eigen::MatrixXcd x = randomColumns(256, 1, true, 3);
  std::vector<char> bytes = packColumns(x, input);
  std::memcpy(loop.input(), bytes.data(), bytes.size());
  loop.run();
  std::memcpy(bytes.data(), loop.output(), bytes.size());
  EXPECT_LE(relativeError(unpackColumns(bytes, output, 256, 1),
                          dftMatrix(256, false) * x),
            tolerance(false));
}

} // namespace
} // namespace bfly
