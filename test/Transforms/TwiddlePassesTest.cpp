//===- TwiddlePassesTest.cpp - the twiddle passes, numerically ----------===//
//
// The chain's matrix before and after a pass, each from the dense evaluator
// of the model read back from IR: simplifying may change it only by
// rounding and by snapping within its tolerance; pruning within the bound
// it reports.
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Learn/Fit.h"
#include "dialect/IR/BflyDialect.h"
#include "dialect/Transforms/Passes.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <random>

namespace bfly {
namespace {

/// The model after `pass`, read back from IR; `bound` gets the transform's
/// prune_bound when there is one.
Factorization afterPass(const Factorization &model,
                        std::unique_ptr<mlir::Pass> pass,
                        double *bound = nullptr) {
  mlir::MLIRContext context;
  loadModelDialects(context);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  mlir::OwningOpRef<mlir::ModuleOp> module =
      factorizationToModule(context, model);
  mlir::PassManager pm(&context);
  pm.addNestedPass<mlir::bfly::TransformOp>(std::move(pass));
  EXPECT_TRUE(mlir::succeeded(pm.run(*module)));
  mlir::FailureOr<mlir::bfly::TransformOp> transform =
      getModelTransform(*module);
  EXPECT_TRUE(mlir::succeeded(transform));
  if (bound)
    if (std::optional<llvm::APFloat> value = transform->getPruneBound())
      *bound = value->convertToDouble();
  mlir::FailureOr<Factorization> result = transformToFactorization(*transform);
  EXPECT_TRUE(mlir::succeeded(result));
  return *result;
}

Factorization simplified(const Factorization &model, double tolerance = 0) {
  mlir::bfly::BflySimplifyTwiddlesOptions options;
  options.tolerance = tolerance;
  return afterPass(model, mlir::bfly::createBflySimplifyTwiddles(options));
}

double maxDifference(const Factorization &a, const Factorization &b) {
  return (a.toDense() - b.toDense()).cwiseAbs().maxCoeff();
}

/// The learned DFT (untied, with the closed form's scalings) becomes the
/// tied FFT: every stage tied, first column all ones, same matrix.
TEST(SimplifyTwiddlesTest, TheLearnedDftBecomesTheTiedFft) {
  FitOptions options;
  options.precision = Precision::F64;
  options.targetRmse = 1e-10;
  Factorization learned =
      fitHierarchical(*makeTarget("dft", 256), options).model;
  Factorization fft = simplified(learned);
  EXPECT_LT(maxDifference(learned, fft), 1e-13);
  int stages = 0;
  for (const Factor &factor : fft.factors)
    if (const Stage *stage = std::get_if<Stage>(&factor)) {
      ++stages;
      EXPECT_EQ(stage->matrixCount(), stage->stride) << "untied stage";
      for (int64_t m = 0; m + 1 < stage->matrixCount(); ++m)
        EXPECT_EQ(stage->twiddles[4 * m + 2], stage->twiddles[4 * m]);
    } else {
      EXPECT_TRUE(std::holds_alternative<Permutation>(factor));
    }
  EXPECT_EQ(stages, 8);
}

/// Random untied stages of every element type: the matrix is kept to
/// rounding (no snapping happens by chance here).
TEST(SimplifyTwiddlesTest, RandomChainsKeepTheirMatrix) {
  for (ElementType type : ElementType::all()) {
    std::mt19937 rng(7);
    std::normal_distribution<double> normal;
    Factorization model;
    model.n = 64;
    model.type = type;
    for (int64_t h = 32; h >= 1; h /= 2) {
      Stage stage{h, {}};
      for (int64_t i = 0; i < 2 * model.n; ++i)
        stage.twiddles.emplace_back(
            normal(rng), type.field == Field::Complex ? normal(rng) : 0.0);
      model.factors.push_back(stage);
    }
    model.roundToPrecision();
    Factorization after = simplified(model);
    double scale = model.toDense().cwiseAbs().maxCoeff();
    double eps = type.precision == Precision::F32 ? 1.2e-7 : 2.3e-16;
    EXPECT_LT(maxDifference(model, after), 1e3 * eps * scale) << type.str();
  }
}

/// A coarse tolerance snaps more and moves the matrix more, but each
/// snapped value by at most the tolerance: the change stays within the
/// tolerance times the sum over stages of the rest of the chain's norms
/// (here every stage is unitary up to sqrt 2, so a small multiple).
TEST(SimplifyTwiddlesTest, SnappingMovesValuesByAtMostTheTolerance) {
  Factorization model = Factorization::hadamard(
      16, {Field::Real, Precision::F64}, Normalization::None);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> noise(-1e-4, 1e-4);
  for (Factor &factor : model.factors)
    if (Stage *stage = std::get_if<Stage>(&factor)) {
      std::vector<Complex> untied;
      for (int64_t p = 0; p < 8; ++p)
        for (int e = 0; e < 4; ++e)
          untied.push_back(stage->matrixForPair(p)[e] + noise(rng));
      stage->twiddles = untied;
    }
  Factorization exact = Factorization::hadamard(
      16, {Field::Real, Precision::F64}, Normalization::None);
  Factorization snapped = simplified(model, /*tolerance=*/1e-3);
  // Noise of 1e-4 snapped back: the exact Hadamard again, tied.
  EXPECT_LT(maxDifference(snapped, exact), 1e-12);
  for (const Factor &factor : snapped.factors) {
    if (const Stage *stage = std::get_if<Stage>(&factor)) {
      EXPECT_EQ(stage->matrixCount(), stage->stride);
    }
  }
  // The tolerance too small to snap that noise: nothing snapped away.
  Factorization kept = simplified(model, /*tolerance=*/1e-6);
  EXPECT_LT(maxDifference(kept, model), 1e-12);
  EXPECT_GT(maxDifference(kept, exact), 1e-5);
}

/// bfly-prune-twiddles: the real change of the chain's matrix, in spectral
/// norm, stays within the bound the pass reports, and is not zero.
TEST(PruneTwiddlesTest, TheChangeStaysWithinTheReportedBound) {
  for (ElementType type : {ElementType{Field::Complex, Precision::F64},
                           ElementType{Field::Real, Precision::F32}}) {
    std::mt19937 rng(11);
    std::normal_distribution<double> normal;
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    Factorization model;
    model.n = 32;
    model.type = type;
    for (int64_t h = 1; h < 32; h *= 2) {
      Stage stage{h, {}};
      for (int64_t i = 0; i < 2 * model.n; ++i) {
        // A third of the twiddles small: what pruning is for.
        double size = unit(rng) < 0.33 ? 0.01 : 1.0;
        stage.twiddles.emplace_back(
            size * normal(rng),
            type.field == Field::Complex ? size * normal(rng) : 0.0);
      }
      model.factors.push_back(stage);
    }
    model.roundToPrecision();
    double bound = -1;
    mlir::bfly::BflyPruneTwiddlesOptions options;
    options.threshold = 0.05;
    Factorization pruned =
        afterPass(model, mlir::bfly::createBflyPruneTwiddles(options), &bound);
    Eigen::MatrixXcd change = pruned.toDense() - model.toDense();
    double actual =
        Eigen::JacobiSVD<Eigen::MatrixXcd>(change).singularValues()(0);
    EXPECT_GT(actual, 0) << type.str();
    EXPECT_LE(actual, bound) << type.str();
    int zeros = 0;
    for (const Factor &factor : pruned.factors)
      for (Complex t : std::get<Stage>(factor).twiddles)
        zeros += t == Complex(0.0);
    EXPECT_GT(zeros, 50) << type.str();
  }
}

/// bfly-fold-permutations: a chain of permutations and diagonals around
/// untied stages keeps its matrix and loses every foldable factor.
TEST(FoldPermutationsTest, FoldingKeepsTheMatrixAndDropsFactors) {
  std::mt19937 rng(5);
  std::normal_distribution<double> normal;
  Factorization model;
  model.n = 16;
  model.type = {Field::Complex, Precision::F64};
  auto diagonal = [&] {
    Diagonal d;
    for (int i = 0; i < 16; ++i)
      d.values.emplace_back(normal(rng), normal(rng));
    return d;
  };
  auto stage = [&](int64_t h) {
    Stage s{h, {}};
    for (int i = 0; i < 32; ++i)
      s.twiddles.emplace_back(normal(rng), normal(rng));
    return s;
  };
  model.factors = {Permutation{NamedPermutation::BitReverse, 16, {}},
                   Permutation{NamedPermutation::EvenOdd, 16, {}},
                   diagonal(),
                   stage(1),
                   diagonal(),
                   diagonal(),
                   stage(4),
                   Permutation{NamedPermutation::ReverseFirstHalf, 16, {}},
                   Permutation{NamedPermutation::ReverseFirstHalf, 16, {}}};
  Factorization folded =
      afterPass(model, mlir::bfly::createBflyFoldPermutations());
  EXPECT_LT(maxDifference(model, folded),
            1e-12 * model.toDense().cwiseAbs().maxCoeff());
  // One permutation (the two first composed) and the two stages are left.
  ASSERT_EQ(folded.factors.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Permutation>(folded.factors[0]));
  EXPECT_TRUE(std::holds_alternative<Stage>(folded.factors[1]));
  EXPECT_TRUE(std::holds_alternative<Stage>(folded.factors[2]));
}

} // namespace
} // namespace bfly
