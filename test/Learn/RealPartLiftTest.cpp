//===- RealPartLiftTest.cpp - complex butterflies from their real part ----===//
#include "compiler/Learn/Fit.h"
#include "test/Model/RandomButterfly.h"

#include <gtest/gtest.h>

#include <random>

namespace bfly {
namespace {

/// The largest entry of `lifted`'s distance from the butterfly that the
/// closed form makes of it: zero exactly when `lifted` is a butterfly.
double butterflyDistance(const Eigen::MatrixXcd &lifted) {
  Factorization fitted;
  fitted.n = lifted.rows();
  fitted.type = {Field::Complex, Precision::F64};
  for (Stage &stage : factorButterfly(lifted))
    fitted.factors.push_back(stage);
  return (fitted.toDense() - lifted).cwiseAbs().maxCoeff();
}

TEST(RealPartLiftTest, KeepsTheRealPart) {
  Eigen::MatrixXd t = randomButterfly(64, 3).toDense().real();
  Eigen::MatrixXcd lifted = liftRealPart(t);
  EXPECT_LT((lifted.real() - t).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(RealPartLiftTest, RecoversAButterflyFromItsRealPart) {
  for (int64_t n : {2, 4, 8, 64, 512}) {
    Eigen::MatrixXcd b = randomButterfly(n, unsigned(n)).toDense();
    Eigen::MatrixXd t = b.real();
    Eigen::MatrixXcd lifted = liftRealPart(t);
    double scale = t.cwiseAbs().maxCoeff();
    EXPECT_LT((lifted.real() - t).cwiseAbs().maxCoeff(), 1e-10 * scale)
        << "n = " << n;
    EXPECT_LT(butterflyDistance(lifted), 1e-8 * scale) << "n = " << n;
  }
}

/// The real part alone of a butterfly is not a butterfly: the lift is what
/// makes the closed form exact.
TEST(RealPartLiftTest, TheRealPartAloneIsNotAButterfly) {
  Eigen::MatrixXd t = randomButterfly(64, 5).toDense().real();
  EXPECT_GT(butterflyDistance(t.cast<Complex>()),
            1e-2 * t.cwiseAbs().maxCoeff());
}

/// Real parts whose top-level blocks have real rank 1 (real twiddle
/// columns), so the imaginary parts below are free: the Hartley-like case.
TEST(RealPartLiftTest, RecursesThroughRankOneLevels) {
  int64_t n = 64;
  Factorization model = randomButterfly(n, 7, /*realFrom=*/n / 4);
  Eigen::MatrixXcd b = model.toDense() * Complex(1, 1);
  Eigen::MatrixXd t = b.real();
  Eigen::MatrixXcd lifted = liftRealPart(t);
  double scale = t.cwiseAbs().maxCoeff();
  EXPECT_LT((lifted.real() - t).cwiseAbs().maxCoeff(), 1e-10 * scale);
  EXPECT_LT(butterflyDistance(lifted), 1e-8 * scale);
}

/// A dense real matrix has no butterfly with it as real part; the lift
/// still keeps the real part and the distance shows the failure.
TEST(RealPartLiftTest, ADenseMatrixStaysFarFromAButterfly) {
  Target randn = *makeTarget("randn", 64, 2);
  Eigen::MatrixXcd lifted = liftRealPart(randn.matrix.real());
  EXPECT_GT(butterflyDistance(lifted),
            1e-2 * randn.matrix.cwiseAbs().maxCoeff());
}

} // namespace
} // namespace bfly
