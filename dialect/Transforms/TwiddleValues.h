//===- TwiddleValues.h - constants of bfly ops as complex doubles -*- C++
//-*-===//
//
// The passes on factor chains compute on twiddles and diagonals as complex
// doubles, whatever the model's element type, and write them back rounded
// to it.
//
//===----------------------------------------------------------------------===//
#ifndef BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H
#define BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <complex>

namespace mlir::bfly {

using Value64 = std::complex<double>;

/// The constants of `attr` (real or complex) as complex doubles.
SmallVector<Value64> valuesOf(DenseElementsAttr attr);

/// `values` as constants of `type` (rounded to its element type).
DenseElementsAttr attrOf(ArrayRef<Value64> values, ShapedType type);

/// The largest singular value of the 2x2 matrix [a b; c d].
double spectralNorm(Value64 a, Value64 b, Value64 c, Value64 d);

} // namespace mlir::bfly

#endif // BFLY_DIALECT_TRANSFORMS_TWIDDLEVALUES_H
