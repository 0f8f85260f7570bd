//===- Factorization.cpp - the in-memory butterfly model ------------------===//
#include "compiler/Model/Factorization.h"

#include "common/Limits.h"

#include <Eigen/SparseCore>

#include <cmath>
#include <random>

namespace bfly {

//===----------------------------------------------------------------------===//
// ElementType
//===----------------------------------------------------------------------===//

std::string ElementType::str() const {
  std::string scalar = precision == Precision::F32 ? "f32" : "f64";
  return field == Field::Complex ? "complex<" + scalar + ">" : scalar;
}

std::optional<ElementType> ElementType::parse(const std::string &spelling) {
  for (ElementType type : all())
    if (type.str() == spelling)
      return type;
  return std::nullopt;
}

std::vector<ElementType> ElementType::all() {
  return {{Field::Real, Precision::F32},
          {Field::Real, Precision::F64},
          {Field::Complex, Precision::F32},
          {Field::Complex, Precision::F64}};
}

//===----------------------------------------------------------------------===//
// Permutation
//===----------------------------------------------------------------------===//

std::vector<int64_t> Permutation::table(int64_t n) const {
  if (name)
    return namedPermutation(*name, n, block ? block : n);
  return indices;
}

//===----------------------------------------------------------------------===//
// Validation and rounding
//===----------------------------------------------------------------------===//

namespace {
/// Checks the constants of one factor: finite, and real in a real chain.
std::optional<std::string> checkValues(const std::vector<Complex> &values,
                                       Field field, const std::string &what) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i].real()) || !std::isfinite(values[i].imag()))
      return what + " entry " + std::to_string(i) + " is not finite";
    if (field == Field::Real && values[i].imag() != 0.0)
      return what + " entry " + std::to_string(i) +
             " is complex in a real model";
  }
  return std::nullopt;
}

struct FactorValidator {
  int64_t n;
  Field field;
  std::string where;

  std::optional<std::string> operator()(const Stage &stage) const {
    if (stage.stride < 1 || stage.stride >= n || !isPowerOfTwo(stage.stride))
      return where + "stride must be a power of two below " +
             std::to_string(n) + ", got " + std::to_string(stage.stride);
    if (stage.twiddles.size() % 4 != 0 ||
        (stage.matrixCount() != n / 2 && stage.matrixCount() != stage.stride))
      return where + "twiddles must hold n/2 or stride 2x2 matrices, got " +
             std::to_string(stage.twiddles.size()) + " numbers";
    return checkValues(stage.twiddles, field, where + "twiddle");
  }
  std::optional<std::string> operator()(const Permutation &perm) const {
    if (perm.name) {
      int64_t block = perm.block ? perm.block : n;
      if (block < 2 || block > n || !isPowerOfTwo(block))
        return where + "block must be a power of two from 2 to " +
               std::to_string(n);
      return std::nullopt;
    }
    if (static_cast<int64_t>(perm.indices.size()) != n ||
        !isBijection(perm.indices))
      return where + "indices are not a permutation of 0.." +
             std::to_string(n - 1);
    return std::nullopt;
  }
  std::optional<std::string> operator()(const Diagonal &diag) const {
    if (static_cast<int64_t>(diag.values.size()) != n)
      return where + "diagonal must have " + std::to_string(n) + " entries";
    return checkValues(diag.values, field, where + "diagonal");
  }
};

/// `values` in `field` and `precision`: imaginary parts of real numbers
/// dropped, single-precision ones rounded to float. Built as a new vector:
/// GCC 12 at -O2 drops the float rounding when the parts are stored back
/// into the same std::complex in place (it sees a store of the value that
/// is already there), so constants would depend on the build type.
std::vector<Complex> rounded(const std::vector<Complex> &values, Field field,
                             Precision precision) {
  std::vector<Complex> result;
  result.reserve(values.size());
  for (const Complex &v : values) {
    double re = v.real(), im = field == Field::Real ? 0.0 : v.imag();
    if (precision == Precision::F32)
      result.emplace_back(double(float(re)), double(float(im)));
    else
      result.emplace_back(re, im);
  }
  return result;
}
} // namespace

