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
#include "compiler/Model/ButterflyChain.h"
#include "compiler/Model/Targets.h"

#include <functional>
#include <random>
#include <vector>

namespace bfly {

/// How a (BP)^k model's parameters are laid out in one vector of doubles:
/// the stage twiddles of every block (block 0, applied first, first; stride
/// 1 first; (re, im) pairs for complex twiddles), then the permutation
/// logits of every block, then those of BPP's extra factor.
struct BPLayout {
  enum class Logits { Fixed, Shared, PerLevel };

  int64_t n = 0;
  bool tied = false;
  bool complexTwiddles = true;
  Logits logits = Logits::Shared;
  /// BPP: an extra size-n permutation factor applied before block 0's P.
  bool extraPermutation = false;
  /// k: 1 for BP and BPP, 2 for BPBP.
  int blocks = 1;
  /// Each block's stages applied stride n/2 first instead of stride 1.
  bool decreasingStride = false;

  BPLayout(int64_t n, bool tied, bool complexTwiddles, Logits logits,
           bool extraPermutation = false, int blocks = 1);
  int stages() const { return log2Exact(n); }
  /// log2 of each stage's stride, in the order a block applies them.
  std::vector<int> stageOrder() const;
  int levels() const { return stages() - 1; } ///< block sizes n .. 4
  int64_t matrices(int stage) const;          ///< 2x2 matrices of a stage
  int64_t stageOffset(int block, int stage) const {
    return stageOffsets[block * stages() + stage];
  }
  int64_t logitOffset() const { return stageOffsets.back(); }
  int64_t logitsPerBlock() const;
  int64_t logitCount() const;
  int64_t size() const { return logitOffset() + logitCount(); }
  /// The logit of `choice` (0 even/odd, 1 first half, 2 second half) at a
  /// level of a block's P; level -1 is BPP's extra factor.
  int64_t logitIndex(int block, int level, int choice) const;

  std::vector<int64_t> stageOffsets; ///< blocks * stages() + 1 entries
};

/// One fixed permutation per block (an empty table is the identity).
using PermutationTables = std::vector<std::vector<int64_t>>;

/// The MSE of a (BP)^k model against a target (the paper's loss: RMSE^2)
/// and its gradient: the layout's ButterflyChain applied to the identity.
/// With fixed permutations only the twiddles move. It keeps its work
/// buffers between calls: one objective per thread.
class BPObjective {
public:
  BPObjective(const Target &target, BPLayout layout,
              PermutationTables fixedPermutations = {});

  /// The loss at `theta`; the gradient too when `gradient` is not null.
  double evaluate(const std::vector<double> &theta,
                  std::vector<double> *gradient) const;

  const BPLayout &layout() const { return layout_; }

private:
  BPLayout layout_;
  /// The target as planes of real and imaginary parts, rows first.
  RowMatrix<double> targetRe_, targetIm_;
  bool realTarget_;
  mutable ButterflyChain<double> chain_;
};

/// Random twiddles with E|t|^2 = 1/2 (unitary-sized 2x2 blocks) and small
/// random logits.
std::vector<double> randomParameters(const BPLayout &layout,
                                     std::mt19937_64 &rng);

/// The permutation of each block that the logits round to (a choice is
/// kept when its logit is at least 0).
std::vector<PermutationChoices>
roundPermutations(const BPLayout &layout, const std::vector<double> &theta);

/// The gather tables of chosen permutations, one per block.
PermutationTables tablesOf(const std::vector<PermutationChoices> &choices,
                           int64_t n);

/// "p1 | p2": the permutations of a (BP)^k model.
std::string describe(const std::vector<PermutationChoices> &choices);

/// The parameters' model: for each block, its permutation factors, then its
/// stages.
Factorization
toFactorization(const BPLayout &layout, const std::vector<double> &theta,
                const std::vector<PermutationChoices> &permutations,
                ElementType type, bool realIO);

/// The twiddles of `theta`: the parameters of the same model with its
/// permutations fixed.
std::vector<double> twiddlesOnly(const BPLayout &layout,
                                 const std::vector<double> &theta);

/// Adam (Kingma and Ba): one step per call, bias-corrected moments.
struct Adam {
  double learningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  std::vector<double> m, v;
  int64_t t = 0;

  void step(std::vector<double> &theta, const std::vector<double> &gradient);
};

/// L-BFGS (memory 10, backtracking Armijo line search): at most `steps`
/// iterations, fewer when `stop` (checked before every evaluation) says
/// so; returns the final loss.
double minimizeLbfgs(const std::function<double(const std::vector<double> &,
                                                std::vector<double> *)> &f,
                     std::vector<double> &theta, int steps,
                     const std::function<bool()> &stop = {});

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_GRADIENT_H
