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
  /// A user's rows x cols matrix, zero-padded to the square `matrix`: its
  /// true shape (0: the whole square). A model of it pads its input to n
  /// and truncates its output, so callers see rows x cols.
  int64_t rows = 0, cols = 0;

  int64_t size() const { return matrix.rows(); }
};

/// The largest n of a target: 8192. A target is a dense n x n complex
/// matrix of doubles (16 n^2 bytes, 1 GiB at 8192) and a fit holds a few of
/// them at once, so larger ones are refused before anything is allocated.
inline constexpr int64_t kMaxTargetLength = 8192;

/// Why an n x n target cannot be made or fitted (n is not a power of two
/// from 2 to kMaxTargetLength; the message gives the memory it would
/// take), or nullopt when it can.
std::optional<std::string> targetSizeProblem(int64_t n);

/// dft, idft, dct, dst, convolution, hadamard, hartley, legendre, randn.
const std::vector<std::string> &targetNames();

/// The named target of size n, scaled as in the paper; convolution and
/// randn draw from bfly's own seeded generator. Nullopt for an unknown name
/// or a size targetSizeProblem refuses.
std::optional<Target> makeTarget(const std::string &name, int64_t n,
                                 uint64_t seed = 0);

/// The paper's error: sqrt of the mean squared entry of (M - T), a complex
/// entry counting as two real numbers; for a real target only Re(M) counts.
double rmse(const Eigen::MatrixXcd &model, const Target &target);

/// ||M - T||_F / ||T||_F (for a real target, of Re(M)): 1 is as far off
/// as the zero matrix.
double relativeError(const Eigen::MatrixXcd &model, const Target &target);

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
