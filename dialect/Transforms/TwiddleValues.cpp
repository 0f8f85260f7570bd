//===- TwiddleValues.cpp - norms of twiddle matrices ----------------------===//
#include "dialect/Transforms/TwiddleValues.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::bfly;

double mlir::bfly::spectralNorm(Value64 a, Value64 b, Value64 c, Value64 d) {
  // sigma_max^2 is the larger root of s^2 - F s + |det|^2, F = ||A||_F^2.
  double frobenius = std::norm(a) + std::norm(b) + std::norm(c) + std::norm(d);
  double det = std::norm(a * d - b * c);
  double disc = std::max(0.0, frobenius * frobenius - 4 * det);
  return std::sqrt(0.5 * (frobenius + std::sqrt(disc)));
}
