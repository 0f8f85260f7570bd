//===- Gradient.h - the paper's gradient method, piece by piece -*- C++ -*-===//
//
// The loss of a BP model against a target and its analytic gradient, with
// the permutation either fixed or relaxed as in the paper (each choice a
// mix (1 - p) x + p Perm(x), p = sigmoid(logit)); Adam and L-BFGS over a
// flat parameter vector. fitGradient (Fit.h) runs restarts of these.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_LEARN_GRADIENT_H
#define BFLY_COMPILER_LEARN_GRADIENT_H

#include "compiler/Learn/PermutationFamily.h"
#include "compiler/Learn/Targets.h"

#include <functional>
#include <random>
#include <vector>

namespace bfly {

/// How a BP model's parameters are laid out in one vector of doubles:
/// stage twiddles (stride 1 first; (re, im) pairs for complex twiddles),
/// then the permutation logits (none when the permutation is fixed).
struct BPLayout {
  enum class Logits { Fixed, Shared, PerLevel };

  int64_t n = 0;
  bool tied = false;
  bool complexTwiddles = true;
  Logits logits = Logits::Shared;

  /// BPP: an extra size-n permutation factor applied before P.
  bool extraPermutation = false;

  BPLayout(int64_t n, bool tied, bool complexTwiddles, Logits logits,
           bool extraPermutation = false);
  int stages() const { return log2Exact(n); }
  int levels() const { return stages() - 1; } ///< block sizes n .. 4
  int64_t matrices(int stage) const;          ///< 2x2 matrices of a stage
  int64_t stageOffset(int stage) const { return stageOffsets[stage]; }
  int64_t logitOffset() const { return stageOffsets.back(); }
  int64_t logitCount() const;
  int64_t size() const { return logitOffset() + logitCount(); }
  /// The logit of `choice` (0 even/odd, 1 first half, 2 second half) at a
  /// level; level -1 is the extra factor of a BPP model.
  int64_t logitIndex(int level, int choice) const;

  std::vector<int64_t> stageOffsets; ///< stages() + 1 entries
};

/// The MSE of a BP model against a target (the paper's loss: RMSE^2) and its
/// gradient. With a fixed permutation only the twiddles are parameters.
class BPObjective {
public:
  BPObjective(const Target &target, BPLayout layout,
              const std::vector<int64_t> &fixedPermutation = {});

  /// The loss at `theta`; the gradient too when `gradient` is not null.
  double evaluate(const std::vector<double> &theta,
                  std::vector<double> *gradient) const;

  const BPLayout &layout() const { return layout_; }

private:
  using Rows =
      Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Complex twiddle(const std::vector<double> &theta, int stage, int64_t matrix,
                  int entry) const;

  const Target &target_;
  BPLayout layout_;
  std::vector<int64_t> fixedPermutation_;
  /// The relaxed permutation layers in order: level, choice, gather table.
  struct Layer {
    int level, choice;
    std::vector<int64_t> gather;
  };
  std::vector<Layer> layers_;
};

/// Random twiddles with E|t|^2 = 1/2 (unitary-sized 2x2 blocks) and small
/// random logits.
std::vector<double> randomParameters(const BPLayout &layout,
                                     std::mt19937_64 &rng);

/// The permutation the logits round to (a choice is kept when its logit is
/// at least 0).
PermutationChoices roundPermutation(const BPLayout &layout,
                                    const std::vector<double> &theta);

/// The parameters' model: permutation factors, then the stages.
Factorization toFactorization(const BPLayout &layout,
                              const std::vector<double> &theta,
                              const PermutationChoices &permutation,
                              ElementType type, bool realIO);

/// Twiddles of a fixed-permutation layout from those of a relaxed one.
std::vector<double> twiddlesOnly(const BPLayout &layout,
                                 const std::vector<double> &theta);

/// Adam on f; stops after `steps` or when `stop` says so (checked with the
/// loss every step). Returns the last loss.
struct Adam {
  double learningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  std::vector<double> m, v;
  int64_t t = 0;

  void step(std::vector<double> &theta, const std::vector<double> &gradient);
};

/// L-BFGS (memory 10, backtracking Armijo line search): at most `steps`
/// iterations; returns the final loss.
double minimizeLbfgs(const std::function<double(const std::vector<double> &,
                                                std::vector<double> *)> &f,
                     std::vector<double> &theta, int steps);

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_GRADIENT_H
