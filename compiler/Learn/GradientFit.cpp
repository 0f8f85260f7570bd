//===- GradientFit.cpp - restarts of the paper's gradient method ----------===//
#include "compiler/Learn/Fit.h"
#include "compiler/Learn/Gradient.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <memory>
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
  int64_t steps = 0;
};

/// The layout of options.modelClass: (BP)^k, or bpp with its extra factor.
BPLayout layoutFor(const FitOptions &options, int64_t n,
                   BPLayout::Logits logits) {
  BPLayout layout(n, options.tied, options.complexTwiddles, logits,
                  options.modelClass == "bpp", modelBlocks(options.modelClass));
  layout.decreasingStride = options.decreasingStride;
  return layout;
}

/// The objective of frozen permutations: only the twiddles move.
BPObjective frozen(const Target &target, const FitOptions &options,
                   const std::vector<PermutationChoices> &permutations) {
  return BPObjective(target,
                     layoutFor(options, target.size(), BPLayout::Logits::Fixed),
                     tablesOf(permutations, target.size()));
}

bool passed(Clock::time_point deadline) { return Clock::now() >= deadline; }

/// L-BFGS on the twiddles until `steps` or the deadline; the RMSE reached.
double polish(const BPObjective &objective, std::vector<double> &twiddles,
              int steps, Clock::time_point deadline) {
  double loss = minimizeLbfgs(
      [&](const std::vector<double> &theta, std::vector<double> *gradient) {
        return objective.evaluate(theta, gradient);
      },
      twiddles, steps, [&] { return passed(deadline); });
  return std::sqrt(loss);
}

/// One random restart: its parameters, optimizer state and best polish.
class Restart {
public:
  Restart(const Target &target, const FitOptions &options, int index)
      : target_(target), options_(options),
        rng_(options.seed * 0x9E3779B97F4A7C15ull + uint64_t(index)),
        layout_(layoutFor(options, target.size(), drawLogits())),
        fixedPermutations_(layout_.blocks, options.permutation),
        objective_(target, layout_,
                   options.learnPermutation
                       ? PermutationTables{}
                       : tablesOf(fixedPermutations_, target.size())) {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    adam_.learningRate =
        options.minLearningRate *
        std::pow(options.maxLearningRate / options.minLearningRate, unit(rng_));
    theta_ = randomParameters(layout_, rng_);
  }

  /// Up to `steps` more Adam steps; every epoch the permutation is rounded
  /// and frozen and a copy of the twiddles polished. Stops early at the
  /// target RMSE, the step limit or the deadline.
  void advance(int steps, Clock::time_point deadline) {
    std::vector<double> gradient;
    for (int k = 0; k < steps && !finished() && !passed(deadline); ++k) {
      objective_.evaluate(theta_, &gradient);
      adam_.step(theta_, gradient);
      ++best_.steps;
      if (best_.steps % options_.epochSteps != 0 &&
          best_.steps != options_.maxSteps)
        continue;
      std::vector<PermutationChoices> permutations =
          options_.learnPermutation ? roundPermutations(layout_, theta_)
                                    : fixedPermutations_;
      std::vector<double> twiddles = twiddlesOnly(layout_, theta_);
      BPObjective frozenObjective = frozen(target_, options_, permutations);
      double rmse =
          polish(frozenObjective, twiddles, options_.polishSteps, deadline);
      // Close to the target: the longer final polish often finishes the
      // job now, which saves every step that would come after.
      if (rmse > options_.targetRmse && rmse < 10 * options_.targetRmse)
        rmse = polish(frozenObjective, twiddles, options_.finalPolishSteps,
                      deadline);
      if (rmse < best_.rmse) {
        best_.rmse = rmse;
        best_.twiddles = std::move(twiddles);
        best_.permutations = permutations;
      }
    }
  }

  bool finished() const {
    return best_.rmse <= options_.targetRmse ||
           best_.steps >= options_.maxSteps;
  }
  const Trial &best() const { return best_; }

private:
  BPLayout::Logits drawLogits() {
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    using Sharing = FitOptions::LogitSharing;
    bool perLevel =
        options_.logitSharing == Sharing::PerLevel ||
        (options_.logitSharing == Sharing::Random && unit(rng_) < 0.5);
    return !options_.learnPermutation ? BPLayout::Logits::Fixed
           : perLevel                 ? BPLayout::Logits::PerLevel
                                      : BPLayout::Logits::Shared;
  }

