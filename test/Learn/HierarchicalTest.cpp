//===- HierarchicalTest.cpp - the closed-form butterfly factorization -----===//
#include "compiler/Learn/Fit.h"
#include "test/Model/RandomButterfly.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>

namespace bfly {
namespace {

TEST(HierarchicalTest, RecoversAnyButterflyExactly) {
  for (int64_t n : {2, 4, 32, 256}) {
    Eigen::MatrixXcd a = randomButterfly(n, unsigned(n)).toDense();
    Factorization fitted;
    fitted.n = n;
    fitted.type = {Field::Complex, Precision::F64};
    for (Stage &stage : factorButterfly(a))
      fitted.factors.push_back(stage);
    ASSERT_FALSE(fitted.validate()) << *fitted.validate();
    double scale = a.cwiseAbs().maxCoeff();
    EXPECT_LT((fitted.toDense() - a).cwiseAbs().maxCoeff(), 1e-10 * scale)
        << "n = " << n;
  }
}

/// A butterfly whose stride n/2 stage comes first (decimation in frequency)
/// is factored through its transpose, and keeps that stage order.
TEST(HierarchicalTest, DecreasingStridesFactorTheTranspose) {
  int64_t n = 64;
  Factorization decreasing;
  decreasing.n = n;
  decreasing.type = {Field::Complex, Precision::F64};
  decreasing.factors.push_back(
      Permutation{NamedPermutation::BitReverse, n, {}});
  Factorization stages = randomButterfly(n, 9);
  for (auto it = stages.factors.rbegin(); it != stages.factors.rend(); ++it)
    decreasing.factors.push_back(*it);
  Target target{"matrix", decreasing.toDense(), false};
  FitOptions options;
  options.precision = Precision::F64;
  options.targetRmse = 1e-10;
  options.decreasingStride = true;
  FitResult result = fitHierarchical(target, options);
  EXPECT_LT(result.rmse, 1e-12 * rms(target));
  EXPECT_EQ(result.permutation, "bit_reverse");
  std::vector<int64_t> strides;
  for (const Factor &factor : result.model.factors)
    if (const Stage *stage = std::get_if<Stage>(&factor))
      strides.push_back(stage->stride);
  EXPECT_EQ(strides, (std::vector<int64_t>{32, 16, 8, 4, 2, 1}));
  options.decreasingStride = false;
  EXPECT_GT(fitHierarchical(target, options).rmse, 1e-3 * rms(target));
}

TEST(HierarchicalTest, ModelClassesNameTheirBlocks) {
  EXPECT_EQ(modelBlocks("bp"), 1);
  EXPECT_EQ(modelBlocks("bpp"), 1);
  EXPECT_EQ(modelBlocks("bpbp"), 2);
  EXPECT_EQ(modelBlocks("bpbpbpbpbpbpbpbp"), 8);
  for (const char *bad : {"", "b", "pb", "bpq", "bppbp", "bpbpbpbpbpbpbpbpbp"})
    EXPECT_EQ(modelBlocks(bad), 0) << bad;
}

TEST(HierarchicalTest, ADenseMatrixIsNotAButterfly) {
  Target randn = *makeTarget("randn", 64, 1);
  FitOptions options;
  options.precision = Precision::F64;
  FitResult result = fitHierarchical(randn, options);
  // Each of the 8 permutations directly and by the lift of the real part.
  EXPECT_EQ(result.candidatesTried, 16);
  EXPECT_GT(result.rmse, 0.5 * rms(randn));
  EXPECT_LE(result.rmse, rms(randn));
}

TEST(HierarchicalTest, FindsTheDftAndItsBitReversal) {
  for (int64_t n = 8; n <= 1024; n *= 4) {
    FitOptions options;
    options.precision = Precision::F64;
    options.targetRmse = 1e-10;
    FitResult result = fitHierarchical(*makeTarget("dft", n), options);
    EXPECT_LT(result.rmse, 1e-13) << "n = " << n;
    EXPECT_EQ(result.permutation, "bit_reverse");
    EXPECT_EQ(result.method, "hierarchical");
    EXPECT_EQ(result.model.type.field, Field::Complex);
  }
}

TEST(HierarchicalTest, HadamardNeedsNoPermutationAndStaysReal) {
  FitOptions options;
  FitResult result = fitHierarchical(*makeTarget("hadamard", 128), options);
  EXPECT_LT(result.rmse, 1e-6); // float32 rounding
  EXPECT_EQ(result.permutation, "identity");
  EXPECT_EQ(result.model.type, (ElementType{Field::Real, Precision::F32}));
  EXPECT_FALSE(result.model.realInput);
}

/// The learner sees the matrix only: the same matrix under another name
/// gets the same model.
TEST(HierarchicalTest, TheTargetsNameDoesNotMatter) {
  Target dft = *makeTarget("dft", 64);
  Target anonymous = dft;
  anonymous.name = "matrix";
  FitOptions options;
  FitResult a = fitHierarchical(dft, options);
  FitResult b = fitHierarchical(anonymous, options);
  EXPECT_EQ(a.rmse, b.rmse);
  EXPECT_EQ(a.permutation, b.permutation);
}

TEST(HierarchicalTest, ReportsProgressPerCandidate) {
  std::vector<std::string> lines;
  FitOptions options;
  options.targetRmse = 0; // no early stop: only the bound rules routes out
  options.progress = [&](const std::string &line) { lines.push_back(line); };
  FitResult result = fitHierarchical(*makeTarget("dft", 16), options);
  EXPECT_EQ(int(lines.size()), result.candidatesTried);
  // The most promising bound first: the bit reversal, exact; every other
  // permutation's bound then rules it out.
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("bit_reverse"), std::string::npos) << lines[0];
  EXPECT_LT(result.candidatesTried, 8);
}

/// Every route reports its RMSE next to the lower bound that ordered it;
/// on targets no butterfly fits, no route beats its bound.
TEST(HierarchicalTest, NoRouteBeatsItsBound) {
  for (const char *name : {"randn", "legendre"})
    for (const char *modelClass : {"bp", "bpp"}) {
      std::vector<std::string> lines;
      FitOptions options;
      options.modelClass = modelClass;
      options.precision = Precision::F64;
      options.progress = [&](const std::string &line) {
        lines.push_back(line);
      };
      fitHierarchical(*makeTarget(name, 32, 4), options);
      ASSERT_FALSE(lines.empty());
      for (const std::string &line : lines) {
        double error = 0, bound = 0;
        size_t at = line.find(", rmse ");
        ASSERT_NE(at, std::string::npos) << line;
        ASSERT_EQ(std::sscanf(line.c_str() + at, ", rmse %lf (at least %lf)",
                              &error, &bound),
                  2)
            << line;
        EXPECT_GT(bound, 0) << line;
        EXPECT_GE(error, bound) << line;
      }
    }
}

/// The real targets of complex models: T P^-1 is not a butterfly, but the
/// real part of one, which the lift recovers (docs/method.md, "The
/// real-part lift").
TEST(HierarchicalTest, LiftsTheRealTargetsOfComplexModels) {
  struct Case {
    const char *target, *modelClass;
  };
  // (The Hartley matrix of size 8 happens to be a real butterfly.)
  for (Case c : {Case{"dct", "bpp"}, Case{"dst", "bpp"}, Case{"hartley", "bp"}})
    for (int64_t n : {16, 64, 512}) {
      FitOptions options;
      options.modelClass = c.modelClass;
      options.precision = Precision::F64;
      options.targetRmse = 1e-10;
      FitResult result = fitHierarchical(*makeTarget(c.target, n), options);
      EXPECT_LT(result.rmse, 1e-12) << c.target << " n = " << n;
      EXPECT_EQ(result.method, "lift") << c.target << " n = " << n;
      EXPECT_TRUE(result.model.realInput && result.model.realOutput)
          << c.target << " n = " << n;
    }
}

/// Without complex twiddles there is nothing to lift into.
TEST(HierarchicalTest, RealTwiddlesDoNotLift) {
  FitOptions options;
  options.complexTwiddles = false;
  FitResult result = fitHierarchical(*makeTarget("hartley", 64), options);
  EXPECT_EQ(result.method, "hierarchical");
  EXPECT_GT(result.rmse, 1e-3);
}

} // namespace
} // namespace bfly
