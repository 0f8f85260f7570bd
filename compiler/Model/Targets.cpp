//===- Targets.cpp - the matrices a model is fitted to --------------------===//
#include "compiler/Model/Targets.h"

#include "common/Limits.h"

#include <bitset>
#include <cmath>
#include <functional>

namespace bfly {

static double unitaryScale(int64_t n, Normalization norm) {
  return norm == Normalization::Unitary ? 1.0 / std::sqrt(double(n)) : 1.0;
}

Eigen::MatrixXcd dftMatrix(int64_t n, bool inverse, Normalization norm) {
  Eigen::MatrixXcd m(n, n);
  double sign = inverse ? 1.0 : -1.0, scale = unitaryScale(n, norm);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < n; ++k) {
      // Reduce jk mod n first so the angle stays exact for large n.
      double angle = sign * 2.0 * M_PI * double((j * k) % n) / double(n);
      m(j, k) = std::polar(scale, angle);
    }
  return m;
}

Eigen::MatrixXcd hadamardMatrix(int64_t n, Normalization norm) {
  Eigen::MatrixXcd m(n, n);
  double scale = unitaryScale(n, norm);
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < n; ++k)
      m(j, k) = std::bitset<64>(uint64_t(j & k)).count() % 2 ? -scale : scale;
  return m;
}

uint64_t NormalSequence::nextBits() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double NormalSequence::next() {
  if (spare_) {
    double value = *spare_;
    spare_.reset();
    return value;
  }
  // Two uniforms in (0, 1], then the Box-Muller pair.
  double u = (double(nextBits() >> 11) + 1.0) / 9007199254740992.0;
  double v = (double(nextBits() >> 11) + 1.0) / 9007199254740992.0;
  double radius = std::sqrt(-2.0 * std::log(u));
  spare_ = radius * std::sin(2.0 * M_PI * v);
  return radius * std::cos(2.0 * M_PI * v);
}

namespace {
/// A real matrix from its entry formula, times 1/sqrt(n).
Eigen::MatrixXcd realMatrix(int64_t n,
                            const std::function<double(int64_t, int64_t)> &f) {
  Eigen::MatrixXcd m(n, n);
  double scale = 1.0 / std::sqrt(double(n));
  for (int64_t j = 0; j < n; ++j)
    for (int64_t k = 0; k < n; ++k)
      m(j, k) = scale * f(j, k);
  return m;
}

/// P_k(x) for k < count, by Bonnet's recursion.
std::vector<double> legendreValues(int64_t count, double x) {
  std::vector<double> p(count);
  p[0] = 1.0;
  if (count > 1)
    p[1] = x;
  for (int64_t k = 1; k + 1 < count; ++k)
    p[k + 1] = ((2.0 * k + 1.0) * x * p[k] - double(k) * p[k - 1]) / (k + 1.0);
  return p;
}
} // namespace

const std::vector<std::string> &targetNames() {
  static const std::vector<std::string> names = {
      "dft",      "idft",    "dct",      "dst",  "convolution",
      "hadamard", "hartley", "legendre", "randn"};
  return names;
}

std::optional<std::string> targetSizeProblem(int64_t n) {
  if (n >= 2 && n <= kMaxTargetLength && isPowerOfTwo(n))
    return std::nullopt;
  std::string limit =
      "the learner takes n from 2 to " + std::to_string(kMaxTargetLength) +
      ", a power of two (a dense " + std::to_string(kMaxTargetLength) + " x " +
      std::to_string(kMaxTargetLength) + " target is " +
      formatBytes(16.0 * double(kMaxTargetLength) * double(kMaxTargetLength)) +
      ")";
  if (n > kMaxTargetLength)
    return "a " + std::to_string(n) + " x " + std::to_string(n) +
           " target would need " + formatBytes(16.0 * double(n) * double(n)) +
           "; " + limit;
  return "n = " + std::to_string(n) + " is not a power of two of at least 2; " +
         limit;
}

std::optional<Target> makeTarget(const std::string &name, int64_t n,
                                 uint64_t seed) {
  if (targetSizeProblem(n))
    return std::nullopt;
  Target target{name, {}, true};
  double pi = M_PI, size = double(n);
  if (name == "dft" || name == "idft") {
    target.matrix = dftMatrix(n, name == "idft");
    target.real = false;
  } else if (name == "hadamard") {
    target.matrix = hadamardMatrix(n);
  } else if (name == "dct") {
    target.matrix = realMatrix(n, [&](int64_t k, int64_t i) {
      return 2.0 * std::cos(pi * double(k) * (2.0 * i + 1.0) / (2.0 * size));
    });
  } else if (name == "dst") {
    target.matrix = realMatrix(n, [&](int64_t k, int64_t i) {
      return 2.0 * std::sin(pi * (k + 1.0) * (2.0 * i + 1.0) / (2.0 * size));
    });
  } else if (name == "hartley") {
    target.matrix = realMatrix(n, [&](int64_t j, int64_t k) {
      double angle = 2.0 * pi * double((j * k) % n) / size;
      return std::cos(angle) + std::sin(angle);
    });
  } else if (name == "convolution") {
    NormalSequence normal(seed);
    std::vector<double> filter(n);
    for (double &h : filter)
      h = normal.next();
    target.matrix = realMatrix(
        n, [&](int64_t j, int64_t k) { return filter[(j - k + n) % n]; });
  } else if (name == "legendre") {
    // Row k is P_k at the n interior points of n + 2 equispaced ones.
    std::vector<std::vector<double>> columns;
    for (int64_t i = 0; i < n; ++i)
      columns.push_back(
          legendreValues(n, -1.0 + 2.0 * (i + 1.0) / (size + 1.0)));
    target.matrix =
        realMatrix(n, [&](int64_t k, int64_t i) { return columns[i][k]; });
  } else if (name == "randn") {
    NormalSequence normal(seed);
    Eigen::MatrixXd values(n, n);
    for (int64_t j = 0; j < n; ++j)
      for (int64_t k = 0; k < n; ++k)
        values(j, k) = normal.next();
    target.matrix =
        realMatrix(n, [&](int64_t j, int64_t k) { return values(j, k); });
  } else {
    return std::nullopt;
  }
  return target;
}

double rmse(const Eigen::MatrixXcd &model, const Target &target) {
  double entries = double(target.matrix.size());
  if (target.real)
    return std::sqrt((model.real() - target.matrix.real()).squaredNorm() /
                     entries);
  return std::sqrt((model - target.matrix).squaredNorm() / (2.0 * entries));
}

double relativeError(const Eigen::MatrixXcd &model, const Target &target) {
  double norm = target.matrix.norm();
  double error = target.real ? (model.real() - target.matrix.real()).norm()
                             : (model - target.matrix).norm();
  return norm > 0 ? error / norm : error;
}

double rms(const Target &target) {
  double entries = double(target.matrix.size());
  return std::sqrt(target.matrix.squaredNorm() /
                   ((target.real ? 1.0 : 2.0) * entries));
}

} // namespace bfly
