//===- Fit.h - fitting a butterfly model to a target matrix -----*- C++ -*-===//
//
// The learner's entry points. Every method sees only the target matrix (and
// whether it is real): never its name.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_LEARN_FIT_H
#define BFLY_COMPILER_LEARN_FIT_H

#include "compiler/Learn/PermutationFamily.h"
#include "compiler/Model/Factorization.h"
#include "compiler/Model/Targets.h"

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bfly {

/// The BP blocks of a model class: "bp" (a butterfly after a learned
/// permutation) and "bpp" (an extra size-n permutation factor applied
/// first) have one, "bpbp" two, "bp" repeated k <= 8 times, (BP)^k, k; 0
/// for anything else ("auto" included: it names no one class).
int modelBlocks(const std::string &modelClass);

/// The classes "auto" tries, cheapest first, each in both stride orders.
inline constexpr const char *kAutoModelClasses[] = {"bp", "bpp", "bpbp"};

struct FitOptions {
  /// The model class (see modelBlocks), or "auto": fitAuto tries the closed
  /// forms of bp, bpp and bpbp in both stride orders and keeps the first
  /// (cheapest) that recovers the target; fit() with another method takes
  /// it as that method's class (bpbp for the spectral one, else bp). The closed
  /// forms fit (BP)^k's first BP block, the others the identity; the spectral
  /// method BPBP.
  std::string modelClass = "bp";
  /// The precision the model is stored and reported in.
  Precision precision = Precision::F32;
  /// Stop searching once the RMSE is at most this.
  double targetRmse = 1e-4;
  uint64_t seed = 0;
  /// Called with a line of progress (candidate tried, best so far).
  std::function<void(const std::string &)> progress;

  // The gradient method (the paper's).
  int restarts = 32; ///< random restarts in all
  int threads = 2;   ///< trials run concurrently, in rounds
  double timeLimitSeconds = 120;
  int maxSteps = 30000; ///< Adam steps per restart, at most
  int epochSteps = 100; ///< round, freeze and polish this often
  int polishSteps = 15; ///< L-BFGS steps of each periodic polish
  int finalPolishSteps = 50;
  double minLearningRate = 1e-3, maxLearningRate = 1e-1; ///< log-uniform
  bool learnPermutation = true;   ///< relaxed logits; else `permutation`
  PermutationChoices permutation; ///< the fixed one (empty: identity)
  /// Logits shared by all levels, per level, or drawn per trial as in the
  /// paper.
  enum class LogitSharing {
    Shared,
    PerLevel,
    Random
  } logitSharing = LogitSharing::Random;
  bool tied = false;
  bool complexTwiddles = true;
  /// Each butterfly's stages applied stride n/2 first (decimation in
  /// frequency) rather than stride 1 first. The spectral method fits
  /// increasing strides only.
  bool decreasingStride = false;
  /// "auto": try both stride orders (else only decreasingStride's).
  bool eitherStride = true;
  /// Start a new bracket of restarts while time is left and the target is
  /// not reached (off: one bracket, a time-independent result).
  bool repeatBrackets = true;
  /// The wall-clock end of the fit: timeLimitSeconds after a method starts
  /// unless set (fitAuto sets it once for everything it runs). Every method
  /// stops there with the best model so far; only one closed-form
  /// factorization already under way (a few seconds at n = 1024) finishes.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// fitAuto: whether the gradient method may run when the closed forms
  /// fall short.
  bool allowGradient = true;
  /// fitAuto: when the closed forms of modelClass miss, try those of the
  /// other classes (bp, bpp, bpbp) and name one that recovers the target.
  bool suggestModels = true;
};

struct FitResult {
  Factorization model;
  double rmse = 0;         ///< of the stored model, in its precision
  double seconds = 0;      ///< wall-clock time of the fit
  std::string method;      ///< which method produced the model
  std::string permutation; ///< PermutationChoices::describe() of the winner
  int candidatesTried = 0; ///< permutations (hierarchical) or trials
  /// Why a method produced no model at all (the model is then empty).
  std::string failure;
  /// The deadline stopped the fit before it was done.
  bool timedOut = false;
  /// What the user should know, e.g. another model class that recovers
  /// the target in closed form, or what "auto" tried.
  std::vector<std::string> notes;
  /// The class and stride order of the model (the one "auto" chose).
  std::string modelClass;
  bool decreasingStride = false;
};

/// The time a fit may run: options.deadline, or timeLimitSeconds from now.
std::chrono::steady_clock::time_point fitDeadline(const FitOptions &options);

/// An RMSE as reports print it: "2.49e-09".
std::string formatRmse(double rmse);

/// Untied butterfly stages, strides 1, 2, ..., n/2 in the order they are
/// applied, whose product approximates `a` (n x n): the outermost factor is
/// peeled off first, each 2x2 twiddle and row of the rest from a rank-one
/// approximation of a 2 x m block. Exact when `a` is a butterfly.
std::vector<Stage> factorButterfly(const Eigen::MatrixXcd &a);

/// The stages of `factorButterfly(a^T)` made those of `a`: their order
/// reversed (strides n/2, ..., 1) and every 2x2 twiddle transposed.
std::vector<Stage> transposeStages(std::vector<Stage> stages);

/// A complex matrix M in factorButterfly's orientation with Re(M) = t,
/// which is a butterfly whenever some butterfly has real part t (the real
/// targets of complex models). Closed form, O(n^2 log n); RealPartLift.cpp
/// explains how. When no butterfly fits, M is an approximation.
Eigen::MatrixXcd liftRealPart(const Eigen::MatrixXd &t);

/// The closed-form method: for each permutation of the shared-logit family,
/// factor T P^-1 hierarchically; keep the best. Fitted in double precision,
/// then rounded to options.precision (the RMSE reported is after rounding).
FitResult fitHierarchical(const Target &target, const FitOptions &options);

/// BPBP in closed form for a normal matrix T = V L V^H (convolutions are):
/// orders the rows of V^H into a butterfly after a family permutation,
/// W = B1 P1, and factors T W^H = B2 P2 by the closed form. Reports
/// (infinite RMSE) when T is not normal or no order is found.
FitResult fitSpectral(const Target &target, const FitOptions &options);

/// The paper's method: random restarts of Adam on a BP model (relaxed,
/// learned permutation or a fixed one), rounding, freezing and polishing
/// the permutation with L-BFGS every epoch, stopping all restarts at the
/// target RMSE; the best is polished once more. Deterministic for a given
/// seed and thread count (trials run in rounds of `threads`), unless the
/// time limit cuts a round short.
FitResult fitGradient(const Target &target, const FitOptions &options);

/// The fastest route first: the spectral closed form for bpbp, the
/// hierarchical one for every class (bpbp: its BP part); if they fall short
/// of the target RMSE, the closed forms of the other classes (named in the
/// notes when one recovers the target), then the gradient method if it is
/// allowed. With modelClass "auto", the closed forms of every class in
/// kAutoModelClasses, cheapest first and in both stride orders, until one
/// recovers the target (each tried is a note), then the gradient method on
/// bp. The best result is kept; its time is that of every route tried, and
/// all of them share one deadline.
FitResult fitAuto(const Target &target, const FitOptions &options);

/// The methods a caller asks for by name: fitAuto and the three above.
enum class FitMethod { Auto, Hierarchical, Spectral, Gradient };

/// "auto", "hierarchical", "spectral" or "gradient".
std::optional<FitMethod> parseFitMethod(const std::string &name);

/// Why `method` cannot fit with `options` (an unknown model class, the
/// spectral method asked for something but increasing-stride bpbp), or
/// nullopt. bfly-learn and the Python package ask this before fitting.
std::optional<std::string> fitRequestProblem(FitMethod method,
                                             const FitOptions &options);

/// Runs `method` ("auto" as the class of another method is bpbp for the
/// spectral method, bp for the others).
FitResult fit(FitMethod method, const Target &target,
              const FitOptions &options);

/// A learned model's provenance: `target` as the caller names it, the size,
/// model class, method, permutation, precision, RMSE, seed, time, stride
/// order and `tool`.
std::map<std::string, std::string>
fitProvenance(const FitResult &result, const FitOptions &options,
              const std::string &target, int64_t n, const std::string &tool);

/// How the caller names the two knobs a missed fit is explained with.
struct FitKnobNames {
  std::string targetRmse, timeLimit;
};

/// "not recovered: rmse ... is above <targetRmse> ...": what a fit that
/// missed options.targetRmse tells the user (the target's RMS, the
/// relative error, and whether the time limit stopped it).
std::string notRecoveredReason(const FitResult &result, const Target &target,
                               const FitOptions &options,
                               const FitKnobNames &knobs);

} // namespace bfly

#endif // BFLY_COMPILER_LEARN_FIT_H
