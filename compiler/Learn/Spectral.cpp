//===- Spectral.cpp - BPBP models of normal matrices in closed form -------===//
//
// A normal matrix is T = V L V^H with V unitary. When V^H, with its rows in
// a suitable order, is a butterfly after a permutation of the family
// (W = B1 P1), then T W^H = B2 P2 is one too, and T = B2 P2 B1 P1. The
// learner finds that order from the matrix alone: rows i and i + m/2 of a
// butterfly block are parallel on both halves of its columns, level by
// level (docs/method.md, "Spectral BPBP"). Circulant matrices,
// the convolutions, are such matrices.
//
//===----------------------------------------------------------------------===//
#include "compiler/Learn/Fit.h"

#include <Eigen/Eigenvalues>

#include <chrono>
#include <cmath>
#include <random>

namespace bfly {

namespace {

/// The row order that makes `a` (rows free to permute) a butterfly, by
/// pairing rows parallel on every column block, level by level; empty when
/// some row finds no partner.
std::vector<int64_t> butterflyRowOrder(const Eigen::MatrixXcd &a) {
  int64_t n = a.rows();
  std::vector<int64_t> representatives(n);
  for (int64_t i = 0; i < n; ++i)
    representatives[i] = i;
  // partners[level][k]: the partner of representatives[k] at that level.
  std::vector<std::vector<int64_t>> levels, partnersOf;
  for (int64_t blocks = 2; blocks <= n; blocks *= 2) {
    int64_t m = int64_t(representatives.size()), width = n / blocks;
    // Smallest normalized correlation over the column blocks, per pair.
    Eigen::MatrixXd closeness = Eigen::MatrixXd::Constant(m, m, 1.0);
    for (int64_t b = 0; b < blocks; ++b) {
      Eigen::MatrixXcd rows(m, width);
      for (int64_t k = 0; k < m; ++k)
        rows.row(k) = a.row(representatives[k]).segment(b * width, width);
      Eigen::VectorXd norms = rows.rowwise().norm();
      Eigen::MatrixXd gram = (rows * rows.adjoint()).cwiseAbs();
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < m; ++j) {
          double scale = norms(i) * norms(j);
          double c = scale > 0 ? gram(i, j) / scale : 1.0;
          closeness(i, j) = std::min(closeness(i, j), c);
        }
    }
    std::vector<bool> used(m, false);
    std::vector<int64_t> kept, partners;
    for (int64_t i = 0; i < m; ++i) {
      if (used[i])
        continue;
      int64_t best = -1;
      for (int64_t j = i + 1; j < m; ++j)
        if (!used[j] && (best < 0 || closeness(i, j) > closeness(i, best)))
          best = j;
      if (best < 0 || closeness(i, best) < 1.0 - 1e-6)
        return {};
      used[i] = used[best] = true;
      kept.push_back(representatives[i]);
      partners.push_back(representatives[best]);
    }
    levels.push_back(kept);
    partnersOf.push_back(partners);
    representatives = kept;
  }
  // The last level left one representative; unfold: order = [order,
  // partners(order)] at each level going back up.
  std::vector<int64_t> order = representatives;
  for (size_t level = levels.size(); level-- > 0;) {
    std::vector<int64_t> partner(n, -1);
    for (size_t k = 0; k < levels[level].size(); ++k)
      partner[levels[level][k]] = partnersOf[level][k];
    std::vector<int64_t> next = order;
    for (int64_t row : order)
      next.push_back(partner[row]);
    order = std::move(next);
  }
  return order;
}

/// The unitary eigenvectors of a normal matrix, through a random real
/// combination of its commuting Hermitian parts (distinct eigenvalues of T
/// give distinct eigenvalues here, almost surely).
Eigen::MatrixXcd normalEigenvectors(const Eigen::MatrixXcd &t, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  double c1 = normal(rng), c2 = normal(rng);
  Eigen::MatrixXcd hermitian =
      c1 * (t + t.adjoint()) + c2 * Complex(0, 1) * (t - t.adjoint());
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> solver(hermitian);
  return solver.eigenvectors();
}

/// The BP factors of `a` for the best permutation of the family.
FitResult bestBP(const Target &target, const FitOptions &options) {
  FitOptions bp = options;
  bp.modelClass = "bp";
  bp.progress = nullptr;
  // A factor of one candidate: never cut short.
  bp.deadline.reset();
  bp.timeLimitSeconds = INFINITY;
  bp.precision = Precision::F64; // rounded once, at the end
  return fitHierarchical(target, bp);
}
} // namespace

FitResult fitSpectral(const Target &target, const FitOptions &options) {
  auto start = std::chrono::steady_clock::now();
  auto deadline = fitDeadline(options);
  int64_t n = target.size();
  FitResult result;
  result.method = "spectral";
  result.rmse = INFINITY;
  if (std::optional<std::string> problem = targetSizeProblem(n)) {
    result.failure = *problem;
    return result;
  }
  const Eigen::MatrixXcd &t = target.matrix;
  double scale = t.norm();
  double commutator = (t * t.adjoint() - t.adjoint() * t).norm();
  auto finish = [&] {
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    return result;
  };
  if (options.decreasingStride) {
    result.failure = "the spectral method fits increasing strides only";
    return finish();
  }
  if (scale == 0 || commutator > 1e-8 * scale * scale) {
    result.failure = "the matrix is not normal";
    return finish();
  }
  Eigen::MatrixXcd inverseEigenvectors =
      normalEigenvectors(t, options.seed).adjoint();
  result.failure = "no order of its eigenvectors is a butterfly after a "
                   "permutation of the family";
  for (const PermutationChoices &first : PermutationChoices::sharedFamily(n)) {
    if (result.candidatesTried > 0 &&
        std::chrono::steady_clock::now() >= deadline) {
      result.timedOut = true;
      break;
    }
    ++result.candidatesTried;
    std::vector<int64_t> table = first.table(n);
    Eigen::MatrixXcd unpermuted(n, n); // W P1^-1: columns gathered
    for (int64_t i = 0; i < n; ++i)
      unpermuted.col(i) = inverseEigenvectors.col(table[i]);
    std::vector<int64_t> order = butterflyRowOrder(unpermuted);
    if (order.empty())
      continue;
    Eigen::MatrixXcd w(n, n);
    for (int64_t i = 0; i < n; ++i)
      w.row(i) = inverseEigenvectors.row(order[i]);
    // T = (T W^H) W: fit the first factor W as B1 P1, the rest as B2 P2.
    Target firstTarget{"", w, false}, secondTarget{"", t * w.adjoint(), false};
    FitResult inner = bestBP(firstTarget, options);
    FitResult outer = bestBP(secondTarget, options);
    Factorization model;
    model.n = n;
    model.type = {Field::Complex, options.precision};
    model.realInput = model.realOutput = target.real;
    for (const Factor &factor : inner.model.factors)
      model.factors.push_back(factor);
    for (const Factor &factor : outer.model.factors)
      model.factors.push_back(factor);
    model.roundToPrecision();
    double error = rmse(model.toDense(), target);
    if (options.progress)
      options.progress("spectral: permutation " + first.describe() + ", rmse " +
                       formatRmse(error));
    if (error < result.rmse) {
      result.failure.clear();
      result.rmse = error;
      result.model = std::move(model);
      result.permutation = inner.permutation + " | " + outer.permutation;
    }
    if (result.rmse <= options.targetRmse)
      break;
  }
  return finish();
}

} // namespace bfly
