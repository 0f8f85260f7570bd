//===- RealPartLift.cpp - a complex butterfly with a given real part
//-------===//
//
// The paper fits real targets (DCT, DST, Hartley) with complex models read
// through their real part. T = Re(M) for a complex butterfly M does not make
// T a butterfly, but it keeps a trace of one: every rank-one block a u^T of
// M becomes a block of real rank <= 2, Re(a u^T). This file recovers an M
// from T alone, top level first (the level factorButterfly peels first:
// rows k and k + n/2, column halves).
//
// A top-level block X = T[{k, k + n/2}, half] = C E (E: orthonormal 2 x n/2
// basis of its rows) says:
//  - rank 1: M's block is c u^T with Re(u) = the one basis row, Im(u) free.
//    When a whole half is rank 1, the rows below it (u_k) form the same
//    problem one size down: recurse.
//  - rank 2: u = (e1 + i e1 L) E for a complex structure L on the
//    coefficient plane (L^2 = -1), unknown. u is then fixed up to a complex
//    scale, and so is M's block (a from C and L).
// The rows u_k must themselves form a butterfly: rows k and k' = k ^ 2^b are
// parallel on every block of 2^b columns. Where both restrictions span the
// plane, E_k'|C = G E_k|C, and parallel means L_k' = G L_k G^-1. Transport
// along a spanning tree fixes every L from one L_0 per connected group;
// every further block relation K says L_0 commutes with K, a linear
// condition whose null space (up to sign: the conjugate model) is L_0.
// No constraint at all means any L_0 works.
//
//===----------------------------------------------------------------------===//
#include "compiler/Learn/Fit.h"

#include <Eigen/Eigenvalues>

#include <cmath>
#include <deque>

