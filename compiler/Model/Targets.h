//===- Targets.h - the matrices a model is fitted to ------------*- C++ -*-===//
//
// Target matrices written straight from their textbook definitions (the
// table in docs/method.md). They share no code with the fast
// factorizations, so they are also the references that models and compiled
// kernels are checked against.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_MODEL_TARGETS_H
#define BFLY_COMPILER_MODEL_TARGETS_H

#include "compiler/Model/Factorization.h"

#include <Eigen/Dense>

#include <optional>
#include <string>
#include <vector>

namespace bfly {

/// A matrix to fit. A real target is matched by the real part of a
/// model's matrix (a complex model of a real transform, as in the paper).
struct Target {
  std::string name;
  Eigen::MatrixXcd matrix;
  bool real = false;

  int64_t size() const { return matrix.rows(); }
};

/// dft, idft, dct, dst, convolution, hadamard, hartley, legendre, randn.
const std::vector<std::string> &targetNames();

/// The named target of size n (a power of two), scaled as in the paper;
/// convolution and randn draw from bfly's own seeded generator.
std::optional<Target> makeTarget(const std::string &name, int64_t n,
                                 uint64_t seed = 0);

/// The paper's error: sqrt of the mean squared entry of (M - T), a complex
/// entry counting as two real numbers; for a real target only Re(M) counts.
double rmse(const Eigen::MatrixXcd &model, const Target &target);

/// The RMS of the target's entries: the error of the zero matrix.
double rms(const Target &target);

/// F[j][k] = exp(-+2 pi i jk / n), times 1/sqrt(n) when unitary.
Eigen::MatrixXcd dftMatrix(int64_t n, bool inverse = false,
                           Normalization norm = Normalization::Unitary);

/// H[j][k] = (-1)^popcount(j & k), times 1/sqrt(n) when unitary.
Eigen::MatrixXcd hadamardMatrix(int64_t n,
                                Normalization norm = Normalization::Unitary);

/// Standard normal numbers from a fixed, platform-independent generator
/// (splitmix64 and Box-Muller), so seeded targets are the same everywhere.
class NormalSequence {
public:
  explicit NormalSequence(uint64_t seed) : state_(seed) {}
  double next();

private:
  uint64_t nextBits();
  uint64_t state_;
  std::optional<double> spare_;
};

} // namespace bfly

#endif // BFLY_COMPILER_MODEL_TARGETS_H
