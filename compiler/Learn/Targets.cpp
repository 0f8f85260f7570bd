//===- Targets.cpp - the dense matrices a model is fitted to --------------===//
#include "compiler/Learn/Targets.h"

#include <bitset>
#include <cmath>

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

std::optional<Eigen::MatrixXcd> targetMatrix(const std::string &name,
                                             int64_t n) {
  if (name == "dft" || name == "idft")
    return dftMatrix(n, name == "idft");
  if (name == "hadamard")
    return hadamardMatrix(n);
  return std::nullopt;
}

} // namespace bfly
