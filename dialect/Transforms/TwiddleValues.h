//===- TwiddleValues.h - norms of twiddle matrices --------------*- C++ -*-===//
//
// What the passes on factor chains compute on twiddles besides reading
// and writing them (dialect/IR/Constants.h).
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H
#define BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H

#include "dialect/IR/Constants.h"

namespace mlir::bfly {

/// The largest singular value of the 2x2 matrix [a b; c d].
double spectralNorm(Value64 a, Value64 b, Value64 c, Value64 d);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H
