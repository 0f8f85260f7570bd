//===- Hierarchical.cpp - closed-form hierarchical butterfly factorization ===//
//
// After Zheng, Riccietti and Gribonval (arXiv 2110.01230) and Le et al.:
// with the permutation fixed, a butterfly's outermost factor and the
// block-diagonal rest are determined by rank-one approximations of 2 x m
// blocks, and the rest is factored the same way, level by level. O(n^2).
//
//===----------------------------------------------------------------------===//
#include "compiler/Learn/Fit.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>

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
/// The model B P: `choices`' permutation factors, then `stages`, rounded
/// to `precision`. A real target with real twiddles gets a real model;
/// otherwise a complex model of a real target reads real input, returns
/// Re(y).
Factorization modelOf(std::vector<Stage> stages,
                      const PermutationChoices &choices, const Target &target,
                      Precision precision) {
  Factorization model;
  model.n = target.size();
  bool realTwiddles = true;
  for (const Stage &stage : stages)
    for (Complex t : stage.twiddles)
      realTwiddles &= t.imag() == 0.0;
  model.type = {target.real && realTwiddles ? Field::Real : Field::Complex,
                precision};
  model.realInput = model.realOutput =
      target.real && model.type.field == Field::Complex;
  for (Permutation &perm : choices.factors(model.n))
    model.factors.push_back(perm);
  for (Stage &stage : stages)
    model.factors.push_back(std::move(stage));
  model.roundToPrecision();
  return model;
}

/// Lower bounds on the RMSE against `a` of any butterfly B (any twiddles)
/// of `a`'s field, [0], and when `a` is real of Re(B) for a complex B, [1]:
/// B's blocks of four rows {k + j n/4} and n/4 consecutive columns have
/// rank one (their real parts rank two), so each block's energy beyond that
/// rank is error that no B avoids (Eckart-Young); the blocks partition the
/// matrix.
std::array<double, 2> levelTwoBounds(const Target &a) {
  int64_t n = a.size(), q = n / 4;
  if (n < 8)
    return {0, 0};
  double excess[2] = {0, 0};
  for (int64_t k = 0; k < q; ++k)
    for (int64_t c = 0; c < 4; ++c) {
      Eigen::MatrixXcd block(4, q);
      for (int j = 0; j < 4; ++j)
        block.row(j) = a.matrix.row(k + j * q).segment(c * q, q);
      Eigen::Vector4d energies;
      if (a.real) {
        Eigen::Matrix4d gram = block.real() * block.real().transpose();
        energies = Eigen::SelfAdjointEigenSolver<Eigen::Matrix4d>(
                       gram, Eigen::EigenvaluesOnly)
                       .eigenvalues();
      } else {
        Eigen::Matrix4cd gram = block * block.adjoint();
        energies = Eigen::SelfAdjointEigenSolver<Eigen::Matrix4cd>(
                       gram, Eigen::EigenvaluesOnly)
                       .eigenvalues();
      }
      // Ascending: all but the largest one (two) are beyond reach. The
      // Gram matrix's eigenvalues are only known to about eps times its
      // trace: subtract that, so an exact butterfly gets a bound of 0.
      double noise =
          64 * std::numeric_limits<double>::epsilon() * energies.sum();
      for (int rank = 1; rank <= 2; ++rank)
        for (int j = 0; j < 4 - rank; ++j)
          excess[rank - 1] += std::max(energies(j) - noise, 0.0);
    }
  double entries = double(n) * double(n) * (a.real ? 1.0 : 2.0);
  return {std::sqrt(excess[0] / entries), std::sqrt(excess[1] / entries)};
}

/// The product of `model`'s stages alone, its permutations left out,
/// applied in place to the identity's rows.
Eigen::MatrixXcd stageProduct(const Factorization &model) {
  using RowMajor =
      Eigen::Matrix<Complex, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  int64_t n = model.n;
  RowMajor x = RowMajor::Identity(n, n);
  Eigen::RowVectorXcd top(n);
  for (const Factor &factor : model.factors) {
    const Stage *stage = std::get_if<Stage>(&factor);
    if (!stage)
      continue;
    int64_t s = stage->stride;
    for (int64_t pair = 0; pair < n / 2; ++pair) {
      auto [i, j] = stagePair(pair, s);
      const Complex *t = stage->matrixForPair(pair);
      top = x.row(i);
      x.row(i) = t[0] * top + t[1] * x.row(j);
      x.row(j) = t[2] * top + t[3] * x.row(j);
    }
  }
  Eigen::MatrixXcd product = x;
  if (model.realOutput)
    product = product.real().cast<Complex>();
  return product;
}
} // namespace

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

