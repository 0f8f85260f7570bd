//===- SpectralTest.cpp - BPBP of normal matrices in closed form ----------===//
#include "compiler/Learn/Fit.h"

#include <gtest/gtest.h>

namespace bfly {
namespace {

FitOptions bpbp(Precision precision, double targetRmse) {
  FitOptions options;
  options.modelClass = "bpbp";
  options.precision = precision;
  options.targetRmse = targetRmse;
  return options;
}

TEST(SpectralTest, RecoversConvolutionsAtEverySize) {
  for (int64_t n = 4; n <= 256; n *= 4) {
    Target convolution = *makeTarget("convolution", n, 1);
    FitResult result = fitSpectral(convolution, bpbp(Precision::F64, 1e-10));
    EXPECT_TRUE(result.failure.empty()) << result.failure;
    EXPECT_LT(result.rmse, 1e-12) << "n = " << n;
    EXPECT_EQ(result.method, "spectral");
    // A real target: the complex model reads real input, returns Re(y).
    EXPECT_TRUE(result.model.realInput && result.model.realOutput);
    ASSERT_FALSE(result.model.validate()) << *result.model.validate();
  }
}

/// Any circulant matrix is normal with DFT eigenvectors, whatever its
/// filter: the method uses normality, not the target's name.
TEST(SpectralTest, RecoversAComplexCirculantItHasNeverSeen) {
  int64_t n = 32;
  Target target{"anonymous", Eigen::MatrixXcd(n, n), false};
  NormalSequence normal(5);
  std::vector<Complex> filter;
  for (int64_t i = 0; i < n; ++i)
    filter.emplace_back(normal.next(), normal.next());
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < n; ++k)
      target.matrix(j, k) = filter[(j - k + n) % n];
  FitResult result = fitSpectral(target, bpbp(Precision::F64, 1e-10));
  EXPECT_LT(result.rmse, 1e-11);
  EXPECT_FALSE(result.model.realInput);
}

TEST(SpectralTest, SaysWhyItFindsNothing) {
  FitResult randn =
      fitSpectral(*makeTarget("randn", 16, 1), bpbp(Precision::F32, 1e-4));
  EXPECT_EQ(randn.failure, "the matrix is not normal");
  // The DFT is normal, but its eigenvalues (+-1, +-i) repeat, so its
  // eigenvectors are not determined: no order is found.
  FitResult dft =
      fitSpectral(*makeTarget("dft", 16), bpbp(Precision::F32, 1e-4));
  EXPECT_NE(dft.failure.find("no order of its eigenvectors"),
            std::string::npos);
}

TEST(SpectralTest, AutoTakesTheClosedFormFirst) {
  FitOptions options = bpbp(Precision::F32, 1e-4);
  FitResult result = fitAuto(*makeTarget("convolution", 64, 2), options);
  EXPECT_EQ(result.method, "spectral");
  EXPECT_LT(result.rmse, 1e-6);
  options.modelClass = "bp";
  result = fitAuto(*makeTarget("dft", 64), options);
  EXPECT_EQ(result.method, "hierarchical");
}

} // namespace
} // namespace bfly
