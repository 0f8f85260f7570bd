//===- Fit.h - fitting a butterfly model to a target matrix -----*- C++ -*-===//
//
// The learner's entry points. Every method sees only the target matrix (and
// whether it is real): never its name.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_LEARN_FIT_H
#define BFLY_COMPILER_LEARN_FIT_H

#include "compiler/Learn/Factorization.h"
#include "compiler/Learn/PermutationFamily.h"
#include "compiler/Learn/Targets.h"

#include <functional>
#include <string>

namespace bfly {

struct FitOptions {
  /// The model class; "bp" (butterfly after a learned permutation) for now.
  std::string modelClass = "bp";
  /// The precision the model is stored and reported in.
  Precision precision = Precision::F32;
  /// Stop searching once the RMSE is at most this.
  double targetRmse = 1e-4;
  uint64_t seed = 0;
  /// Called with a line of progress (candidate tried, best so far).
  std::function<void(const std::string &)> progress;
};

struct FitResult {
  Factorization model;
  double rmse = 0;         ///< of the stored model, in its precision
  double seconds = 0;      ///< wall-clock time of the fit
  std::string method;      ///< which method produced the model
  std::string permutation; ///< PermutationChoices::describe() of the winner
  int candidatesTried = 0;
};

/// An RMSE as reports print it: "2.49e-09".
std::string formatRmse(double rmse);

/// Untied butterfly stages, strides 1, 2, ..., n/2 in the order they are
/// applied, whose product approximates `a` (n x n): the outermost factor is
/// peeled off first, each 2x2 twiddle and row of the rest from a rank-one
/// approximation of a 2 x m block. Exact when `a` is a butterfly.
std::vector<Stage> factorButterfly(const Eigen::MatrixXcd &a);

/// The closed-form method: for each permutation of the shared-logit family,
/// factor T P^-1 hierarchically; keep the best. Fitted in double precision,
/// then rounded to options.precision (the RMSE reported is after rounding).
FitResult fitHierarchical(const Target &target, const FitOptions &options);

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_FIT_H
