//===- TransformAlgebraTest.cpp - bfly-transpose/-adjoint/-inverse vs Eigen
//===//
//
// Each pass's chain, read back from IR, against Eigen's transpose, adjoint
// and inverse of the model's dense matrix: exact transforms, generic
// butterflies after a bit reversal, and chains with every factor kind
// (permutations, diagonals, real input and output of a complex chain).
//
//===----------------------------------------------------------------------===//
#include "compiler/Import/FactorizationIR.h"
#include "compiler/Model/Factorization.h"
#include "dialect/IR/BflyDialect.h"
#include "dialect/Transforms/Passes.h"
#include "test/Model/RandomButterfly.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"

#include <gtest/gtest.h>

#include <Eigen/SVD>

namespace bfly {
namespace {

using Algebra = mlir::bfly::TransformAlgebra;

/// The model of `which` map of `model`, read back from IR; nullopt when the
/// pass refuses.
std::optional<Factorization> algebra(const Factorization &model,
                                     Algebra which) {
  mlir::MLIRContext context;
  loadModelDialects(context);
  context.getDiagEngine().registerHandler([](mlir::Diagnostic &) {});
  mlir::OwningOpRef<mlir::ModuleOp> module =
      factorizationToModule(context, model);
  mlir::PassManager pm(&context);
  mlir::bfly::addTransformAlgebra(pm, which);
  if (mlir::failed(pm.run(*module)))
    return std::nullopt;
  mlir::FailureOr<Factorization> result =
      transformToFactorization(*getModelTransform(*module));
  EXPECT_TRUE(mlir::succeeded(result));
  return *result;
}

/// The real map of a model with real input and output is the real part;
/// a padded or truncated one is the corner the caller sees.
Eigen::MatrixXcd mapOf(const Factorization &model) {
  Eigen::MatrixXcd m =
      model.toDense().topLeftCorner(model.outputLength(), model.inputLength());
  if (model.realInput && model.realOutput)
    return m.real().cast<std::complex<double>>();
  return m;
}

double relative(const Eigen::MatrixXcd &a, const Eigen::MatrixXcd &b) {
  return (a - b).norm() / b.norm();
}

void expectAlgebra(const Factorization &model, double tolerance,
                   bool invertible = true) {
  Eigen::MatrixXcd m = mapOf(model);
  std::optional<Factorization> transposed = algebra(model, Algebra::Transpose);
  std::optional<Factorization> adjoint = algebra(model, Algebra::Adjoint);
  ASSERT_TRUE(transposed && adjoint);
  EXPECT_LE(relative(mapOf(*transposed), m.transpose()), tolerance);
  EXPECT_LE(relative(mapOf(*adjoint), m.adjoint()), tolerance);
  EXPECT_EQ(transposed->provenance.at("op"), "transpose");
  std::optional<Factorization> inverse = algebra(model, Algebra::Inverse);
  EXPECT_EQ(bool(inverse), invertible);
  if (inverse) {
    // Rounding the constants perturbs the inverse by up to the condition
    // number times as much.
    Eigen::BDCSVD<Eigen::MatrixXcd> svd(m);
    double condition = svd.singularValues()(0) /
                       svd.singularValues()(svd.singularValues().size() - 1);
    EXPECT_LE(relative(mapOf(*inverse), m.inverse()), tolerance * condition);
  }
  // The second application undoes the first.
  std::optional<Factorization> back = algebra(*adjoint, Algebra::Adjoint);
  ASSERT_TRUE(back);
  EXPECT_LE(relative(mapOf(*back), m), tolerance);
  EXPECT_EQ(back->provenance.at("op"), "adjoint,adjoint");
}

TEST(TransformAlgebraTest, ExactTransforms) {
  for (int64_t n : {2, 16, 256}) {
    SCOPED_TRACE("n=" + std::to_string(n));
    expectAlgebra(
        Factorization::dft(n, false, Normalization::Unitary, Precision::F64),
        1e-13);
    expectAlgebra(Factorization::hadamard(n, {Field::Real, Precision::F64}),
                  1e-13);
  }
}

TEST(TransformAlgebraTest, GenericButterflies) {
  for (int64_t n : {4, 64})
    for (ElementType type : ElementType::all()) {
      SCOPED_TRACE("n=" + std::to_string(n) + " " + type.str());
      // Constants are rounded to the model's precision once more.
      double tolerance = type.precision == Precision::F32 ? 1e-5 : 1e-12;
      expectAlgebra(Factorization::random(n, type, 11), tolerance);
    }
}

TEST(TransformAlgebraTest, EveryFactorKind) {
  unsigned seed = 0;
  for (int64_t n : {8, 32})
    for (ElementType type : ElementType::all())
      for (bool realIO : {false, true}) {
        if (realIO && type.field == Field::Real)
          continue;
        SCOPED_TRACE("n=" + std::to_string(n) + " " + type.str() +
                     (realIO ? " real in/out" : ""));
        double tolerance = type.precision == Precision::F32 ? 1e-5 : 1e-12;
        // The real part of a complex chain has no inverse in the model.
        expectAlgebra(randomModel(n, type, realIO, ++seed), tolerance,
                      /*invertible=*/!realIO);
      }
}

TEST(TransformAlgebraTest, RectangularMapsSwapTheirPaddingAndTruncation) {
  unsigned seed = 40;
  for (ElementType type : ElementType::all())
    for (bool realIO : {false, true}) {
      if (realIO && type.field == Field::Real)
        continue;
      SCOPED_TRACE(type.str() + (realIO ? " real in/out" : ""));
      Factorization model = randomModel(16, type, realIO, ++seed);
      model.paddedFrom = 11;
      model.truncatedTo = 5;
      double tolerance = type.precision == Precision::F32 ? 1e-5 : 1e-12;
      expectAlgebra(model, tolerance, /*invertible=*/false);
      std::optional<Factorization> adjoint = algebra(model, Algebra::Adjoint);
      ASSERT_TRUE(adjoint);
      EXPECT_EQ(adjoint->paddedFrom, 5);
      EXPECT_EQ(adjoint->truncatedTo, 11);
    }
}

TEST(TransformAlgebraTest, RealInputDftsHaveOnlyAnInverse) {
  for (bool forward : {true, false}) {
    Factorization model = forward ? Factorization::rfft(32, Precision::F64)
                                  : Factorization::irfft(32, Precision::F64);
    EXPECT_FALSE(algebra(model, Algebra::Adjoint));
    EXPECT_FALSE(algebra(model, Algebra::Transpose));
    std::optional<Factorization> inverse = algebra(model, Algebra::Inverse);
    ASSERT_TRUE(inverse);
    EXPECT_EQ(inverse->spectrum,
              forward ? RealSpectrum::Backward : RealSpectrum::Forward);
    EXPECT_EQ(inverse->inputLength(), model.outputLength());
    EXPECT_EQ(inverse->outputLength(), model.inputLength());
    // The core is the inverse DFT of 16 points with a half on the side of
    // bfly.pack_spectrum (KernelTest checks the numbers).
    ASSERT_TRUE(std::holds_alternative<Diagonal>(
        forward ? inverse->factors.front() : inverse->factors.back()));
  }
}

TEST(TransformAlgebraTest, SingularFactorsHaveNoInverse) {
  Factorization model =
      Factorization::hadamard(8, {Field::Real, Precision::F64});
  std::get<Stage>(model.factors[1]).twiddles = {1.0, 2.0, 2.0, 4.0,
                                                1.0, 0.0, 0.0, 1.0};
  EXPECT_FALSE(algebra(model, Algebra::Inverse));
  EXPECT_TRUE(algebra(model, Algebra::Adjoint));
}

} // namespace
} // namespace bfly