namespace bfly {

namespace {

using Matrix2 = Eigen::Matrix2d;
using Rows2 = Eigen::Matrix<double, 2, Eigen::Dynamic>;

/// Relative singular value below which a block counts as rank-deficient.
constexpr double kRankTolerance = 1e-7;

/// The 2 x m block X = C E with E's rows orthonormal; rank 0, 1 or 2.
struct PlaneBlock {
  Rows2 basis;     ///< E (the second row is zero below rank 2)
  Matrix2 weights; ///< C
  int rank = 0;
};

PlaneBlock decompose(const Rows2 &x) {
  PlaneBlock block;
  Eigen::SelfAdjointEigenSolver<Matrix2> eigen(x * x.transpose());
  // Eigenvalues ascending: column 1 is the dominant direction.
  Eigen::Vector2d sigma = eigen.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  Matrix2 u = eigen.eigenvectors().rowwise().reverse();
  sigma.reverseInPlace();
  block.basis = Rows2::Zero(2, x.cols());
  block.weights.setZero();
  double scale = sigma(0);
  for (int i = 0; i < 2; ++i) {
    if (sigma(i) <= kRankTolerance * scale || sigma(i) == 0)
      break;
    block.basis.row(i) = u.col(i).transpose() * x / sigma(i);
    block.weights.col(i) = u.col(i) * sigma(i);
    block.rank = i + 1;
  }
  return block;
}

/// Whether the 2 x w restriction has two well-separated singular values.
bool spansPlane(const Rows2 &e) {
  Eigen::SelfAdjointEigenSolver<Matrix2> eigen(e * e.transpose(),
                                               Eigen::EigenvaluesOnly);
  double small = eigen.eigenvalues()(0), large = eigen.eigenvalues()(1);
  return large > 0 && small > kRankTolerance * kRankTolerance * large;
}

/// The linear conditions [L, K] = 0 on a trace-free L = [[a, b], [c, -a]],
/// as rows over (a, b, c); none when K is (nearly) a multiple of 1.
void appendCommutation(const Matrix2 &k,
                       std::vector<Eigen::RowVector3d> &rows) {
  Matrix2 free = k - 0.5 * k.trace() * Matrix2::Identity();
  double norm = free.norm();
  if (norm <= 1e-9 * k.norm())
    return;
  free /= norm;
  Matrix2 basis[3];
  basis[0] << 1, 0, 0, -1;
  basis[1] << 0, 1, 0, 0;
  basis[2] << 0, 0, 1, 0;
  Eigen::Matrix<double, 4, 3> equations;
  for (int j = 0; j < 3; ++j) {
    Matrix2 commutator = basis[j] * free - free * basis[j];
    equations.col(j) = Eigen::Map<Eigen::Vector4d>(commutator.data());
  }
  for (int i = 0; i < 4; ++i)
    rows.push_back(equations.row(i));
}

/// The complex structure commuting with every collected K, normalized to
/// L^2 = -1; the quarter turn when nothing constrains it, nullopt when no
/// complex structure fits (K with real eigenvalues).
std::optional<Matrix2>
solveStructure(const std::vector<Eigen::RowVector3d> &rows) {
  Matrix2 quarterTurn;
  quarterTurn << 0, -1, 1, 0;
  if (rows.empty())
    return quarterTurn;
  Eigen::MatrixXd system(rows.size(), 3);
  for (size_t i = 0; i < rows.size(); ++i)
    system.row(i) = rows[i];
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(system, Eigen::ComputeFullV);
  Eigen::Vector3d sigma = svd.singularValues();
  auto structureOf = [](const Eigen::Vector3d &v) {
    Matrix2 l;
    l << v(0), v(1), v(2), -v(0);
    return l;
  };
  // A two-dimensional null space leaves a pencil: take its member with the
  // largest determinant (the best-conditioned structure).
  Matrix2 best = structureOf(svd.matrixV().col(2));
  if (sigma(1) <= 1e-9 * sigma(0)) {
    for (int step = 0; step < 64; ++step) {
      double angle = M_PI * step / 64;
      Matrix2 candidate = structureOf(std::cos(angle) * svd.matrixV().col(1) +
                                      std::sin(angle) * svd.matrixV().col(2));
      if (candidate.determinant() > best.determinant())
        best = candidate;
    }
  }
  double det = best.determinant();
  if (!(det > 1e-12))
    return std::nullopt;
  return Matrix2(best / std::sqrt(det));
}

/// Complex rows u_k (k < h) over one half's columns, from the blocks' planes
/// (nodes of rank 2) and real rows (rank 1), such that rows k, k ^ 2^b are
/// parallel on every block of 2^b columns. Returns the structures L_k
/// (unused for nodes below rank 2); nullopt when none fits.
std::optional<std::vector<Matrix2>>
solveStructures(const std::vector<PlaneBlock> &nodes) {
  int64_t h = int64_t(nodes.size());
  // Block relations between nodes whose restrictions both span the plane.
  struct Relation {
    int64_t from, to;
    Matrix2 g; // E_to|C = g E_from|C
  };
  std::vector<std::vector<Relation>> relations(h);
  for (int64_t width = 2; width < h; width *= 2) {
    for (int64_t k = 0; k < h; ++k) {
      int64_t partner = k ^ width;
      if (partner < k || nodes[k].rank < 2 || nodes[partner].rank < 2)
        continue;
      for (int64_t start = 0; start < h; start += width) {
        Rows2 from = nodes[k].basis.middleCols(start, width);
        Rows2 to = nodes[partner].basis.middleCols(start, width);
        if (!spansPlane(from) || !spansPlane(to))
          continue;
        Matrix2 g = to * from.transpose() * (from * from.transpose()).inverse();
        relations[k].push_back({k, partner, g});
        relations[partner].push_back({partner, k, g.inverse()});
      }
    }
  }
  std::vector<Matrix2> structures(h, Matrix2::Zero());
  std::vector<bool> visited(h, false);
  for (int64_t root = 0; root < h; ++root) {
    if (visited[root] || nodes[root].rank < 2)
      continue;
    // Breadth-first transport: L_k = H_k L_0 H_k^-1.
    std::vector<int64_t> group;
    std::vector<Matrix2> transport(h);
    std::deque<int64_t> queue = {root};
    visited[root] = true;
    transport[root].setIdentity();
    while (!queue.empty()) {
      int64_t k = queue.front();
      queue.pop_front();
      group.push_back(k);
      for (const Relation &r : relations[k])
        if (!visited[r.to]) {
          visited[r.to] = true;
          transport[r.to] = r.g * transport[k];
          queue.push_back(r.to);
        }
    }
    std::vector<Eigen::RowVector3d> rows;
    for (int64_t k : group)
      for (const Relation &r : relations[k])
        if (r.from < r.to)
          appendCommutation(transport[r.to].inverse() * r.g * transport[k],
                            rows);
    std::optional<Matrix2> structure = solveStructure(rows);
    if (!structure)
      return std::nullopt;
    for (int64_t k : group)
      structures[k] = transport[k] * *structure * transport[k].inverse();
  }
  return structures;
}

} // namespace

Eigen::MatrixXcd liftRealPart(const Eigen::MatrixXd &t) {
  int64_t n = t.rows();
  if (n < 4)
    return t.cast<Complex>();
  int64_t h = n / 2;
  Eigen::MatrixXcd lifted(n, n);
  for (int half = 0; half < 2; ++half) {
    std::vector<PlaneBlock> nodes(h);
    int maxRank = 0;
    for (int64_t k = 0; k < h; ++k) {
      Rows2 x(2, h);
      x.row(0) = t.row(k).segment(half * h, h);
      x.row(1) = t.row(k + h).segment(half * h, h);
      nodes[k] = decompose(x);
      maxRank = std::max(maxRank, nodes[k].rank);
    }
    // The rows below this half, u_k, and the top-level weights a_k.
    Eigen::MatrixXcd below(h, h);
    std::vector<Eigen::Vector2cd> weights(h);
    std::optional<std::vector<Matrix2>> structures;
    if (maxRank == 2)
      structures = solveStructures(nodes);
    if (maxRank < 2 || !structures) {
      // Real weights, rows with the known real parts: the same problem one
      // size down. (When no structure fits a rank-2 node, keeping its
      // dominant direction is an approximation the caller's RMSE judges.)
      Eigen::MatrixXd realRows(h, h);
      for (int64_t k = 0; k < h; ++k) {
        realRows.row(k) = nodes[k].basis.row(0);
        weights[k] = nodes[k].weights.col(0).cast<Complex>();
      }
      below = liftRealPart(realRows);
    } else {
      for (int64_t k = 0; k < h; ++k) {
        const PlaneBlock &node = nodes[k];
        if (node.rank < 2) {
          below.row(k) = node.basis.row(0).cast<Complex>();
          weights[k] = node.weights.col(0).cast<Complex>();
          continue;
        }
        // u = (e1 + i l) E with l = e1 L; Re(a_j u) = C_j E fixes a_j.
        Eigen::RowVector2d l = (*structures)[k].row(0);
        below.row(k) = node.basis.row(0).cast<Complex>() +
                       Complex(0, 1) * (l * node.basis).cast<Complex>();
        for (int j = 0; j < 2; ++j) {
          double beta = -node.weights(j, 1) / l(1);
          double alpha = node.weights(j, 0) + beta * l(0);
          weights[k](j) = Complex(alpha, beta);
        }
      }
    }
    for (int64_t k = 0; k < h; ++k) {
      lifted.row(k).segment(half * h, h) = weights[k](0) * below.row(k);
      lifted.row(k + h).segment(half * h, h) = weights[k](1) * below.row(k);
    }
  }
  return lifted;
}

} // namespace bfly
