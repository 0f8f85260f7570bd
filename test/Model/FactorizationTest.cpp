//===- FactorizationTest.cpp - the model type and its exact constructors --===//
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace bfly {
namespace {

/// Largest entry of |a - b|.
double maxError(const Eigen::MatrixXcd &a, const Eigen::MatrixXcd &b) {
  return (a - b).cwiseAbs().maxCoeff();
}

/// Round-off allowance for a unitary chain of log2(n) stages.
double tolerance(Precision precision, int64_t n) {
  double eps = precision == Precision::F32 ? 1.2e-7 : 2.3e-16;
  return 4.0 * eps * std::log2(double(n) + 1.0);
}

TEST(FactorizationTest, ExactDftMatchesTheTextbookMatrix) {
  for (Precision precision : {Precision::F32, Precision::F64})
    for (int64_t n = 2; n <= 1024; n *= 2) {
      Factorization model =
          Factorization::dft(n, false, Normalization::Unitary, precision);
      ASSERT_FALSE(model.validate()) << *model.validate();
      EXPECT_LE(maxError(model.toDense(), dftMatrix(n)),
                tolerance(precision, n))
          << "n = " << n;
    }
}

TEST(FactorizationTest, InverseAndUnnormalizedDft) {
  int64_t n = 64;
  Factorization inverse =
      Factorization::dft(n, true, Normalization::Unitary, Precision::F64);
  EXPECT_LE(maxError(inverse.toDense(), dftMatrix(n, true)),
            tolerance(Precision::F64, n));
  Factorization plain =
      Factorization::dft(n, false, Normalization::None, Precision::F64);
  EXPECT_LE(maxError(plain.toDense(), dftMatrix(n, false, Normalization::None)),
            n * tolerance(Precision::F64, n));
  // The unitary inverse undoes the forward transform.
  Factorization forward =
      Factorization::dft(n, false, Normalization::Unitary, Precision::F64);
  EXPECT_LE(maxError(inverse.toDense() * forward.toDense(),
                     Eigen::MatrixXcd::Identity(n, n)),
            tolerance(Precision::F64, n));
}

TEST(FactorizationTest, ExactHadamardMatchesTheTextbookMatrix) {
  for (ElementType type : ElementType::all())
    for (int64_t n = 2; n <= 512; n *= 2) {
      Factorization model = Factorization::hadamard(n, type);
      ASSERT_FALSE(model.validate()) << *model.validate();
      EXPECT_LE(maxError(model.toDense(), hadamardMatrix(n)),
                tolerance(type.precision, n))
          << type.str() << " n = " << n;
    }
  Factorization plain = Factorization::hadamard(
      16, {Field::Real, Precision::F64}, Normalization::None);
  EXPECT_EQ(maxError(plain.toDense(), hadamardMatrix(16, Normalization::None)),
            0.0);
}

/// The dense evaluator against a stage written out by hand from the
/// definition in the dialect's documentation.
TEST(FactorizationTest, UntiedStageMatchesItsDefinition) {
  Factorization model;
  model.n = 4;
  model.type = {Field::Complex, Precision::F64};
  // Stride 2: pairs (0, 2) and (1, 3), one matrix each.
  model.factors.push_back(Stage{2,
                                {1.0, 2.0, 3.0, 4.0, //
                                 Complex(0, 1), 5.0, 6.0, 7.0}});
  Eigen::MatrixXcd expected = Eigen::MatrixXcd::Zero(4, 4);
  expected(0, 0) = 1.0, expected(0, 2) = 2.0;
  expected(2, 0) = 3.0, expected(2, 2) = 4.0;
  expected(1, 1) = Complex(0, 1), expected(1, 3) = 5.0;
  expected(3, 1) = 6.0, expected(3, 3) = 7.0;
  EXPECT_EQ(maxError(model.toDense(), expected), 0.0);
}

TEST(FactorizationTest, PermutationAndDiagonalMatchTheirDefinitions) {
  Factorization model;
  model.n = 4;
  model.type = {Field::Complex, Precision::F64};
  model.factors.push_back(Permutation{std::nullopt, 0, {2, 0, 3, 1}});
  model.factors.push_back(Diagonal{{1.0, 2.0, Complex(0, 3), 4.0}});
  Eigen::VectorXcd x(4);
  x << 10.0, 20.0, 30.0, 40.0;
  Eigen::VectorXcd expected(4);
  expected << 30.0, 2.0 * 10.0, Complex(0, 3) * 40.0, 4.0 * 20.0;
  EXPECT_EQ((model.apply(x) - expected).norm(), 0.0);
}

TEST(FactorizationTest, RealInputAndOutputOfAComplexChain) {
  Factorization model;
  model.n = 2;
  model.type = {Field::Complex, Precision::F64};
  model.realInput = model.realOutput = true;
  model.factors.push_back(Diagonal{{Complex(1, 1), Complex(0, 2)}});
  Eigen::VectorXcd x(2);
  x << Complex(3, 5), Complex(7, 11); // imaginary parts are dropped
  Eigen::VectorXcd y = model.apply(x);
  EXPECT_EQ(y(0), Complex(3, 0));
  EXPECT_EQ(y(1), Complex(0, 0));
}

TEST(FactorizationTest, UnitaryModelsPreserveNorms) {
  std::mt19937 rng(7);
  std::normal_distribution<double> normal;
  Eigen::VectorXcd x(256);
  for (Complex &v : x)
    v = Complex(normal(rng), normal(rng));
  Factorization dft =
      Factorization::dft(256, false, Normalization::Unitary, Precision::F64);
  EXPECT_NEAR(dft.apply(x).norm(), x.norm(), 1e-12 * x.norm());
}

TEST(FactorizationTest, ValidateNamesTheProblem) {
  Factorization model =
      Factorization::hadamard(8, {Field::Real, Precision::F32});
  EXPECT_FALSE(model.validate());

  Factorization bad = model;
  bad.n = 6;
  EXPECT_EQ(*bad.validate(), "size must be a power of two from 2 to 1048576 "
                             "(BFLY_MAX_N), got 6");
  bad.n = int64_t(1) << 21;
  EXPECT_EQ(*bad.validate(), "size must be a power of two from 2 to 1048576 "
                             "(BFLY_MAX_N), got 2097152");

  bad = model;
  std::get<Stage>(bad.factors[0]).stride = 3;
  EXPECT_EQ(*bad.validate(),
            "factor 0: stride must be a power of two below 8, got 3");

  bad = model;
  std::get<Stage>(bad.factors[1]).twiddles.resize(12);
  EXPECT_EQ(*bad.validate(),
            "factor 1: twiddles must hold n/2 or stride 2x2 matrices, got 12 "
            "numbers");

  bad = model;
  std::get<Stage>(bad.factors[2]).twiddles[5] = std::nan("");
  EXPECT_EQ(*bad.validate(), "factor 2: twiddle entry 5 is not finite");

  bad = model;
  std::get<Stage>(bad.factors[0]).twiddles[0] = Complex(0, 1);
  EXPECT_EQ(*bad.validate(),
            "factor 0: twiddle entry 0 is complex in a real model");

  bad = model;
  bad.factors.push_back(Permutation{std::nullopt, 0, {0, 1, 2, 3, 4, 5, 6, 6}});
  EXPECT_EQ(*bad.validate(), "factor 3: indices are not a permutation of 0..7");

  bad = model;
  bad.factors.push_back(Permutation{NamedPermutation::EvenOdd, 16, {}});
  EXPECT_EQ(*bad.validate(),
            "factor 3: block must be a power of two from 2 to 8");

  bad = model;
  bad.factors.push_back(Diagonal{{1.0}});
  EXPECT_EQ(*bad.validate(), "factor 3: diagonal must have 8 entries");

  bad = model;
  bad.realInput = true;
  EXPECT_EQ(*bad.validate(), "a real input or output needs a complex chain");
}

TEST(FactorizationTest, RoundingMakesConstantsExactInTheirPrecision) {
  Factorization model =
      Factorization::dft(16, false, Normalization::Unitary, Precision::F32);
  for (const Factor &factor : model.factors)
    if (const auto *stage = std::get_if<Stage>(&factor))
      for (Complex v : stage->twiddles) {
        EXPECT_EQ(double(float(v.real())), v.real());
        EXPECT_EQ(double(float(v.imag())), v.imag());
      }
}

TEST(FactorizationTest, ElementTypeSpellings) {
  for (ElementType type : ElementType::all())
    EXPECT_EQ(ElementType::parse(type.str()), type);
  EXPECT_EQ(ElementType::parse("complex<f64>")->precision, Precision::F64);
  EXPECT_FALSE(ElementType::parse("f16").has_value());
}

TEST(RandomFactorizationTest, UntiedStagesFromTheSeedAndNearDiagonalOnes) {
  Factorization a = Factorization::random(64, {}, 7, /*nearDiagonal=*/2);
  ASSERT_FALSE(a.validate()) << *a.validate();
  EXPECT_EQ(a.toDense(), Factorization::random(64, {}, 7, 2).toDense());
  EXPECT_NE(a.toDense(), Factorization::random(64, {}, 8, 2).toDense());
  int64_t index = 0;
  for (const Factor &factor : a.factors) {
    const Stage *stage = std::get_if<Stage>(&factor);
    if (!stage)
      continue;
    EXPECT_EQ(stage->matrixCount(), 32);
    double offDiagonal = 0, diagonal = 0;
    for (int64_t m = 0; m < 32; ++m) {
      const Complex *t = &stage->twiddles[4 * m];
      offDiagonal = std::max({offDiagonal, std::abs(t[1]), std::abs(t[2])});
      diagonal = std::max({diagonal, std::abs(t[0]), std::abs(t[3])});
    }
    // Stages 0 and 2 are the near-diagonal ones; the rest are Gaussian.
    bool near = index == 0 || index == 2;
    EXPECT_EQ(offDiagonal < 0.01, near) << "stage " << index;
    EXPECT_GT(diagonal, 0.5) << "stage " << index;
    ++index;
  }
  EXPECT_EQ(index, 6);
}

} // namespace
} // namespace bfly
