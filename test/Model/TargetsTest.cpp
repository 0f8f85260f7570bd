//===- TargetsTest.cpp - target matrices by their defining properties -----===//
#include "compiler/Model/Targets.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bfly {
namespace {

Target target(const std::string &name, int64_t n) {
  std::optional<Target> t = makeTarget(name, n, 3);
  EXPECT_TRUE(t.has_value()) << name;
  return *t;
}

double distanceToIdentity(const Eigen::MatrixXcd &m) {
  return (m - Eigen::MatrixXcd::Identity(m.rows(), m.cols()))
      .cwiseAbs()
      .maxCoeff();
}

TEST(TargetsTest, UnitaryTransformsAreUnitary) {
  for (const char *name : {"dft", "idft", "hadamard"}) {
    Target t = target(name, 64);
    EXPECT_LT(distanceToIdentity(t.matrix.adjoint() * t.matrix), 1e-13) << name;
  }
  EXPECT_FALSE(target("dft", 8).real);
  EXPECT_TRUE(target("hadamard", 8).real);
}

/// The Hartley matrix is its own inverse; DFT and inverse DFT are inverses.
TEST(TargetsTest, HartleyIsAnInvolution) {
  Target h = target("hartley", 32);
  EXPECT_LT(distanceToIdentity(h.matrix * h.matrix), 1e-13);
  EXPECT_LT(
      distanceToIdentity(target("idft", 32).matrix * target("dft", 32).matrix),
      1e-13);
}

/// DCT-II and DST-II rows are orthogonal; all have squared norm 2 except
/// the DCT's constant row (4) and the DST's last row (4).
TEST(TargetsTest, DctAndDstRowsAreOrthogonal) {
  for (const char *name : {"dct", "dst"}) {
    Target t = target(name, 16);
    Eigen::MatrixXcd gram = t.matrix * t.matrix.adjoint();
    int64_t special = std::string(name) == "dct" ? 0 : 15;
    for (int64_t j = 0; j < 16; ++j)
      for (int64_t k = 0; k < 16; ++k) {
        double expected = j != k ? 0.0 : (j == special ? 4.0 : 2.0);
        EXPECT_NEAR(std::abs(gram(j, k)), expected, 1e-12)
            << name << " " << j << "," << k;
      }
  }
  // DCT row k at column i: 2 cos(pi k (2i + 1) / 2n) / sqrt(n).
  EXPECT_NEAR(target("dct", 8).matrix(3, 5).real(),
              2.0 * std::cos(M_PI * 3.0 * 11.0 / 16.0) / std::sqrt(8.0), 1e-15);
}

TEST(TargetsTest, ConvolutionIsCirculantAndSeeded) {
  Target c = target("convolution", 32);
  for (int64_t j = 0; j < 32; ++j)
    for (int64_t k = 0; k < 32; ++k)
      EXPECT_EQ(c.matrix(j, k), c.matrix((j + 1) % 32, (k + 1) % 32));
  EXPECT_EQ(makeTarget("convolution", 32, 3)->matrix, c.matrix);
  EXPECT_NE(makeTarget("convolution", 32, 4)->matrix, c.matrix);
}

TEST(TargetsTest, LegendreRowsArePolynomials) {
  Target l = target("legendre", 16);
  double scale = 1.0 / 4.0;
  for (int64_t i = 0; i < 16; ++i) {
    double x = -1.0 + 2.0 * (i + 1.0) / 17.0;
    EXPECT_NEAR(l.matrix(0, i).real(), scale, 1e-15);
    EXPECT_NEAR(l.matrix(1, i).real(), scale * x, 1e-15);
    EXPECT_NEAR(l.matrix(2, i).real(), scale * (3 * x * x - 1) / 2, 1e-15);
  }
}

TEST(TargetsTest, RandnHasTheRightMoments) {
  Target r = target("randn", 256);
  double mean = r.matrix.real().mean();
  double variance = (r.matrix.real().array() - mean).square().mean();
  EXPECT_NEAR(mean, 0.0, 3e-3);
  EXPECT_NEAR(variance * 256, 1.0, 0.02);
}

TEST(TargetsTest, RmseFollowsThePaper) {
  Target dft = target("dft", 8);
  EXPECT_EQ(rmse(dft.matrix, dft), 0.0);
  // The zero matrix scores the target's RMS: 1/sqrt(2n) for a complex
  // unitary one, 1/sqrt(n) for a real one.
  EXPECT_NEAR(rmse(Eigen::MatrixXcd::Zero(8, 8), dft), 1.0 / 4.0, 1e-15);
  EXPECT_NEAR(rms(dft), 1.0 / 4.0, 1e-15);
  Target hadamard = target("hadamard", 8);
  EXPECT_NEAR(rms(hadamard), 1.0 / std::sqrt(8.0), 1e-15);
  // A real target ignores the imaginary part of a model.
  Eigen::MatrixXcd withImaginary = hadamard.matrix;
  withImaginary(0, 0) += Complex(0, 5);
  EXPECT_EQ(rmse(withImaginary, hadamard), 0.0);
}

TEST(TargetsTest, UnknownNamesAndSizesAreRefused) {
  EXPECT_FALSE(makeTarget("fft", 8));
  EXPECT_FALSE(makeTarget("dft", 6));
  EXPECT_FALSE(makeTarget("dft", 1));
  EXPECT_EQ(targetNames().size(), 9u);
  for (const std::string &name : targetNames())
    EXPECT_TRUE(makeTarget(name, 4)) << name;
}

TEST(TargetsTest, NormalSequenceIsDeterministic) {
  NormalSequence a(11), b(11), c(12);
  double sum = 0, squares = 0;
  for (int i = 0; i < 20000; ++i) {
    double x = a.next();
    EXPECT_EQ(x, b.next());
    sum += x;
    squares += x * x;
  }
  EXPECT_NE(NormalSequence(11).next(), c.next());
  EXPECT_NEAR(sum / 20000, 0.0, 0.03);
  EXPECT_NEAR(squares / 20000, 1.0, 0.03);
}

} // namespace
} // namespace bfly