std::vector<Stage> transposeStages(std::vector<Stage> stages) {
  std::reverse(stages.begin(), stages.end());
  for (Stage &stage : stages)
    for (size_t m = 0; m < stage.twiddles.size(); m += 4)
      std::swap(stage.twiddles[m + 1], stage.twiddles[m + 2]);
  return stages;
}

FitResult fitHierarchical(const Target &target, const FitOptions &options) {
  // A BP model is a BPBP whose second butterfly and permutation are the
  // identity: for bpbp the closed form fits that BP part.
  auto start = std::chrono::steady_clock::now();
  auto deadline = fitDeadline(options);
  int64_t n = target.size();
  FitResult best;
  best.rmse = INFINITY;
  best.method = "hierarchical";
  if (std::optional<std::string> problem = targetSizeProblem(n)) {
    best.failure = *problem;
    return best;
  }
  if (!target.real && !options.complexTwiddles) {
    best.failure = "the closed forms fit a complex target with complex "
                   "twiddles only";
    return best;
  }
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
  // A route is a permutation and a way to factor T P^-1: directly, or
  // (a real target, a complex model) through the lift of its real part.
  struct Route {
    const PermutationChoices *choices;
    bool lift;
    double bound; ///< no model of this route has a smaller RMSE
    bool tried = false;
  };
  bool mayLift = target.real && options.complexTwiddles;
  std::vector<Route> routes;
  Target unpermuted = target;
  // With decreasing strides, B^T is a butterfly of factorButterfly's
  // orientation: everything below works on it.
  bool transposed = options.decreasingStride;
  auto unpermute = [&](const PermutationChoices &choices) {
    // T = B P, so B = T P^-1: column i of B is column table[i] of T.
    std::vector<int64_t> table = choices.table(n);
    for (int64_t i = 0; i < n; ++i)
      unpermuted.matrix.col(i) = target.matrix.col(table[i]);
    if (transposed)
      unpermuted.matrix.transposeInPlace();
  };
  for (const PermutationChoices &choices : candidates) {
    // Bounding all 64 BPP candidates takes about a second at n = 1024: the
    // deadline may leave only some of them (always at least one).
    if (!routes.empty() && std::chrono::steady_clock::now() >= deadline) {
      best.timedOut = true;
      break;
    }
    unpermute(choices);
    std::array<double, 2> bounds = levelTwoBounds(unpermuted);
    routes.push_back({&choices, false, bounds[0]});
    if (mayLift)
      routes.push_back({&choices, true, bounds[1]});
  }
  // Candidates are compared by a quick in-place product of their stages
  // against T P^-1 (the same RMSE: permuting columns keeps it); the winner's
  // RMSE is then measured on its whole dense matrix.
  auto tryRoute = [&](Route &route) {
    route.tried = true;
    unpermute(*route.choices);
    const char *method = route.lift ? "lift" : "hierarchical";
    std::vector<Stage> stages =
        factorButterfly(route.lift ? liftRealPart(unpermuted.matrix.real())
                                   : unpermuted.matrix);
    if (transposed)
      stages = transposeStages(std::move(stages));
    Factorization model =
        modelOf(std::move(stages), *route.choices, target, options.precision);
    if (transposed)
      unpermuted.matrix.transposeInPlace();
    double error = rmse(stageProduct(model), unpermuted);
    ++best.candidatesTried;
    if (options.progress)
      options.progress(std::string(method) + ": permutation " +
                       route.choices->describe() + ", rmse " +
                       formatRmse(error) + " (at least " +
                       formatRmse(route.bound) + ")");
    if (error < best.rmse) {
      best.rmse = error;
      best.model = std::move(model);
      best.permutation = route.choices->describe();
      best.method = method;
    }
  };
  // First the routes that may reach the target, in the family's order;
  // then, if none did, the rest from the most promising bound, to report
  // the best approximation. Past the deadline, once one route gave a model,
  // no more are tried.
  auto timeLeft = [&] {
    if (best.candidatesTried == 0 ||
        std::chrono::steady_clock::now() < deadline)
      return true;
    best.timedOut = true;
    return false;
  };
  for (Route &route : routes)
    if (best.rmse > options.targetRmse && route.bound <= options.targetRmse &&
        timeLeft())
      tryRoute(route);
  std::stable_sort(
      routes.begin(), routes.end(),
      [](const Route &a, const Route &b) { return a.bound < b.bound; });
  for (Route &route : routes)
    if (best.rmse > options.targetRmse && !route.tried &&
        route.bound < best.rmse && timeLeft())
      tryRoute(route);
  best.rmse = rmse(best.model.toDense(), target);
  best.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return best;
}

} // namespace bfly