std::optional<std::string> Factorization::validate() const {
  if (!isValidLength(n))
    return "size must be " + validLengthText() + ", got " + std::to_string(n);
  if ((realInput || realOutput) && type.field != Field::Complex)
    return std::string("a real input or output needs a complex chain");
  if (paddedFrom < 0 || paddedFrom >= n || truncatedTo < 0 || truncatedTo >= n)
    return "padded and truncated lengths must be below n = " +
           std::to_string(n) + " (0: none), got " + std::to_string(paddedFrom) +
           " and " + std::to_string(truncatedTo);
  if (spectrum != RealSpectrum::None &&
      (type.field != Field::Complex || realInput || realOutput || paddedFrom ||
       truncatedTo))
    return std::string("a real-spectrum chain must be complex, with neither "
                       "real ends nor padding");
  for (size_t i = 0; i < factors.size(); ++i) {
    FactorValidator validator{n, type.field,
                              "factor " + std::to_string(i) + ": "};
    if (auto error = std::visit(validator, factors[i]))
      return error;
  }
  return std::nullopt;
}

void Factorization::roundToPrecision() {
  for (Factor &factor : factors) {
    if (auto *stage = std::get_if<Stage>(&factor))
      stage->twiddles = rounded(stage->twiddles, type.field, type.precision);
    if (auto *diag = std::get_if<Diagonal>(&factor))
      diag->values = rounded(diag->values, type.field, type.precision);
  }
}

//===----------------------------------------------------------------------===//
// Dense evaluation
//===----------------------------------------------------------------------===//

namespace {
using SparseMatrix = Eigen::SparseMatrix<Complex>;
using Triplet = Eigen::Triplet<Complex>;

/// The sparse n x n matrix of one factor, written from its definition.
struct FactorMatrix {
  int64_t n;

  SparseMatrix build(const std::vector<Triplet> &entries) const {
    SparseMatrix m(n, n);
    m.setFromTriplets(entries.begin(), entries.end());
    return m;
  }
  SparseMatrix operator()(const Stage &stage) const {
    std::vector<Triplet> entries;
    int64_t h = stage.stride;
    for (int64_t pair = 0; pair < n / 2; ++pair) {
      auto [top, bottom] = stagePair(pair, h);
      const Complex *t = stage.matrixForPair(pair);
      entries.emplace_back(top, top, t[0]);
      entries.emplace_back(top, bottom, t[1]);
      entries.emplace_back(bottom, top, t[2]);
      entries.emplace_back(bottom, bottom, t[3]);
    }
    return build(entries);
  }
  SparseMatrix operator()(const Permutation &perm) const {
    std::vector<Triplet> entries;
    std::vector<int64_t> table = perm.table(n);
    for (int64_t i = 0; i < n; ++i)
      entries.emplace_back(i, table[i], 1.0);
    return build(entries);
  }
  SparseMatrix operator()(const Diagonal &diag) const {
    std::vector<Triplet> entries;
    for (int64_t i = 0; i < n; ++i)
      entries.emplace_back(i, i, diag.values[i]);
    return build(entries);
  }
};

template <typename Dense>
Dense applyChain(const Factorization &model, Dense x) {
  if (model.realInput)
    x = x.real().template cast<Complex>();
  for (const Factor &factor : model.factors) {
    SparseMatrix m = std::visit(FactorMatrix{model.n}, factor);
    x = m * x;
  }
  if (model.realOutput)
    x = x.real().template cast<Complex>();
  return x;
}
} // namespace

int64_t Factorization::inputLength() const {
  if (spectrum == RealSpectrum::Forward)
    return 2 * n;
  if (spectrum == RealSpectrum::Backward)
    return n + 1;
  return paddedFrom ? paddedFrom : n;
}

int64_t Factorization::outputLength() const {
  if (spectrum == RealSpectrum::Forward)
    return n + 1;
  if (spectrum == RealSpectrum::Backward)
    return 2 * n;
  return truncatedTo ? truncatedTo : n;
}

Eigen::VectorXcd Factorization::apply(const Eigen::VectorXcd &x) const {
  return applyChain<Eigen::VectorXcd>(*this, x);
}

Eigen::MatrixXcd Factorization::toDense() const {
  return applyChain<Eigen::MatrixXcd>(*this, Eigen::MatrixXcd::Identity(n, n));
}