  const Target &target_;
  const FitOptions &options_;
  std::mt19937_64 rng_;
  BPLayout layout_;
  std::vector<PermutationChoices> fixedPermutations_;
  BPObjective objective_;
  std::vector<double> theta_;
  Adam adam_;
  Trial best_;
};

/// Runs body(k) for k < count on `threads` threads, k = w, w + threads, ...
/// on thread w: the same split for the same thread count.
void parallelFor(size_t count, int threads,
                 const std::function<void(size_t)> &body) {
  std::vector<std::thread> workers;
  for (int w = 0; w < threads; ++w)
    workers.emplace_back([&, w] {
      for (size_t k = size_t(w); k < count; k += size_t(threads))
        body(k);
    });
  for (std::thread &worker : workers)
    worker.join();
}
} // namespace

FitResult fitGradient(const Target &target, const FitOptions &options) {
  auto start = Clock::now();
  Clock::time_point deadline = fitDeadline(options);
  int64_t n = target.size();
  FitResult result;
  result.method = "gradient";
  if (std::optional<std::string> problem = targetSizeProblem(n)) {
    result.failure = *problem;
    result.rmse = INFINITY;
    return result;
  }
  int threads = std::max(1, options.threads);
  // Successive halving (the paper ran Hyperband): every restart of a
  // bracket gets one epoch, the best third three times as many steps, and
  // so on. A bracket that ends short of the target leaves its time to a new
  // bracket of fresh restarts.
  Trial best;
  int rung = 0, brackets = 0;
  while (best.rmse > options.targetRmse && !passed(deadline)) {
    std::vector<std::unique_ptr<Restart>> alive;
    for (int i = 0; i < options.restarts; ++i)
      alive.push_back(std::make_unique<Restart>(
          target, options, brackets * options.restarts + i));
    ++brackets;
    int steps = options.epochSteps;
    while (!alive.empty()) {
      parallelFor(alive.size(), threads,
                  [&](size_t k) { alive[k]->advance(steps, deadline); });
      for (const auto &restart : alive) // restart order: deterministic ties
        if (restart->best().rmse < best.rmse)
          best = restart->best();
      ++rung;
      if (options.progress) {
        char line[160];
        std::snprintf(
            line, sizeof line,
            "gradient: bracket %d rung %d, %zu restarts ran %lld "
            "steps, best rmse %s, %.1f s elapsed, at most %.0f s "
            "left",
            brackets, rung, alive.size(),
            (long long)alive.front()->best().steps,
            formatRmse(best.rmse).c_str(), secondsSince(start),
            std::max(0.0, std::chrono::duration<double>(deadline - Clock::now())
                              .count()));
        options.progress(line);
      }
      if (best.rmse <= options.targetRmse || passed(deadline))
        break;
      std::stable_sort(alive.begin(), alive.end(),
                       [](const auto &a, const auto &b) {
                         return a->best().rmse < b->best().rmse;
                       });
      alive.resize((alive.size() + 2) / 3);
      alive.erase(std::remove_if(alive.begin(), alive.end(),
                                 [](const auto &r) { return r->finished(); }),
                  alive.end());
      steps *= 3;
    }
    // The final polish, tried on the best so far at the end of each
    // bracket: it often finishes a near miss that another bracket would
    // spend its whole time on.
    if (best.rmse > options.targetRmse && !best.twiddles.empty()) {
      Trial polished = best;
      polished.rmse =
          polish(frozen(target, options, polished.permutations),
                 polished.twiddles, options.finalPolishSteps, deadline);
      if (polished.rmse < best.rmse)
        best = std::move(polished);
    }
    if (!options.repeatBrackets)
      break;
  }

  result.candidatesTried = brackets * options.restarts;
  result.timedOut = best.rmse > options.targetRmse && passed(deadline);
  if (best.twiddles.empty()) {
    result.failure = "the time limit allowed no restart to finish an epoch";
    result.rmse = INFINITY;
    result.seconds = secondsSince(start);
    return result;
  }
  polish(frozen(target, options, best.permutations), best.twiddles,
         options.finalPolishSteps, deadline);
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
