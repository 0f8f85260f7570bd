//===- GradientFit.cpp - restarts of the paper's gradient method ----------===//
#include "compiler/Learn/Fit.h"
#include "compiler/Learn/Gradient.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <thread>

namespace bfly {

namespace {
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// What one trial found: its best polished twiddles for a fixed permutation.
struct Trial {
  double rmse = INFINITY;
  std::vector<double> twiddles;                 ///< a Fixed layout's parameters
  std::vector<PermutationChoices> permutations; ///< one per BP block
  BPLayout::Logits logits = BPLayout::Logits::Fixed;
  double learningRate = 0;
  int64_t steps = 0;
};

/// The layout of options.modelClass: bp, bpp (extra factor) or bpbp.
BPLayout layoutFor(const FitOptions &options, int64_t n,
                   BPLayout::Logits logits) {
  return BPLayout(n, options.tied, options.complexTwiddles, logits,
                  options.modelClass == "bpp",
                  options.modelClass == "bpbp" ? 2 : 1);
}

/// The objective of frozen permutations: only the twiddles move.
BPObjective frozen(const Target &target, const FitOptions &options,
                   const std::vector<PermutationChoices> &permutations) {
  return BPObjective(target,
                     layoutFor(options, target.size(), BPLayout::Logits::Fixed),
                     tablesOf(permutations, target.size()));
}

double polish(const BPObjective &objective, std::vector<double> &twiddles,
              int steps) {
  double loss = minimizeLbfgs(
      [&](const std::vector<double> &theta, std::vector<double> *gradient) {
        return objective.evaluate(theta, gradient);
      },
      twiddles, steps);
  return std::sqrt(loss);
}

Trial runTrial(const Target &target, const FitOptions &options, int index,
               Clock::time_point start) {
  std::mt19937_64 rng(options.seed * 0x9E3779B97F4A7C15ull + uint64_t(index));
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  Trial trial;
  trial.learningRate =
      options.minLearningRate *
      std::pow(options.maxLearningRate / options.minLearningRate, unit(rng));
  using Sharing = FitOptions::LogitSharing;
  bool perLevel = options.logitSharing == Sharing::PerLevel ||
                  (options.logitSharing == Sharing::Random && unit(rng) < 0.5);
  trial.logits = !options.learnPermutation ? BPLayout::Logits::Fixed
                 : perLevel                ? BPLayout::Logits::PerLevel
                                           : BPLayout::Logits::Shared;
  BPLayout layout = layoutFor(options, target.size(), trial.logits);
  std::vector<PermutationChoices> fixedPermutations(layout.blocks,
                                                    options.permutation);
  BPObjective objective(target, layout,
                        options.learnPermutation
                            ? PermutationTables{}
                            : tablesOf(fixedPermutations, target.size()));
  std::vector<double> theta = randomParameters(layout, rng), gradient;
  Adam adam;
  adam.learningRate = trial.learningRate;
  for (int step = 1; step <= options.maxSteps; ++step) {
    objective.evaluate(theta, &gradient);
    adam.step(theta, gradient);
    trial.steps = step;
    if (step % options.epochSteps != 0 && step != options.maxSteps)
      continue;
    // Round the permutation, freeze it, polish a copy of the twiddles.
    std::vector<PermutationChoices> permutations =
        options.learnPermutation ? roundPermutations(layout, theta)
                                 : fixedPermutations;
    std::vector<double> twiddles = twiddlesOnly(layout, theta);
    double rmse = polish(frozen(target, options, permutations), twiddles,
                         options.polishSteps);
    if (rmse < trial.rmse) {
      trial.rmse = rmse;
      trial.twiddles = std::move(twiddles);
      trial.permutations = permutations;
    }
    if (trial.rmse <= options.targetRmse ||
        secondsSince(start) > options.timeLimitSeconds)
      break;
  }
  return trial;
}
} // namespace

FitResult fitGradient(const Target &target, const FitOptions &options) {
  auto start = Clock::now();
  int64_t n = target.size();
  int threads = std::max(1, options.threads);
  Trial best;
  int index = 0;
  while (index < options.restarts && best.rmse > options.targetRmse &&
         secondsSince(start) <= options.timeLimitSeconds) {
    int round = std::min(threads, options.restarts - index);
    std::vector<Trial> trials(round);
    std::vector<std::thread> workers;
    for (int k = 0; k < round; ++k)
      workers.emplace_back(
          [&, k] { trials[k] = runTrial(target, options, index + k, start); });
    for (std::thread &worker : workers)
      worker.join();
    for (Trial &trial : trials) // in trial order: deterministic ties
      if (trial.rmse < best.rmse)
        best = std::move(trial);
    index += round;
    if (options.progress) {
      double elapsed = secondsSince(start);
      char line[160];
      std::snprintf(line, sizeof line,
                    "gradient: %d/%d restarts, best rmse %s, %.1f s elapsed, "
                    "at most %.0f s left",
                    index, options.restarts, formatRmse(best.rmse).c_str(),
                    elapsed,
                    std::min(options.timeLimitSeconds - elapsed,
                             elapsed / index * (options.restarts - index)));
      options.progress(line);
    }
  }

  FitResult result;
  result.method = "gradient";
  result.candidatesTried = index;
  if (best.twiddles.empty()) {
    result.failure = "the time limit allowed no restart to finish an epoch";
    result.rmse = INFINITY;
    result.seconds = secondsSince(start);
    return result;
  }
  polish(frozen(target, options, best.permutations), best.twiddles,
         options.finalPolishSteps);
  BPLayout layout = layoutFor(options, n, BPLayout::Logits::Fixed);
  bool realTwiddles = !options.complexTwiddles;
  ElementType type{target.real && realTwiddles ? Field::Real : Field::Complex,
                   options.precision};
  result.model = toFactorization(layout, best.twiddles, best.permutations, type,
                                 target.real && type.field == Field::Complex);
  result.rmse = rmse(result.model.toDense(), target);
  result.permutation = describe(best.permutations);
  result.seconds = secondsSince(start);
  return result;
}

} // namespace bfly