//===----------------------------------------------------------------------===//
// Exact constructors
//===----------------------------------------------------------------------===//

Factorization Factorization::rfft(int64_t n, Precision precision) {
  Factorization model = dft(n / 2, false, Normalization::None, precision);
  model.spectrum = RealSpectrum::Forward;
  model.provenance["target"] = "rfft";
  return model;
}

Factorization Factorization::irfft(int64_t n, Precision precision) {
  Factorization model = dft(n / 2, true, Normalization::None, precision);
  model.spectrum = RealSpectrum::Backward;
  model.provenance["target"] = "irfft";
  return model;
}

Factorization Factorization::dft(int64_t n, bool inverse, Normalization norm,
                                 Precision precision) {
  Factorization model;
  model.n = n;
  model.type = {Field::Complex, precision};
  model.provenance = {
      {"target", inverse ? "idft" : "dft"},
      {"method", "exact"},
      {"normalization", norm == Normalization::Unitary ? "unitary" : "none"}};
  model.factors.push_back(Permutation{NamedPermutation::BitReverse, n, {}});
  double scale = norm == Normalization::Unitary ? 1.0 / std::sqrt(2.0) : 1.0;
  double sign = inverse ? 1.0 : -1.0;
  for (int64_t h = 1; h < n; h *= 2) {
    Stage stage{h, {}};
    for (int64_t j = 0; j < h; ++j) {
      Complex w = std::polar(1.0, sign * M_PI * static_cast<double>(j) /
                                      static_cast<double>(h));
      for (Complex t : {Complex(1.0), w, Complex(1.0), -w})
        stage.twiddles.push_back(scale * t);
    }
    model.factors.push_back(std::move(stage));
  }
  model.roundToPrecision();
  return model;
}

Factorization Factorization::hadamard(int64_t n, ElementType type,
                                      Normalization norm) {
  Factorization model;
  model.n = n;
  model.type = type;
  model.provenance = {
      {"target", "hadamard"},
      {"method", "exact"},
      {"normalization", norm == Normalization::Unitary ? "unitary" : "none"}};
  double s = norm == Normalization::Unitary ? 1.0 / std::sqrt(2.0) : 1.0;
  for (int64_t h = 1; h < n; h *= 2)
    model.factors.push_back(Stage{h, {s, s, s, -s}});
  // A tied stage of stride h holds h matrices; the Sylvester ones are equal.
  for (Factor &factor : model.factors) {
    Stage &stage = std::get<Stage>(factor);
    std::vector<Complex> one = stage.twiddles;
    stage.twiddles.clear();
    for (int64_t j = 0; j < stage.stride; ++j)
      stage.twiddles.insert(stage.twiddles.end(), one.begin(), one.end());
  }
  model.roundToPrecision();
  return model;
}

Factorization Factorization::random(int64_t n, ElementType type, uint64_t seed,
                                    int64_t nearDiagonal) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, std::sqrt(0.5));
  bool complex = type.field == Field::Complex;
  auto draw = [&](double scale) {
    double re = normal(rng), im = complex ? normal(rng) : 0.0;
    return scale * Complex(re, im) / (complex ? std::sqrt(2.0) : 1.0);
  };
  Factorization model;
  model.n = n;
  model.type = type;
  model.provenance = {{"method", "random"}, {"seed", std::to_string(seed)}};
  model.factors.push_back(Permutation{NamedPermutation::BitReverse, n, {}});
  int64_t stageIndex = 0;
  for (int64_t h = 1; h < n; h *= 2, ++stageIndex) {
    bool small = stageIndex % 2 == 0 && stageIndex / 2 < nearDiagonal;
    Stage stage{h, {}};
    for (int64_t p = 0; p < n / 2; ++p) {
      Complex t0 = draw(1), t1 = draw(small ? 1e-3 : 1),
              t2 = draw(small ? 1e-3 : 1), t3 = draw(1);
      stage.twiddles.insert(stage.twiddles.end(), {t0, t1, t2, t3});
    }
    model.factors.push_back(std::move(stage));
  }
  model.roundToPrecision();
  return model;
}

} // namespace bfly
