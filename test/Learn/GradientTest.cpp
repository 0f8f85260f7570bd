//===- GradientTest.cpp - the gradient method's pieces and its fits -------===//
#include "compiler/Learn/Gradient.h"
#include "compiler/Learn/Fit.h"

#include <gtest/gtest.h>

#include <cmath>

namespace bfly {
namespace {

/// The analytic gradient against central finite differences, entry by entry.
void expectGradientMatchesFiniteDifferences(const BPObjective &objective,
                                            unsigned seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> theta = randomParameters(objective.layout(), rng);
  std::vector<double> gradient;
  objective.evaluate(theta, &gradient);
  ASSERT_EQ(gradient.size(), theta.size());
  double step = 1e-6;
  for (size_t i = 0; i < theta.size(); ++i) {
    std::vector<double> plus = theta, minus = theta;
    plus[i] += step;
    minus[i] -= step;
    double numeric = (objective.evaluate(plus, nullptr) -
                      objective.evaluate(minus, nullptr)) /
                     (2 * step);
    EXPECT_NEAR(gradient[i], numeric, 1e-7 + 1e-5 * std::abs(numeric))
        << "parameter " << i << " of " << theta.size();
  }
}

TEST(GradientTest, RelaxedPermutationGradientsAreExact) {
  using Logits = BPLayout::Logits;
  Target dft = *makeTarget("dft", 8);
  Target dct = *makeTarget("dct", 8); // real: only Re(M) counts
  for (Logits logits : {Logits::Shared, Logits::PerLevel})
    for (bool tied : {false, true}) {
      expectGradientMatchesFiniteDifferences(
          BPObjective(dft, BPLayout(8, tied, true, logits)), 1);
      expectGradientMatchesFiniteDifferences(
          BPObjective(dct, BPLayout(8, tied, true, logits)), 2);
    }
}

TEST(GradientTest, BppExtraPermutationGradientsAreExact) {
  Target dst = *makeTarget("dst", 8);
  for (auto logits : {BPLayout::Logits::Shared, BPLayout::Logits::PerLevel})
    expectGradientMatchesFiniteDifferences(
        BPObjective(dst, BPLayout(8, false, true, logits, true)), 6);
}

TEST(GradientTest, BpbpGradientsAreExact) {
  Target convolution = *makeTarget("convolution", 8, 1);
  expectGradientMatchesFiniteDifferences(
      BPObjective(convolution, BPLayout(8, false, true,
                                        BPLayout::Logits::PerLevel, false, 2)),
      7);
  std::vector<int64_t> evenOdd =
      namedPermutation(NamedPermutation::EvenOdd, 8, 8);
  expectGradientMatchesFiniteDifferences(
      BPObjective(convolution,
                  BPLayout(8, false, true, BPLayout::Logits::Fixed, false, 2),
                  {evenOdd, evenOdd}),
      8);
}

TEST(GradientTest, FixedPermutationAndRealTwiddleGradientsAreExact) {
  Target hadamard = *makeTarget("hadamard", 16);
  std::vector<int64_t> bitReverse =
      namedPermutation(NamedPermutation::BitReverse, 16, 16);
  expectGradientMatchesFiniteDifferences(
      BPObjective(hadamard, BPLayout(16, false, false, BPLayout::Logits::Fixed),
                  {bitReverse}),
      3);
  expectGradientMatchesFiniteDifferences(
      BPObjective(*makeTarget("dft", 16),
                  BPLayout(16, true, true, BPLayout::Logits::Fixed),
                  {bitReverse}),
      4);
}

/// The loss is the paper's MSE: the model built from the same parameters
/// scores sqrt(loss) with the independent dense evaluator.
TEST(GradientTest, LossIsTheSquaredRmseOfTheModel) {
  Target dft = *makeTarget("dft", 16);
  BPLayout layout(16, false, true, BPLayout::Logits::Fixed);
  std::vector<int64_t> table =
      namedPermutation(NamedPermutation::BitReverse, 16, 16);
  BPObjective objective(dft, layout, {table});
  std::mt19937_64 rng(5);
  std::vector<double> theta = randomParameters(layout, rng);
  PermutationChoices bitReverse =
      PermutationChoices::shared(16, {true, false, false});
  Factorization model = toFactorization(
      layout, theta, {bitReverse}, {Field::Complex, Precision::F64}, false);
  EXPECT_NEAR(std::sqrt(objective.evaluate(theta, nullptr)),
              rmse(model.toDense(), dft), 1e-12);
}

/// Decreasing strides: the same parameters in the other stage order, still
/// exact gradients, and the model's stages in that order.
TEST(GradientTest, DecreasingStrideLayoutsAreExactAndOrdered) {
  BPLayout layout(16, false, true, BPLayout::Logits::Shared);
  layout.decreasingStride = true;
  EXPECT_EQ(layout.stageOrder(), (std::vector<int>{3, 2, 1, 0}));
  Target dft = *makeTarget("dft", 16);
  BPObjective objective(dft, layout);
  expectGradientMatchesFiniteDifferences(objective, 9);
  std::mt19937_64 rng(9);
  std::vector<double> theta = randomParameters(layout, rng);
  PermutationChoices none = PermutationChoices::shared(16, {});
  Factorization model = toFactorization(
      layout, theta, {none}, {Field::Complex, Precision::F64}, false);
  std::vector<int64_t> strides;
  for (const Factor &factor : model.factors)
    if (const Stage *stage = std::get_if<Stage>(&factor))
      strides.push_back(stage->stride);
  EXPECT_EQ(strides, (std::vector<int64_t>{8, 4, 2, 1}));
}

TEST(GradientTest, LbfgsMinimizesAQuadratic) {
  auto f = [](const std::vector<double> &x, std::vector<double> *g) {
    double value = 0;
    if (g)
      g->assign(x.size(), 0.0);
    for (size_t i = 0; i < x.size(); ++i) {
      double scale = double(i + 1);
      value += scale * (x[i] - 1.0) * (x[i] - 1.0);
      if (g)
        (*g)[i] = 2 * scale * (x[i] - 1.0);
    }
    return value;
  };
  std::vector<double> x(10, 0.0);
  EXPECT_LT(minimizeLbfgs(f, x, 100), 1e-16);
  for (double v : x)
    EXPECT_NEAR(v, 1.0, 1e-8);
}

TEST(GradientTest, LearnsTheDftWithItsPermutationFromRandomStarts) {
  FitOptions options;
  options.precision = Precision::F64;
  options.targetRmse = 1e-10;
  options.seed = 1;
  FitResult result = fitGradient(*makeTarget("dft", 16), options);
  EXPECT_LT(result.rmse, 1e-10);
  EXPECT_EQ(result.method, "gradient");
  // The DFT needs even/odd separation at every level (the half reversals
  // are absorbed by the twiddles).
  EXPECT_TRUE(result.permutation == "bit_reverse" ||
              result.permutation.find("even_odd") != std::string::npos)
      << result.permutation;
}

TEST(GradientTest, FitsAreDeterministicForASeedAndThreadCount) {
  FitOptions options;
  options.restarts = 2;
  options.maxSteps = 200;
  options.seed = 9;
  options.repeatBrackets = false; // else the clock decides how many run
  Target hadamard = *makeTarget("hadamard", 8);
  FitResult a = fitGradient(hadamard, options);
  FitResult b = fitGradient(hadamard, options);
  EXPECT_EQ(a.rmse, b.rmse);
  EXPECT_EQ(a.permutation, b.permutation);
}

TEST(GradientTest, ARandomMatrixIsNotRecovered) {
  FitOptions options;
  options.restarts = 2;
  options.maxSteps = 300;
  options.repeatBrackets = false;
  Target randn = *makeTarget("randn", 16, 2);
  FitResult result = fitGradient(randn, options);
  EXPECT_GT(result.rmse, 0.3 * rms(randn));
  EXPECT_EQ(result.candidatesTried, 2);
}

/// --time-limit is a wall-clock limit: restarts, epochs and polishes all
/// stop at it, and the best model so far is kept. (A bound, not a speed:
/// the slack is the limit itself; without the deadline this fit ran on for
/// minutes.)
TEST(GradientTest, TheTimeLimitIsAWallClockLimit) {
  FitOptions options;
  options.timeLimitSeconds = 1.0;
  options.restarts = 256;
  options.threads = 1;
  // Short epochs (n = 64, 10 steps, a short polish): the first finishes well
  // inside the limit even under sanitizers on a loaded machine.
  options.epochSteps = 10;
  options.polishSteps = 3;
  Target randn = *makeTarget("randn", 64, 4);
  FitResult result = fitGradient(randn, options);
  EXPECT_LT(result.seconds, 2.0);
  EXPECT_TRUE(result.timedOut);
  EXPECT_FALSE(result.model.factors.empty()) << result.failure;
}

/// fitAuto shares one deadline among the closed forms, the other classes'
/// closed forms it tries for a hint, and the gradient method.
TEST(GradientTest, AutoSharesOneDeadline) {
  FitOptions options;
  options.timeLimitSeconds = 1.0;
  options.threads = 1;
  Target dct = *makeTarget("dct", 64);
  FitResult result = fitAuto(dct, options);
  EXPECT_LT(result.seconds, 2.0);
  ASSERT_FALSE(result.notes.empty());
  EXPECT_NE(result.notes.front().find("--model=bpp recovers this target"),
            std::string::npos)
      << result.notes.front();
}

/// A target the learner cannot hold is refused by every method, not
/// allocated.
TEST(GradientTest, TargetsBeyondTheLimitAreRefused) {
  EXPECT_FALSE(makeTarget("dft", 16384).has_value());
  EXPECT_FALSE(makeTarget("dft", 12).has_value());
  ASSERT_TRUE(targetSizeProblem(16384).has_value());
  EXPECT_EQ(*targetSizeProblem(16384),
            "a 16384 x 16384 target would need 4.0 GiB; the learner takes n "
            "from 2 to 8192, a power of two (a dense 8192 x 8192 target is "
            "1.0 GiB)");
  EXPECT_FALSE(targetSizeProblem(8192).has_value());
}

} // namespace
} // namespace bfly
