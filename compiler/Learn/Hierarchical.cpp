//===- Hierarchical.cpp - closed-form hierarchical butterfly factorization ===//
//
// After Zheng, Riccietti and Gribonval (arXiv 2110.01230) and Le et al.:
// with the permutation fixed, a butterfly's outermost factor and the
// block-diagonal rest are determined by rank-one approximations of 2 x m
// blocks, and the rest is factored the same way, level by level. O(n^2).
//
//===----------------------------------------------------------------------===//
#include "compiler/Learn/Fit.h"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace bfly {

namespace {

/// The best rank-one approximation u v of the 2 x m matrix with rows x0, x1:
/// u is the top eigenvector of the 2x2 Gram matrix (unit norm), v = u^H X.
void rankOne(const Eigen::RowVectorXcd &x0, const Eigen::RowVectorXcd &x1,
             Complex u[2], Eigen::RowVectorXcd &v) {
  double a = x0.squaredNorm(), c = x1.squaredNorm();
  // The Gram matrix X X^H = [a b; conj(b) c], b = sum x0 conj(x1) (Eigen's
  // dot conjugates its left side).
  Complex b = x1.dot(x0);
  double lambda = 0.5 * (a + c) + std::hypot(0.5 * (a - c), std::abs(b));
  Complex e0, e1;
  if (std::abs(b) > 0) {
    e0 = b;
    e1 = lambda - a;
  } else {
    e0 = a >= c ? 1.0 : 0.0;
    e1 = a >= c ? 0.0 : 1.0;
  }
  double norm = std::sqrt(std::norm(e0) + std::norm(e1));
  u[0] = e0 / norm;
  u[1] = e1 / norm;
  v = std::conj(u[0]) * x0 + std::conj(u[1]) * x1;
}
} // namespace

std::string formatRmse(double rmse) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", rmse);
  return text;
}

std::vector<Stage> factorButterfly(const Eigen::MatrixXcd &a) {
  int64_t n = a.rows();
  int levels = log2Exact(n);
  std::vector<Stage> stages(levels);
  // blocks[b] is the part of the remaining product acting on elements
  // [b * size, (b + 1) * size): the rest is block diagonal.
  std::vector<Eigen::MatrixXcd> blocks = {a};
  for (int64_t size = n; size >= 2; size /= 2) {
    int64_t h = size / 2;
    Stage &stage = stages[log2Exact(h)];
    stage.stride = h;
    stage.twiddles.assign(2 * n, Complex(0));
    std::vector<Eigen::MatrixXcd> next;
    for (size_t b = 0; b < blocks.size(); ++b) {
      const Eigen::MatrixXcd &m = blocks[b];
      Eigen::MatrixXcd left(h, h), right(h, h);
      for (int64_t i = 0; i < h; ++i) {
        Complex uLeft[2], uRight[2];
        Eigen::RowVectorXcd vLeft, vRight;
        rankOne(m.row(i).head(h), m.row(i + h).head(h), uLeft, vLeft);
        rankOne(m.row(i).tail(h), m.row(i + h).tail(h), uRight, vRight);
        left.row(i) = vLeft;
        right.row(i) = vRight;
        // Pair (b * size + i, b * size + i + h) is pair b * h + i.
        Complex *t = &stage.twiddles[4 * (int64_t(b) * h + i)];
        t[0] = uLeft[0];
        t[1] = uRight[0];
        t[2] = uLeft[1];
        t[3] = uRight[1];
      }
      next.push_back(std::move(left));
      next.push_back(std::move(right));
    }
    blocks = std::move(next);
  }
  // The 1x1 blocks left over are scalars: fold them into the first stage's
  // columns (the first stage reads element j through its column j % 2).
  Stage &first = stages[0];
  for (int64_t pair = 0; pair < n / 2; ++pair) {
    Complex *t = &first.twiddles[4 * pair];
    Complex top = blocks[2 * pair](0, 0), bottom = blocks[2 * pair + 1](0, 0);
    t[0] *= top;
    t[2] *= top;
    t[1] *= bottom;
    t[3] *= bottom;
  }
  return stages;
}

FitResult fitHierarchical(const Target &target, const FitOptions &options) {
  // A BP model is a BPBP whose second butterfly and permutation are the
  // identity: for bpbp the closed form fits that BP part.
  auto start = std::chrono::steady_clock::now();
  int64_t n = target.size();
  FitResult best;
  best.rmse = INFINITY;
  best.method = "hierarchical";
  // BPP models also search the extra size-n factor's 8 choices.
  std::vector<PermutationChoices> candidates;
  for (const PermutationChoices &shared : PermutationChoices::sharedFamily(n)) {
    if (options.modelClass != "bpp") {
      candidates.push_back(shared);
      continue;
    }
    for (int bits = 0; bits < 8; ++bits) {
      PermutationChoices withExtra = shared;
      withExtra.extra =
          LevelChoices{bool(bits & 1), bool(bits & 2), bool(bits & 4)};
      candidates.push_back(withExtra);
    }
  }
  for (const PermutationChoices &choices : candidates) {
    // T = B P, so B = T P^-1: column i of B is column table[i] of T.
    std::vector<int64_t> table = choices.table(n);
    Eigen::MatrixXcd unpermuted(n, n);
    for (int64_t i = 0; i < n; ++i)
      unpermuted.col(i) = target.matrix.col(table[i]);
    std::vector<Stage> stages = factorButterfly(unpermuted);

    Factorization model;
    model.n = n;
    bool realTwiddles = true;
    for (const Stage &stage : stages)
      for (Complex t : stage.twiddles)
        realTwiddles &= t.imag() == 0.0;
    // A real target with real twiddles gets a real model; otherwise a
    // complex model of a real target reads real input, returns Re(y).
    model.type = {target.real && realTwiddles ? Field::Real : Field::Complex,
                  options.precision};
    model.realInput = model.realOutput =
        target.real && model.type.field == Field::Complex;
    for (Permutation &perm : choices.factors(n))
      model.factors.push_back(perm);
    for (Stage &stage : stages)
      model.factors.push_back(std::move(stage));
    model.roundToPrecision();
    double error = rmse(model.toDense(), target);
    ++best.candidatesTried;
    if (options.progress)
      options.progress("hierarchical: permutation " + choices.describe() +
                       ", rmse " + formatRmse(error));
    if (error < best.rmse) {
      best.rmse = error;
      best.model = std::move(model);
      best.permutation = choices.describe();
    }
    if (best.rmse <= options.targetRmse)
      break;
  }
  best.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return best;
}

} // namespace bfly
