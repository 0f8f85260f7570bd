//===- Factorization.h - the in-memory butterfly model ----------*- C++ -*-===//
//
// A Factorization is a linear map written as a chain of sparse factors:
// butterfly stages, permutations and diagonals, applied in order to a vector
// of n elements. It is what the learner produces and what the importer turns
// into bfly IR; it carries no MLIR type so that learning needs only Eigen.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_COMPILER_MODEL_FACTORIZATION_H
#define BFLY_COMPILER_MODEL_FACTORIZATION_H

#include "common/Butterfly.h"
#include "common/Permutation.h"

#include <Eigen/Dense>

#include <complex>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bfly {

using Complex = std::complex<double>;

enum class Precision { F32, F64 };
enum class Field { Real, Complex };

/// The element type of a model's chain: f32, f64, complex<f32>, complex<f64>.
struct ElementType {
  Field field = Field::Complex;
  Precision precision = Precision::F32;

  bool operator==(const ElementType &other) const {
    return field == other.field && precision == other.precision;
  }
  /// The MLIR spelling, e.g. "complex<f32>".
  std::string str() const;
  static std::optional<ElementType> parse(const std::string &spelling);
  /// The four element types, for tests and tools that sweep them.
  static std::vector<ElementType> all();
};

/// One butterfly factor: pairs (b + j, b + j + stride) of every block of
/// 2 * stride elements are mixed by a 2x2 matrix. `twiddles` holds the
/// matrices row-major, 4 numbers each: n/2 of them (untied) or `stride` of
/// them (tied: every block shares them).
struct Stage {
  int64_t stride = 1;
  std::vector<Complex> twiddles;

  int64_t matrixCount() const {
    return static_cast<int64_t>(twiddles.size()) / 4;
  }
  /// True when every block shares the stage's matrices (at stride n/2 the
  /// two layouts coincide, and this says tied).
  bool tied() const { return matrixCount() == stride; }
  /// The 2x2 matrix that mixes pair `pair` (0 <= pair < n/2).
  const Complex *matrixForPair(int64_t pair) const {
    return &twiddles[4 * matrixOfPair(pair, stride, tied())];
  }
};

/// A gather y[i] = x[P[i]]: either named (applied per block) or explicit.
struct Permutation {
  std::optional<NamedPermutation> name;
  int64_t block = 0; ///< for named ones: the block size (n: whole vector)
  std::vector<int64_t> indices; ///< for explicit ones

  /// The full gather table for an n-vector.
  std::vector<int64_t> table(int64_t n) const;
};

/// y[i] = values[i] * x[i].
struct Diagonal {
  std::vector<Complex> values;
};

using Factor = std::variant<Stage, Permutation, Diagonal>;

enum class Normalization {
  Unitary, ///< every factor unitary: the whole map is unitary
  None,    ///< the textbook sums with no scaling
};

/// A chain between a real signal and its half spectrum (FFTW's r2c and
/// c2r; bfly.pack ... bfly.real_spectrum in IR).
enum class RealSpectrum {
  None,
  Forward,  ///< 2n reals packed as n complex pairs in, n + 1 bins out
  Backward, ///< n + 1 bins packed into n complex numbers in, 2n reals out
};

/// The butterfly model: factors applied in order (factors[0] first).
/// A complex chain may take a real input (embedded with zero imaginary part)
/// and may return the real part of its result: a complex model of a real
/// transform, as the paper's DCT and DST models are.
/// The caller's vectors may differ in length from the chain's n: a shorter
/// input is zero-padded to n, a shorter output is the chain's first
/// elements (a rectangular map), or the chain is the core of a real-input
/// DFT (`spectrum`).
struct Factorization {
  int64_t n = 0;
  ElementType type;
  bool realInput = false;
  bool realOutput = false;
  int64_t paddedFrom = 0;  ///< the caller's input length if below n, else 0
  int64_t truncatedTo = 0; ///< the caller's output length if below n, else 0
  RealSpectrum spectrum = RealSpectrum::None;
  std::vector<Factor> factors;
  /// Where the model came from: target, method, rmse, seed, tool version...
  std::map<std::string, std::string> provenance;

  /// The problem with this model, if any: sizes, shapes, bijections, finite
  /// values, real values in a real chain. An empty result means valid.
  std::optional<std::string> validate() const;

  /// Rounds every constant to the precision of `type` (and drops imaginary
  /// parts of a real chain), so that writing and reading IR is exact.
  void roundToPrecision();

  /// The lengths of the caller's input and output vectors.
  int64_t inputLength() const;
  int64_t outputLength() const;

  /// y = M x, computed factor by factor in double precision (the chain's
  /// n x n map: the caller's map is its top-left outputLength x inputLength
  /// block; a real-spectrum chain is its complex core).
  Eigen::VectorXcd apply(const Eigen::VectorXcd &x) const;
  /// The dense n x n matrix M, built from each factor's sparse matrix.
  Eigen::MatrixXcd toDense() const;

  /// Exact Cooley-Tukey DFT: bit reversal, then log2(n) tied stages of
  /// increasing stride. Forward uses exp(-2 pi i jk / n), inverse its
  /// conjugate; Unitary scales each stage by 1/sqrt(2).
  static Factorization dft(int64_t n, bool inverse = false,
                           Normalization norm = Normalization::Unitary,
                           Precision precision = Precision::F32);
  /// Real-input DFT of n reals (FFTW's r2c: n/2 + 1 bins, unnormalized):
  /// a DFT of n/2 points between bfly.pack and bfly.real_spectrum.
  static Factorization rfft(int64_t n, Precision precision = Precision::F32);
  /// Its inverse up to n, FFTW's c2r: n/2 + 1 bins to n reals.
  static Factorization irfft(int64_t n, Precision precision = Precision::F32);
  /// Exact Sylvester Hadamard transform: log2(n) tied stages [1 1; 1 -1].
  static Factorization hadamard(int64_t n, ElementType type = {},
                                Normalization norm = Normalization::Unitary);
  /// A generic butterfly: bit reversal, then log2(n) untied stages of
  /// independent Gaussian twiddles (variance 1/2, so a stage keeps a
  /// vector's expected norm), drawn from `seed`. The off-diagonal twiddles
  /// of the first `nearDiagonal` even-numbered stages (0, 2, 4, ...) are
  /// 1000x smaller: a model with something to prune.
  static Factorization random(int64_t n, ElementType type, uint64_t seed,
                              int64_t nearDiagonal = 0);
};

} // namespace bfly

#endif // BFLY_COMPILER_MODEL_FACTORIZATION_H
